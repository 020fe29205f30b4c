import { checkQueueDefaultOption } from "@rxsim/core";

/**
 * mlx5's `MLX5E_CACHE_SIZE` in the 4.x–5.x trees: `4 * roundup_pow_of_two(MLX5E_CACHE_UNIT)`,
 * where the unit is the larger of the pages per striding-RQ WQE (64 with 4 KiB pages) and
 * `NAPI_POLL_WEIGHT` (64). The ring keeps one slot empty, so it holds 255 pages.
 */
export const MLX5E_CACHE_SIZE = 256;

/** Options of {@link createFifoCacheStrategy}. */
export interface FifoCacheOptions {
  /** Slots in the FIFO page cache, a power of two (one stays empty). Default 256 (`MLX5E_CACHE_SIZE`). */
  cacheSize?: number;
  /** Bytes posted per buffer; each buffer has a page of its own. Default: the queue's `bufferSize` (2048). */
  bufferSize?: number;
  /** Copybreak threshold in bytes. Default: the queue's `copybreak` (256); mlx5 itself has none (use 0). */
  copybreak?: number;
}

/** The options after the defaults that do not depend on the queue. */
export interface ResolvedFifoCacheOptions {
  /** Ring slots (a power of two). */
  cacheSize: number;
  /** Bytes posted per buffer, or `"queue"` for the queue's `bufferSize`. */
  bufferSize: number | "queue";
  /** Copybreak threshold, or `"queue"` for the queue's `copybreak`. */
  copybreak: number | "queue";
}

/**
 * Fill the queue-independent defaults and validate. Throws a RangeError that
 * names the option, what it must be and the value given.
 */
export function resolveFifoCacheOptions(options: FifoCacheOptions = {}): ResolvedFifoCacheOptions {
  const r: ResolvedFifoCacheOptions = {
    cacheSize: options.cacheSize ?? MLX5E_CACHE_SIZE,
    bufferSize: options.bufferSize ?? "queue",
    copybreak: options.copybreak ?? "queue",
  };
  const c = r.cacheSize;
  // The head and tail wrap with a mask, as `(cache->tail + 1) & (MLX5E_CACHE_SIZE - 1)` does.
  if (!Number.isInteger(c) || c < 2 || c > 1 << 16 || (c & (c - 1)) !== 0) {
    throw new RangeError(`fifo-cache: cacheSize must be a power of two in [2, 65536], got ${c}`);
  }
  checkQueueDefaultOption("fifo-cache", "bufferSize", r.bufferSize, 1, 65536);
  checkQueueDefaultOption("fifo-cache", "copybreak", r.copybreak, 0, 65535);
  return r;
}
