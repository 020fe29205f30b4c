import { checkIntegerOption, checkQueueDefaultOption, type RxQueueConfig } from "@rxsim/core";
import {
  DEFAULT_HEADER_BUFFER_SIZE,
  DEFAULT_QPL_ONDEMAND_THRESHOLD,
  DEFAULT_SCAN_LIMIT,
  DEFAULT_STATE_MULTIPLIER,
  HDS_BUFFER_SIZE,
  MAX_BUF_STATES,
  QPL_PAGES_PER_SLOT,
} from "./constants.js";

/** QPL mode's settings (`DqoOptions.qpl`). */
export interface DqoQplOptions {
  /**
   * Pages in the queue page list (`rx_pages_per_qpl`), which is also
   * `num_buf_states` in QPL mode: one page per buffer state. Default
   * `2 × bufq slots` (`gve_get_rx_pages_per_qpl_dqo`), at most 32767.
   */
  pages?: number;
  /**
   * `GVE_DQO_QPL_ONDEMAND_ALLOC_THRESHOLD`: a fragment is copied into a fresh
   * page once the used list holds at least `pages - ondemandThreshold`
   * states. Default 96; 0 turns copy on demand off.
   */
  ondemandThreshold?: number;
}

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
   * `bufferSize` (2048), or 4096 with `headerSplit`. A power of two no larger than the page size (4096 is
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
   * stateMultiplier × bufqSlots)`. Default 4, as the driver. Not used in
   * QPL mode, where `num_buf_states` is the QPL's page count.
   */
  stateMultiplier?: number;
  /**
   * Copybreak threshold in bytes (`rx_copybreak`). Default: the queue's
   * `copybreak` (256), or 0 with `headerSplit` (see there).
   */
  copybreak?: number;
  /**
   * Use the `pagecnt_bias` trick (default true, as the driver): a fresh page is
   * stocked with `INT_MAX` references in one atomic add and each fragment spends
   * one of them with a plain decrement. With `false` the strategy models a
   * recycler without the trick: it keeps exactly one reference of its own
   * (bias fixed at 1) and takes a `get_page` (one atomic) per fragment.
   */
  bias?: boolean;
  /**
   * QPL ("queue page list") mode, as gve's DQO-QPL queue format: a fixed pool
   * of pages allocated when the queue is created, registered with the device
   * and never grown; posting stops when no state is usable, and fragments are
   * copied into freshly allocated pages when the used list nears the pool
   * size. `true` for the defaults. Default off (gve's DQO-RDA format).
   */
  qpl?: boolean | DqoQplOptions;
  /**
   * Header split: the device writes each packet's headers into a per-slot
   * header buffer (coherent DMA memory, not pages) and the payload into the
   * data buffer, which becomes 4096 bytes (unless `bufferSize` is given) and
   * every split packet's data buffer goes up as a page fragment, so the
   * default `copybreak` becomes 0 (unless `copybreak` is given). Default off.
   */
  headerSplit?: boolean;
}

/** QPL settings after defaults (`"queue"`: `2 × bufq slots`). */
export interface ResolvedQplOptions {
  /** Pages in the queue page list, or `"queue"` for `min(32767, 2 × bufqSlots)`. */
  readonly pages: number | "queue";
  /** Copy on demand once `used >= pages - ondemandThreshold`. */
  readonly ondemandThreshold: number;
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
  /** QPL mode's settings, or null when QPL mode is off. */
  readonly qpl: ResolvedQplOptions | null;
  /** Whether header split is on. */
  readonly headerSplit: boolean;
}

/** What a strategy instance works with once the queue configuration is known. */
export interface DqoGeometry {
  /** `PAGE_SIZE` of the simulated machine. */
  readonly pageSize: number;
  /** Bytes per posted buffer. */
  readonly bufferSize: number;
  /** `num_buf_states`: the buffer state array's length (the QPL's page count in QPL mode). */
  readonly numBufStates: number;
  /** Copybreak threshold in bytes. */
  readonly copybreak: number;
  /** Pages in the queue page list; 0 when QPL mode is off. */
  readonly qplPages: number;
  /** Bytes of each slot's header buffer; 0 when header split is off. */
  readonly headerBufferSize: number;
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
  const headerSplit = options.headerSplit ?? false;
  const resolved: ResolvedDqoOptions = {
    // gve_get_pkt_buf_size: 4 KiB data buffers when header split is on.
    bufferSize: options.bufferSize ?? (headerSplit ? HDS_BUFFER_SIZE : "queue"),
    scanLimit: options.scanLimit ?? DEFAULT_SCAN_LIMIT,
    stateMultiplier: options.stateMultiplier ?? DEFAULT_STATE_MULTIPLIER,
    // A split packet never reaches gve_rx_dqo's copybreak test (its header skb exists already).
    copybreak: options.copybreak ?? (headerSplit ? 0 : "queue"),
    bias: options.bias ?? true,
    qpl: resolveQpl(options.qpl),
    headerSplit,
  };
  checkInt("scanLimit", resolved.scanLimit, 0, MAX_BUF_STATES);
  checkInt("stateMultiplier", resolved.stateMultiplier, 1, MAX_BUF_STATES);
  checkQueueDefaultOption("dqo", "copybreak", resolved.copybreak, 0, 65535);
  // The largest page rxsim models; the exact bound is checked against the queue's page size at create().
  if (resolved.bufferSize !== "queue") checkBufferSize(resolved.bufferSize, 65536);
  return Object.freeze(resolved);
}

function resolveQpl(qpl: boolean | DqoQplOptions | undefined): ResolvedQplOptions | null {
  if (qpl === undefined || qpl === false) return null;
  const given = qpl === true ? {} : qpl;
  const resolved: ResolvedQplOptions = {
    pages: given.pages ?? "queue",
    ondemandThreshold: given.ondemandThreshold ?? DEFAULT_QPL_ONDEMAND_THRESHOLD,
  };
  // Buffer ids are s16 and each QPL page has its own buffer state.
  checkQueueDefaultOption("dqo", "qpl.pages", resolved.pages, 1, MAX_BUF_STATES);
  checkInt("qpl.ondemandThreshold", resolved.ondemandThreshold, 0, MAX_BUF_STATES);
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
  const qpl = options.qpl;
  let qplPages = 0;
  if (qpl !== null)
    qplPages = qpl.pages === "queue" ? Math.min(MAX_BUF_STATES, QPL_PAGES_PER_SLOT * config.bufqSlots) : qpl.pages;
  return {
    pageSize,
    bufferSize,
    // gve_rx_alloc_ring_dqo: one state per QPL page in QPL mode, else 4 per slot.
    numBufStates: qpl !== null ? qplPages : Math.min(MAX_BUF_STATES, options.stateMultiplier * config.bufqSlots),
    copybreak: options.copybreak === "queue" ? config.copybreak : options.copybreak,
    qplPages,
    headerBufferSize: options.headerSplit ? config.headerBufferSize || DEFAULT_HEADER_BUFFER_SIZE : 0,
  };
}
