import { type DecisionLogSink, type DmaApi, NO_PAGE, type PageTable, type PoolWork } from "@rxsim/core";
import { PtrRing } from "./ptr-ring.js";

/**
 * The fragment bias page_pool sets in a page's count when it starts carving it
 * (`page_pool_fragment_netmem(netmem, BIAS_MAX)`). The kernel uses
 * `LONG_MAX >> 1`; rxsim's counts are 32-bit, so it takes `INT_MAX >> 1`,
 * which no run comes near spending.
 */
export const PP_FRAG_BIAS = 0x3fffffff;

/**
 * Fragment alignment: `page_pool_alloc_frag` rounds each piece up to
 * `dma_get_cache_alignment()`. rxsim uses a 64-byte cache line; with the
 * power-of-two buffer sizes rxsim runs it changes nothing.
 */
export const PP_FRAG_ALIGN = 64;

/**
 * `DEFER_TIME`: `page_pool_destroy` with pages in flight schedules
 * `page_pool_release_retry`, which runs every second until none is left
 * (`msecs_to_jiffies(1000)`, net/core/page_pool.c, v6.18).
 */
export const PP_DEFER_TIME_NS = 1e9;

const NONE = NO_PAGE;

/** Sizes of one {@link PagePool}. */
export interface PagePoolConfig {
  /** Bytes per page (`PAGE_SIZE << order`; order is 0 here). */
  readonly pageSize: number;
  /** Ring capacity (`pool_size`). */
  readonly poolSize: number;
  /** Cache slots (`PP_ALLOC_CACHE_SIZE`). */
  readonly cacheSize: number;
  /** Pages moved from ring to cache per refill (`PP_ALLOC_CACHE_REFILL`). */
  readonly refillBatch: number;
  /** Pages asked for per bulk allocation (`PP_ALLOC_CACHE_REFILL` in the kernel). */
  readonly bulkAlloc: number;
}

/**
 * The Linux page_pool for one RX queue (`net/core/page_pool.c`), on rxsim's
 * page table.
 *
 * rxsim keeps one count per page, so the page's `_refcount` and page_pool's
 * `pp_ref_count` are folded into it: a page resting in the cache or ring has
 * count 1 (the pool's own reference); every piece handed out, and the unused
 * fragment bias, add to it. The pool watches every page it hands out at 1 and
 * learns through {@link PagePool.recycle} when the last user let go — the
 * moment `page_pool_unref_and_test` returns true in the kernel.
 *
 * Hot state lives in typed arrays: the cache is a LIFO stack
 * (`alloc.cache[--alloc.count]`), the ring the kernel's `ptr_ring` with its
 * batched clearing of consumed slots ({@link PtrRing}).
 */
export class PagePool {
  /** `alloc_stats.fast`: pages taken from the cache (and frag pages drained and reused in place). */
  allocFast = 0;
  /** `alloc_stats.slow`: bulk allocations that got at least one page. */
  allocSlow = 0;
  /** Always 0: order-0 pages only; `__page_pool_alloc_page_order` is the path for order > 0. */
  readonly allocSlowHighOrder = 0;
  /** `alloc_stats.empty`: cache refills that found the ring empty. */
  allocEmpty = 0;
  /** `alloc_stats.refill`: cache refills from the ring. */
  allocRefill = 0;
  /** Always 0: rxsim has one NUMA node, so the refill never meets a remote page. */
  readonly allocWaive = 0;
  /** `recycle_stats.cached`: pages recycled into the cache (drained-and-reused frag pages included). */
  recycleCached = 0;
  /** `recycle_stats.cache_full`: direct recycling found the cache full. */
  recycleCacheFull = 0;
  /** `recycle_stats.ring`: pages recycled into the ring. */
  recycleRing = 0;
  /** `recycle_stats.ring_full`: the ring was full, so the page was freed. */
  recycleRingFull = 0;
  /** Always 0: see the package README ("a page that comes back with another reference"). */
  readonly recycleReleasedRefcnt = 0;
  /** `pages_state_hold_cnt`: pages taken from the page allocator. */
  holdCnt = 0;
  /** `pages_state_release_cnt`: pages given back to the page allocator. */
  releaseCnt = 0;
  /** In-flight pages when {@link PagePool.destroy} ran (`page_pool_release`'s return value); -1 before. */
  teardownInflight = -1;
  /** Runs of `page_pool_release_retry` after {@link PagePool.destroy}. */
  releaseRetries = 0;
  /** When `page_pool_release_retry` runs next (simulated ns); `Infinity` when not scheduled. */
  retryAt = Number.POSITIVE_INFINITY;
  /** Offset of the piece the last successful {@link PagePool.alloc} returned. */
  offset = 0;

  private readonly pages: PageTable;
  private readonly cfg: PagePoolConfig;
  private readonly log: DecisionLogSink | null;
  /** PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV (gve sets both), or null for a pool that maps nothing. */
  private readonly dma: DmaApi | null;
  /** Cache, ring and bulk operations, for the cost model (or null). */
  private readonly work: PoolWork | null;
  private readonly cache: Int32Array;
  private cacheCount = 0;
  private readonly ring: PtrRing;
  // page_pool's frag state: frag_page, frag_offset, frag_users.
  private fragPage = NONE;
  private fragOffset = 0;
  private fragUsers = 0;
  // Set while draining a frag page, so the drop to 1 it may cause is taken as "reuse now", not "recycle".
  private draining = NONE;
  private drainedIdle = false;
  // page_pool_disable_direct_recycling ran: no release recycles into the cache any more.
  private directDisabled = false;

  /**
   * @param pages - the page table every page comes from.
   * @param cfg - sizes (validated by the caller; see `resolvePagePoolOptions`).
   * @param log - decision-log sink for `D pp …` lines, or null.
   */
  constructor(
    pages: PageTable,
    cfg: PagePoolConfig,
    log: DecisionLogSink | null = null,
    dma: DmaApi | null = null,
    work: PoolWork | null = null,
  ) {
    this.pages = pages;
    this.dma = dma;
    this.work = work;
    this.cfg = cfg;
    this.log = log;
    this.cache = new Int32Array(cfg.cacheSize);
    this.ring = new PtrRing(cfg.poolSize);
  }

  /** Pages in the lockless cache now. */
  get cached(): number {
    return this.cacheCount;
  }

  /** Pages in the ring now. */
  get ringed(): number {
    return this.ring.count;
  }

  /**
   * The pages resting in the pool, for tests and viewers (not for hot paths):
   * the lockless cache bottom first (the next page handed out is its last),
   * and the ring from its consumer head.
   */
  lists(): { cache: number[]; ring: number[] } {
    return { cache: Array.from(this.cache.subarray(0, this.cacheCount)), ring: this.ring.list() };
  }

  /** `page_pool_inflight`: pages taken from the allocator and not given back (resting ones included). */
  get inflight(): number {
    return this.holdCnt - this.releaseCnt;
  }

  /**
   * `page_pool_alloc_netmem` (helpers.h): a whole page when two pieces of
   * `size` do not fit in a page, else a fragment. The returned page's count
   * includes the caller's piece; {@link PagePool.offset} says where it starts.
   * @returns the page, or `NO_PAGE` when no memory could be had.
   */
  alloc(size: number): number {
    if (size * 2 > this.cfg.pageSize) {
      const page = this.allocPages();
      if (page === NONE) return NONE;
      // pp_ref_count is 1 for a whole page: the caller's piece. rxsim's merged count needs it added.
      this.pages.get(page);
      this.pages.watch(page, 1);
      this.offset = 0;
      return page;
    }
    return this.allocFrag(size);
  }

  /**
   * `page_pool_alloc_frag_netmem`: carve aligned pieces from the current frag
   * page; the bias was set once, so a piece costs no atomic. When the next
   * piece does not fit, drain the page (`page_pool_drain_frag`) and reuse it
   * at once if nobody holds any piece, else take another page.
   */
  private allocFrag(size: number): number {
    const stride = Math.ceil(size / PP_FRAG_ALIGN) * PP_FRAG_ALIGN;
    let page = this.fragPage;
    if (page !== NONE) {
      if (this.fragOffset + stride <= this.cfg.pageSize) {
        // Room left on the current page: spend one unit of the bias, no atomic.
        this.fragUsers++;
        this.offset = this.fragOffset;
        this.fragOffset += stride;
        return page;
      }
      page = this.drain(page);
      if (page !== NONE) {
        // Reused at once: page_pool syncs it for the device as for any recycle.
        if (this.dma !== null) this.dma.syncForDevice(page);
        // 6.x counts a drained page reused in place as a cached recycle and a fast allocation.
        this.recycleCached++;
        this.allocFast++;
        if (this.work !== null) this.work.poolFastAllocs++;
        return this.fragReset(page, stride);
      }
    }
    page = this.allocPages();
    if (page === NONE) return NONE;
    return this.fragReset(page, stride);
  }

  /** `frag_reset`: a page holding only the pool's reference starts a round of pieces with one bias set. */
  private fragReset(page: number, stride: number): number {
    this.fragPage = page;
    this.fragUsers = 1;
    this.offset = 0;
    this.fragOffset = stride;
    this.pages.add(page, PP_FRAG_BIAS);
    this.pages.watch(page, 1);
    return page;
  }

  /**
   * `page_pool_drain_frag`: give back the bias no piece used (one atomic). If
   * that leaves only the pool's reference, the page is returned for reuse at
   * once; otherwise it comes back through {@link PagePool.recycle} when the
   * last piece is released.
   */
  private drain(page: number): number {
    this.fragPage = NONE;
    this.draining = page;
    this.drainedIdle = false;
    this.pages.sub(page, PP_FRAG_BIAS - this.fragUsers);
    this.draining = NONE;
    if (this.log !== null) this.log.line(`D pp drain ${page} ${this.drainedIdle ? "reuse" : "busy"}`);
    return this.drainedIdle ? page : NONE;
  }

  /**
   * `page_pool_alloc_netmems`: a page holding only the pool's reference (count
   * 1), from the cache (fast), else the ring (refill up to `refillBatch` into
   * the cache), else the page allocator in bulk (slow).
   * @returns the page, or `NO_PAGE`.
   */
  allocPages(): number {
    // Every page handed out pays the cache's bookkeeping (bench_page_pool's fast path).
    if (this.work !== null) this.work.poolFastAllocs++;
    if (this.cacheCount > 0) {
      this.allocFast++;
      return this.cache[--this.cacheCount];
    }
    const page = this.refillFromRing();
    if (page !== NONE) return page;
    const bulk = this.allocBulk();
    if (bulk === NONE && this.work !== null) this.work.poolFastAllocs--;
    return bulk;
  }

  /** `page_pool_refill_alloc_cache`: move up to `refillBatch` pages from the ring into the (empty) cache. */
  private refillFromRing(): number {
    const ring = this.ring;
    if (ring.empty) {
      this.allocEmpty++;
      return NONE;
    }
    const batch = this.cfg.refillBatch;
    const before = this.cacheCount;
    while (this.cacheCount < batch) {
      const page = ring.consume();
      if (page === NONE) break;
      this.cache[this.cacheCount++] = page;
    }
    if (this.work !== null) this.work.poolRingRefills += this.cacheCount - before;
    this.allocRefill++;
    const page = this.cache[--this.cacheCount];
    if (this.log !== null) this.log.line(`D pp refill ${this.cacheCount + 1} page=${page}`);
    return page;
  }

  /**
   * `__page_pool_alloc_netmems_slow`: ask the allocator for `bulkAlloc` pages
   * (`alloc_pages_bulk` stops at the first failure and keeps what it got),
   * put them in the cache and hand out the last one.
   */
  private allocBulk(): number {
    const pages = this.pages;
    const bulk = this.cfg.bulkAlloc;
    let got = 0;
    while (got < bulk) {
      const page = pages.alloc();
      if (page === NONE) break;
      // page_pool_dma_map: a page is mapped once, as it enters the pool.
      if (this.dma !== null) this.dma.map(page);
      this.cache[this.cacheCount++] = page;
      got++;
    }
    this.holdCnt += got;
    if (this.work !== null) this.work.bulkAllocs += got;
    if (this.log !== null) this.log.line(`D pp bulk ${got}/${bulk}`);
    if (got === 0) return NONE;
    this.allocSlow++;
    return this.cache[--this.cacheCount];
  }

  /**
   * A watched page fell back to the pool's own reference: the last piece was
   * released (`page_pool_put_unrefed_netmem`). Recycle it into the cache when
   * the release runs in the owning NAPI context and the cache has room
   * (`page_pool_recycle_in_cache`), else into the ring
   * (`page_pool_recycle_in_ring`); when the ring is full — `ptr_ring` sees
   * "full" at a consumed slot it has not cleared yet — free it
   * (`page_pool_return_netmem`). Once direct recycling is disabled
   * ({@link PagePool.disableDirect}) every return goes to the ring; after
   * {@link PagePool.destroy} it waits there for the release retry.
   * @param allowDirect - released in the owning NAPI context.
   */
  recycle(page: number, allowDirect: boolean): void {
    if (page === this.draining) {
      this.drainedIdle = true;
      return;
    }
    const dma = this.dma;
    // page_pool_napi_local is false once pool->p.napi is cleared, whatever the caller's context.
    if (allowDirect && !this.directDisabled) {
      if (this.cacheCount < this.cache.length) {
        // __page_pool_put_page: PP_FLAG_DMA_SYNC_DEV syncs a recycled page for the device.
        if (dma !== null) dma.syncForDevice(page);
        this.cache[this.cacheCount++] = page;
        this.recycleCached++;
        if (this.log !== null) this.log.line(`D pp recycle ${page} cached`);
        return;
      }
      this.recycleCacheFull++;
    }
    // The sync for the device comes before the ring is tried (a full ring then frees the page).
    if (dma !== null) dma.syncForDevice(page);
    if (this.ring.produce(page)) {
      if (this.work !== null) this.work.poolRingRecycles++;
      this.recycleRing++;
      if (this.log !== null) this.log.line(`D pp recycle ${page} ring`);
      return;
    }
    this.recycleRingFull++;
    if (this.log !== null) this.log.line(`D pp recycle ${page} ring-full`);
    this.returnPage(page);
  }

  /** `page_pool_return_netmem`: unmap, count the release, drop the pool's reference (the page frees). */
  private returnPage(page: number): void {
    this.releaseCnt++;
    // The page leaves the pool: unmapped before its last reference goes.
    if (this.dma !== null) this.dma.unmap(page);
    this.pages.put(page);
  }

  /**
   * `page_pool_disable_direct_recycling`: forget the owning NAPI, so no
   * release recycles into the cache any more (gve_rx_stop_ring_dqo calls it
   * before resetting the ring; `page_pool_destroy` calls it again).
   */
  disableDirect(): void {
    this.directDisabled = true;
  }

  /**
   * `page_pool_destroy` (v6.18): disable direct recycling, drain the frag page
   * (`page_pool_free_frag`), then `page_pool_release`: free every page in the
   * cache and the ring (`page_pool_scrub`) and count the pages still in
   * flight. If there are any, `page_pool_release_retry` is scheduled
   * {@link PP_DEFER_TIME_NS} later ({@link PagePool.retryAt}); pages returned
   * meanwhile wait in the ring (or are freed at once when it is full).
   * @param nowNs - simulated time of the destroy.
   * @returns the pages still in flight.
   */
  destroy(nowNs: number): number {
    this.directDisabled = true;
    if (this.fragPage !== NONE) {
      const idle = this.drain(this.fragPage);
      if (idle !== NONE) this.returnPage(idle);
    }
    while (this.cacheCount > 0) this.returnPage(this.cache[--this.cacheCount]);
    this.teardownInflight = this.release();
    if (this.teardownInflight > 0) this.retryAt = nowNs + PP_DEFER_TIME_NS;
    if (this.log !== null) this.log.line(`D pp destroy inflight=${this.teardownInflight}`);
    return this.teardownInflight;
  }

  /**
   * `page_pool_release_retry`: free what came back to the ring since the last
   * run; if pages are still in flight, run again {@link PP_DEFER_TIME_NS} later.
   * @param nowNs - simulated time of this run (at or after {@link PagePool.retryAt}).
   * @returns the pages still in flight.
   */
  releaseRetry(nowNs: number): number {
    this.releaseRetries++;
    const inflight = this.release();
    // A negative count would be a bug that never recovers: the kernel stops rescheduling then too.
    this.retryAt = inflight > 0 ? nowNs + PP_DEFER_TIME_NS : Number.POSITIVE_INFINITY;
    if (this.log !== null) this.log.line(`D pp release-retry inflight=${inflight}`);
    return inflight;
  }

  /** `page_pool_release`: `page_pool_empty_ring`, then `page_pool_inflight`. */
  private release(): number {
    for (let page = this.ring.consume(); page !== NONE; page = this.ring.consume()) this.returnPage(page);
    return this.inflight;
  }
}
