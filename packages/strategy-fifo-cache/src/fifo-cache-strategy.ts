import {
  BufferIdTable,
  CompletionKind,
  CompletionResult,
  defineStrategyFactory,
  NO_PAGE,
  RX_STRATEGY_CONTRACT_VERSION,
  type RxStrategy,
  type RxStrategyEnv,
  type RxStrategyFactory,
  resolveBufferSizes,
} from "@rxsim/core";
import { type FifoCacheOptions, type ResolvedFifoCacheOptions, resolveFifoCacheOptions } from "./fifo-cache-options.js";
import { FifoPageCache } from "./page-cache.js";

/**
 * The older mlx5 receive path (linked-list RQ, one page per WQE) with its
 * FIFO page cache: a refill reuses the cache's head page if only the driver
 * still references it, else allocates; a completed packet takes its own page
 * reference for the skb and the driver's reference goes into the cache.
 *
 * @throws RangeError when an option is out of range (names the option).
 */
export function createFifoCacheStrategy(options: FifoCacheOptions = {}): RxStrategyFactory<ResolvedFifoCacheOptions> {
  const resolved = resolveFifoCacheOptions(options);
  return defineStrategyFactory("fifo-cache", resolved, FifoCacheStrategy);
}

class FifoCacheStrategy implements RxStrategy {
  readonly contractVersion = RX_STRATEGY_CONTRACT_VERSION;
  readonly name = "fifo-cache";
  readonly copybreak: number;
  private readonly env: RxStrategyEnv;
  private readonly cache: FifoPageCache;
  private readonly bufferSize: number;

  // The page of each outstanding buffer id (the WQE's `mlx5e_dma_info`); free ids form a LIFO stack.
  private readonly ids: BufferIdTable;

  private rxBufAllocFail = 0;
  private pagesAllocated = 0;

  constructor(env: RxStrategyEnv, o: ResolvedFifoCacheOptions) {
    this.env = env;
    const sizes = resolveBufferSizes("fifo-cache", o, env.config, 1);
    this.bufferSize = sizes.bufferSize;
    this.copybreak = sizes.copybreak;
    this.cache = new FifoPageCache(o.cacheSize);
    this.ids = new BufferIdTable(env.config.bufqSlots, "lifo");
  }

  /**
   * `mlx5e_post_rx_wqes` → `mlx5e_alloc_rx_wqe` → `mlx5e_page_alloc_mapped`:
   * the cache's head page if it is free, else a new page. A failed
   * allocation ends the refill.
   */
  refill(max: number): number {
    const env = this.env;
    const pages = env.pages;
    const ids = this.ids;
    const len = this.bufferSize;
    let posted = 0;
    while (posted < max && ids.free > 0) {
      let page = this.cache.get(pages);
      const reused = page !== NO_PAGE;
      if (!reused) {
        page = pages.alloc();
        if (page === NO_PAGE) {
          this.rxBufAllocFail++;
          break;
        }
        this.pagesAllocated++;
        // `mlx5e_page_alloc_mapped`: map the new page; the cache keeps pages mapped.
        env.dma.map(page);
      } else {
        // `mlx5e_rx_cache_get` hands a cached page back to the device with a sync for the device.
        env.dma.syncForDevice(page);
      }
      // One page per buffer: the offset is always 0.
      const id = ids.take(page, 0);
      if (env.log !== null) env.log.line(`D post ${id} page=${page} len=${len} ${reused ? "reuse" : "new"}`);
      env.post(id, page, 0, len);
      posted++;
    }
    return posted;
  }

  /**
   * `mlx5e_handle_rx_cqe`: a fragment takes a reference for the skb
   * (`page_ref_inc`, one atomic); then, whatever happened to the packet, the
   * driver's reference goes to the cache (`mlx5e_page_release` with recycle).
   */
  complete(bufId: number, kind: CompletionKind, _bytes: number): CompletionResult {
    const page = this.ids.reclaim(bufId);
    if (page === NO_PAGE) return CompletionResult.Rejected;
    // The received bytes are synced for the CPU before the skb is built.
    this.env.dma.syncForCpu(page);
    if (kind === CompletionKind.Fragment) this.env.pages.get(page);
    this.release(page);
    return CompletionResult.Accepted;
  }

  /** `mlx5e_page_release(rq, di, true)`: into the cache, or unmap and `put_page` when it is full. */
  private release(page: number): void {
    if (this.cache.put(page)) {
      if (this.env.log !== null) this.env.log.line(`D cache put ${page}`);
      return;
    }
    if (this.env.log !== null) this.env.log.line(`D cache full ${page}`);
    this.env.dma.unmap(page);
    this.env.pages.put(page);
  }

  /**
   * `mlx5e_close_rq`: every posted WQE's page is released with recycling
   * (`mlx5e_dealloc_rx_wqe`), then `mlx5e_free_rq` releases every cached page
   * without recycling. Pages skbs still hold are freed when the stack lets go.
   */
  teardown(): void {
    this.ids.releaseAll((_id, page) => this.release(page));
    const { pages, dma } = this.env;
    for (let page = this.cache.shift(); page !== NO_PAGE; page = this.cache.shift()) {
      dma.unmap(page);
      pages.put(page);
    }
  }

  stats(): Readonly<Record<string, number>> {
    const c = this.cache;
    return {
      cache_reuse: c.reuse,
      cache_full: c.full,
      cache_empty: c.empty,
      cache_busy: c.busy,
      cache_waive: 0,
      rx_buf_alloc_fail: this.rxBufAllocFail,
      pages_allocated: this.pagesAllocated,
      cache_count: c.count,
      invalid_buf_id: this.ids.rejected,
    };
  }
}
