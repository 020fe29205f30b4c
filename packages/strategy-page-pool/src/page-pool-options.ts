import { checkIntegerOption, checkQueueDefaultOption } from "@rxsim/core";

/** `PP_ALLOC_CACHE_SIZE`: slots in the per-queue lockless cache (`pool->alloc.cache`). */
export const PP_ALLOC_CACHE_SIZE = 128;
/** `PP_ALLOC_CACHE_REFILL`: pages moved from the ring per refill, and pages asked for per bulk allocation. */
export const PP_ALLOC_CACHE_REFILL = 64;
/** `ring_qsize` when `pool_size` is 0 (`page_pool_init`). */
export const PP_DEFAULT_POOL_SIZE = 1024;
/** Largest ring `page_pool_init` accepts (6.x clamps to 16384; rxsim rejects more instead of clamping silently). */
export const PP_MAX_POOL_SIZE = 16384;
/**
 * `GVE_PAGE_POOL_SIZE_MULTIPLIER` (drivers/net/ethernet/google/gve/gve.h, v6.9+):
 * `gve_rx_create_page_pool` asks for `pool_size = 4 * rx_desc_cnt`.
 */
export const GVE_PAGE_POOL_SIZE_MULTIPLIER = 4;

/** Options of {@link createPagePoolStrategy}. */
export interface PagePoolOptions {
  /** Bytes per posted buffer (the driver's `packet_buffer_truesize`). Default: the queue's `bufferSize` (2048). */
  bufferSize?: number;
  /**
   * Ring (`ptr_ring`) capacity: `pool_size`, at most 16384. Default `"gve"`:
   * `GVE_PAGE_POOL_SIZE_MULTIPLIER * rx_desc_cnt` = 4 × the buffer queue's
   * slots, clamped to 16384 as `page_pool_init` does (1024 on the default
   * 256-slot ring).
   */
  poolSize?: number | "gve";
  /** Lockless cache slots (`PP_ALLOC_CACHE_SIZE`). Default 128. */
  cacheSize?: number;
  /** Pages moved from the ring into the empty cache per refill (`PP_ALLOC_CACHE_REFILL`). Default 64. */
  refillBatch?: number;
  /** Pages asked of the page allocator at once when cache and ring are empty (`alloc_pages_bulk`). Default 64. */
  bulkAlloc?: number;
  /** Copybreak threshold in bytes. Default: the queue's `copybreak` (256). */
  copybreak?: number;
}

/** The options after the defaults that do not depend on the queue. */
export interface ResolvedPagePoolOptions {
  /** Bytes per posted buffer, or `"queue"` for the queue's `bufferSize`. */
  bufferSize: number | "queue";
  /** Ring capacity, or `"gve"` for 4 × the buffer queue's slots (clamped to 16384). */
  poolSize: number | "gve";
  /** Cache slots. */
  cacheSize: number;
  /** Pages moved from the ring per cache refill. */
  refillBatch: number;
  /** Pages asked for per bulk allocation. */
  bulkAlloc: number;
  /** Copybreak threshold, or `"queue"` for the queue's `copybreak`. */
  copybreak: number | "queue";
}

function checkInt(name: string, value: number, min: number, max: number): void {
  checkIntegerOption("page_pool", name, value, min, max);
}

/**
 * Fill the queue-independent defaults and validate. Throws a RangeError that
 * names the option, its allowed range and the value given.
 */
export function resolvePagePoolOptions(options: PagePoolOptions = {}): ResolvedPagePoolOptions {
  const r: ResolvedPagePoolOptions = {
    bufferSize: options.bufferSize ?? "queue",
    poolSize: options.poolSize ?? "gve",
    cacheSize: options.cacheSize ?? PP_ALLOC_CACHE_SIZE,
    refillBatch: options.refillBatch ?? PP_ALLOC_CACHE_REFILL,
    bulkAlloc: options.bulkAlloc ?? PP_ALLOC_CACHE_REFILL,
    copybreak: options.copybreak ?? "queue",
  };
  if (r.poolSize !== "gve") checkInt("poolSize", r.poolSize, 1, PP_MAX_POOL_SIZE);
  checkInt("cacheSize", r.cacheSize, 1, 1 << 16);
  // Both land in the cache array, which must hold them (the kernel sizes both from the same array).
  checkInt("refillBatch", r.refillBatch, 1, r.cacheSize);
  checkInt("bulkAlloc", r.bulkAlloc, 1, r.cacheSize);
  checkQueueDefaultOption("page_pool", "bufferSize", r.bufferSize, 1, 65536);
  checkQueueDefaultOption("page_pool", "copybreak", r.copybreak, 0, 65535);
  return r;
}

/**
 * The ring size for a queue: the option, or gve's `4 * rx_desc_cnt` clamped
 * to {@link PP_MAX_POOL_SIZE} (`page_pool_init`: `min(pool_size, 16384)`).
 */
export function resolvePoolSize(poolSize: number | "gve", bufqSlots: number): number {
  if (poolSize !== "gve") return poolSize;
  return Math.min(GVE_PAGE_POOL_SIZE_MULTIPLIER * bufqSlots, PP_MAX_POOL_SIZE);
}
