import { checkIntegerOption, checkQueueDefaultOption, type RxQueueConfig } from "@rxsim/core";
import { DEFAULT_SCAN_LIMIT, DEFAULT_STATE_MULTIPLIER, MAX_BUF_STATES } from "./constants.js";

/**
 * Options of {@link createDqoStrategy}. Every option is optional; the defaults
 * are the gve driver's.
 *
 * The page size is not an option: it is a property of the simulated machine
 * (`PAGE_SIZE`), set in the scenario's queue configuration (`pageSize`) and
 * read from `env.config.pageSize`.
 */
export interface DqoOptions {
  /**
   * Bytes per posted buffer (`data_buffer_size_dqo`). Default: the queue's
   * `bufferSize` (2048). A power of two no larger than the page size (4096 is
   * the driver's other size): `gve_try_recycle_buf` wraps the offset with
   * `& (PAGE_SIZE - 1)`, which only keeps buffers inside the page when the size
   * divides it.
   */
  bufferSize?: number;
  /**
   * Used-list entries `gve_get_recycled_buf_state` examines per call before
   * giving up (the driver's literal 5). Default 5; 0 disables the scan (the
   * discard branch still runs when the free list is empty).
   */
  scanLimit?: number;
  /**
   * Buffer states per buffer-queue slot: `num_buf_states = min(32767,
   * stateMultiplier × bufqSlots)`. Default 4, as the driver.
   */
  stateMultiplier?: number;
  /** Copybreak threshold in bytes (`rx_copybreak`). Default: the queue's `copybreak` (256). */
  copybreak?: number;
  /**
   * Use the `pagecnt_bias` trick (default true, as the driver): a fresh page is
   * stocked with `INT_MAX` references in one atomic add and each fragment spends
   * one of them with a plain decrement. With `false` the strategy models a
   * recycler without the trick: it keeps exactly one reference of its own
   * (bias fixed at 1) and takes a `get_page` (one atomic) per fragment.
   */
  bias?: boolean;
}

/** The options after defaults that do not depend on the queue (`"queue"`: taken from the queue configuration). */
export interface ResolvedDqoOptions {
  /** Bytes per posted buffer, or `"queue"` for the queue's `bufferSize`. */
  readonly bufferSize: number | "queue";
  /** Used-list entries examined per call. */
  readonly scanLimit: number;
  /** Buffer states per buffer-queue slot. */
  readonly stateMultiplier: number;
  /** Copybreak threshold in bytes, or `"queue"` for the queue's `copybreak`. */
  readonly copybreak: number | "queue";
  /** Whether the `pagecnt_bias` trick is on. */
  readonly bias: boolean;
}

/** What a strategy instance works with once the queue configuration is known. */
export interface DqoGeometry {
  /** `PAGE_SIZE` of the simulated machine. */
  readonly pageSize: number;
  /** Bytes per posted buffer. */
  readonly bufferSize: number;
  /** `num_buf_states`: the buffer state array's length. */
  readonly numBufStates: number;
  /** Copybreak threshold in bytes. */
  readonly copybreak: number;
}

function checkInt(key: string, value: number, min: number, max: number): void {
  checkIntegerOption("dqo", key, value, min, max);
}

/** True for 1, 2, 4, 8, … */
function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value > 0 && (value & (value - 1)) === 0;
}

function checkBufferSize(value: number, pageSize: number): void {
  if (!isPowerOfTwo(value) || value > pageSize) {
    throw new RangeError(`dqo: bufferSize must be a power of two no larger than pageSize (${pageSize}), got ${value}`);
  }
}

/**
 * Fill the queue-independent defaults and validate.
 * @throws RangeError naming the option and the allowed range.
 */
export function resolveDqoOptions(options: DqoOptions = {}): ResolvedDqoOptions {
  const resolved: ResolvedDqoOptions = {
    bufferSize: options.bufferSize ?? "queue",
    scanLimit: options.scanLimit ?? DEFAULT_SCAN_LIMIT,
    stateMultiplier: options.stateMultiplier ?? DEFAULT_STATE_MULTIPLIER,
    copybreak: options.copybreak ?? "queue",
    bias: options.bias ?? true,
  };
  checkInt("scanLimit", resolved.scanLimit, 0, MAX_BUF_STATES);
  checkInt("stateMultiplier", resolved.stateMultiplier, 1, MAX_BUF_STATES);
  checkQueueDefaultOption("dqo", "copybreak", resolved.copybreak, 0, 65535);
  // The largest page rxsim models; the exact bound is checked against the queue's page size at create().
  if (resolved.bufferSize !== "queue") checkBufferSize(resolved.bufferSize, 65536);
  return Object.freeze(resolved);
}

/**
 * Combine resolved options with the queue configuration.
 * @throws RangeError when the buffer size does not fit the page size.
 */
export function resolveDqoGeometry(options: ResolvedDqoOptions, config: RxQueueConfig): DqoGeometry {
  const pageSize = config.pageSize;
  const bufferSize = options.bufferSize === "queue" ? config.bufferSize : options.bufferSize;
  checkBufferSize(bufferSize, pageSize);
  return {
    pageSize,
    bufferSize,
    numBufStates: Math.min(MAX_BUF_STATES, options.stateMultiplier * config.bufqSlots),
    copybreak: options.copybreak === "queue" ? config.copybreak : options.copybreak,
  };
}
