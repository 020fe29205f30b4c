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
import { PagePool } from "./page-pool.js";
import {
  type PagePoolOptions,
  type ResolvedPagePoolOptions,
  resolvePagePoolOptions,
  resolvePoolSize,
} from "./page-pool-options.js";

/**
 * gve DQO's receive path on the kernel page_pool (raw DMA addressing):
 * every posted buffer is a `page_pool_alloc_netmem` piece, a fragment's piece
 * travels up with the skb, dropped buffers give their piece back at once, and
 * pages come back to the pool when their last piece is released.
 *
 * @throws RangeError when an option is out of range (names the option).
 */
export function createPagePoolStrategy(options: PagePoolOptions = {}): RxStrategyFactory<ResolvedPagePoolOptions> {
  const resolved = resolvePagePoolOptions(options);
  return defineStrategyFactory("page-pool", resolved, PagePoolStrategy);
}

class PagePoolStrategy implements RxStrategy {
  readonly contractVersion = RX_STRATEGY_CONTRACT_VERSION;
  readonly name = "page-pool";
  readonly copybreak: number;
  private readonly env: RxStrategyEnv;
  /** The pool the buffers come from (read it, never drive it: for tests and viewers). */
  readonly pool: PagePool;
  private readonly bufferSize: number;

  // gve_rx_buf_state_dqo records indexed by buffer id; free ids form a LIFO list (free_buf_states).
  private readonly ids: BufferIdTable;

  private rxBufAllocFail = 0;
  // True while the driver itself puts a piece with allow_direct (gve_free_buffer).
  private directPut = false;

  constructor(env: RxStrategyEnv, o: ResolvedPagePoolOptions) {
    this.env = env;
    const sizes = resolveBufferSizes("page_pool", o, env.config, 1);
    this.bufferSize = sizes.bufferSize;
    this.copybreak = sizes.copybreak;
    const pageSize = env.config.pageSize;
    this.pool = new PagePool(
      env.pages,
      {
        pageSize,
        poolSize: resolvePoolSize(o.poolSize, env.config.bufqSlots),
        cacheSize: o.cacheSize,
        refillBatch: o.refillBatch,
        bulkAlloc: o.bulkAlloc,
      },
      env.log,
      env.dma,
      env.work,
    );
    // Raw addressing: num_buf_states equals the buffer queue's slots.
    this.ids = new BufferIdTable(env.config.bufqSlots, "lifo");
  }

  /** `gve_rx_post_buffers_dqo` with `gve_alloc_from_page_pool`; a failed allocation ends the refill. */
  refill(max: number): number {
    const env = this.env;
    const pool = this.pool;
    const ids = this.ids;
    const len = this.bufferSize;
    let posted = 0;
    while (posted < max && ids.free > 0) {
      const page = pool.alloc(len);
      if (page === NO_PAGE) {
        this.rxBufAllocFail++;
        break;
      }
      const offset = pool.offset;
      const id = ids.take(page, offset);
      if (env.log !== null) env.log.line(`D post ${id} page=${page} off=${offset} len=${len}`);
      env.post(id, page, offset, len);
      posted++;
    }
    return posted;
  }

  /**
   * `gve_rx_dqo`: reject ids out of range or not outstanding. A fragment's
   * piece goes with the skb (`gve_reuse_buffer` forgets the page); copybreak,
   * rx_error and skb-allocation failures give the piece back at once with
   * direct recycling allowed (`gve_free_buffer` → `page_pool_put_full_netmem`).
   */
  complete(bufId: number, kind: CompletionKind, _bytes: number): CompletionResult {
    const page = this.ids.reclaim(bufId);
    if (page === NO_PAGE) return CompletionResult.Rejected;
    // gve_dma_sync → page_pool_dma_sync_netmem_for_cpu, after the rx_error check.
    if (kind !== CompletionKind.Error) this.env.dma.syncForCpu(page);
    if (kind !== CompletionKind.Fragment) {
      // gve passes allow_direct = true: NAPI owns the pool here, whatever context the page table reports.
      this.directPut = true;
      this.env.pages.put(page);
      this.directPut = false;
    }
    return CompletionResult.Accepted;
  }

  /**
   * The page's last piece was released: hand it back to the pool. Direct
   * recycling is allowed when the release runs in the owning NAPI context
   * (`page_pool_napi_local`) or the driver asked for it (`allow_direct`).
   */
  onPageCountDrop(page: number, _count: number, inNapi: boolean): void {
    this.pool.recycle(page, inNapi || this.directPut);
  }

  /**
   * `gve_rx_stop_ring_dqo` disables direct recycling; `gve_rx_reset_ring_dqo`
   * gives back every posted buffer's piece (`gve_free_to_page_pool(…, false)`:
   * into the ring); `gve_rx_free_ring_dqo` calls `page_pool_destroy`. Pages
   * the stack still holds stay in flight; when they come back they wait in
   * the ring for the release retry ({@link teardownWorkAt}).
   */
  teardown(): void {
    const pages = this.env.pages;
    this.pool.disableDirect();
    this.ids.releaseAll((_id, page) => pages.put(page));
    this.pool.destroy(this.env.clock.now());
  }

  /** When `page_pool_release_retry` runs next, or `Infinity`. */
  teardownWorkAt(): number {
    return this.pool.retryAt;
  }

  /** `page_pool_release_retry`: free the pages parked in the ring; reschedule while any is in flight. */
  runTeardownWork(): void {
    this.pool.releaseRetry(this.env.clock.now());
  }

  stats(): Readonly<Record<string, number>> {
    const p = this.pool;
    return {
      alloc_fast: p.allocFast,
      alloc_slow: p.allocSlow,
      alloc_slow_high_order: p.allocSlowHighOrder,
      alloc_empty: p.allocEmpty,
      alloc_refill: p.allocRefill,
      alloc_waive: p.allocWaive,
      recycle_cached: p.recycleCached,
      recycle_cache_full: p.recycleCacheFull,
      recycle_ring: p.recycleRing,
      recycle_ring_full: p.recycleRingFull,
      recycle_released_refcnt: p.recycleReleasedRefcnt,
      hold_cnt: p.holdCnt,
      release_cnt: p.releaseCnt,
      inflight: p.inflight,
      teardown_inflight: p.teardownInflight,
      release_retries: p.releaseRetries,
      cache_count: p.cached,
      ring_count: p.ringed,
      rx_buf_alloc_fail: this.rxBufAllocFail,
      invalid_buf_id: this.ids.rejected,
    };
  }
}
