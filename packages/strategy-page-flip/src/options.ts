import { checkQueueDefaultOption, type RxQueueConfig, resolveBufferSizes } from "@rxsim/core";
import { FLIP_PAGE_SIZE_LIMIT, RXBUFFER_2K, RXBUFFER_3K, SKB_SHARED_INFO_SIZE } from "./constants.js";

/**
 * Which driver's rules to follow (see {@link PageFlipOptions.driver}):
 * `"ixgbe"`, `"i40e"`, `"ice"`, or `"simplified"` (rxsim's earlier model).
 */
export type PageFlipDriver = "ixgbe" | "i40e" | "ice" | "simplified";

/** The drivers {@link PageFlipOptions.driver} accepts. */
export const PAGE_FLIP_DRIVERS: readonly PageFlipDriver[] = ["ixgbe", "i40e", "ice", "simplified"];

/** How far the offset walks on pages of 8 KiB and more (see {@link PageFlipOptions.largePageStride}). */
export type LargePageStride = "buffer" | "truesize";

/**
 * Options of {@link createPageFlipStrategy}. Every option is optional.
 *
 * The page size is not an option: it is the simulated machine's `PAGE_SIZE`,
 * read from the queue configuration. It decides the mode: 4 KiB pages flip
 * between two halves, larger pages walk forward.
 */
export interface PageFlipOptions {
  /**
   * Bytes per posted buffer. Default: the queue's `bufferSize` (2048). With
   * 4 KiB pages, 2048 or less flips between the two halves; a larger buffer
   * leaves one buffer per page, which is drained after its first fragment
   * (ixgbe would switch to order-1 pages, which rxsim does not model).
   */
  bufferSize?: number;
  /** Copybreak threshold in bytes. Default: the queue's `copybreak` (256). */
  copybreak?: number;
  /**
   * Fraction of freshly allocated pages that are remote (another NUMA node) or
   * pfmemalloc (emergency reserve) pages, which `dev_page_is_reusable` refuses:
   * such a page is drained after its first use and counted as `waive`. Drawn
   * once per allocated page from the strategy's RNG stream. Default 0.
   */
  nonReusableFraction?: number;
  /**
   * On pages of 8 KiB and more, how far the offset walks after a fragment:
   * `"buffer"` (default) steps by the buffer size, so a page holds
   * `pageSize / bufferSize` buffers; `"truesize"` steps by the fragment's
   * `SKB_DATA_ALIGN(bytes)` (64-byte cache lines), as `ixgbe_add_rx_frag`
   * does, packing short packets tighter.
   */
  largePageStride?: LargePageStride;
  /**
   * The driver whose rules are followed. Default `"ixgbe"`.
   *
   * - `"ixgbe"`: on pages of 8 KiB and more the last offset is
   *   `SKB_WITH_OVERHEAD(PAGE_SIZE) - IXGBE_RXBUFFER_3K` (12,992 on 16 KiB
   *   pages); an rx error goes up as a fragment of an skb that is freed at
   *   once, so it spends a reference and moves the offset.
   * - `"i40e"`: the same, with `- I40E_RXBUFFER_2048` (14,016 on 16 KiB pages).
   * - `"ice"` (v6.11+): `- ICE_RXBUF_3072`, and the page count is read and
   *   checked (`count - bias > 1`) on every page size, not only below 8 KiB.
   * - `"simplified"`: rxsim's earlier model — the last offset is where a
   *   buffer still fits (`pageSize - bufferSize`) and an rx error leaves the
   *   buffer as it was, like a copy.
   */
  driver?: PageFlipDriver;
}

/** The options after defaults that do not depend on the queue (`"queue"`: taken from the queue configuration). */
export interface ResolvedPageFlipOptions {
  /** Bytes per posted buffer, or `"queue"`. */
  readonly bufferSize: number | "queue";
  /** Copybreak threshold in bytes, or `"queue"`. */
  readonly copybreak: number | "queue";
  /** Fraction of pages that may never be reused. */
  readonly nonReusableFraction: number;
  /** Walk step on large pages. */
  readonly largePageStride: LargePageStride;
  /** The driver whose rules are followed. */
  readonly driver: PageFlipDriver;
}

/** What a strategy instance works with once the queue configuration is known. */
export interface PageFlipGeometry {
  /** `PAGE_SIZE`. */
  readonly pageSize: number;
  /** Bytes per posted buffer. */
  readonly bufferSize: number;
  /** True when the offset flips between two halves (4 KiB pages, buffers of at most half a page). */
  readonly flip: boolean;
  /** The XOR step of the flip: half a page (`ixgbe_rx_pg_size / 2`). */
  readonly halfPage: number;
  /** The largest offset a buffer may start at; past it the page is not reused (`IXGBE_LAST_OFFSET`). */
  readonly lastOffset: number;
  /** True when the page count is read and checked on every fragment (4 KiB flip pages; every page with ice). */
  readonly countCheck: boolean;
  /** True when an rx error spends a reference and moves the offset, as a fragment would (every driver but `"simplified"`). */
  readonly errorAsFragment: boolean;
  /** Copybreak threshold in bytes. */
  readonly copybreak: number;
}

/** Fill the defaults that do not depend on the queue and validate what can be validated without it. */
export function resolvePageFlipOptions(options: PageFlipOptions = {}): ResolvedPageFlipOptions {
  const bufferSize = options.bufferSize ?? "queue";
  checkQueueDefaultOption("page-flip", "bufferSize", bufferSize, 64, 65536);
  const copybreak = options.copybreak ?? "queue";
  checkQueueDefaultOption("page-flip", "copybreak", copybreak, 0, 65535);
  const nonReusableFraction = options.nonReusableFraction ?? 0;
  if (!(nonReusableFraction >= 0 && nonReusableFraction <= 1)) {
    throw new RangeError(`page-flip: nonReusableFraction must be in [0, 1], got ${nonReusableFraction}`);
  }
  const largePageStride = options.largePageStride ?? "buffer";
  if (largePageStride !== "buffer" && largePageStride !== "truesize") {
    throw new RangeError(`page-flip: largePageStride must be "buffer" or "truesize", got ${String(largePageStride)}`);
  }
  const driver = options.driver ?? "ixgbe";
  if (!PAGE_FLIP_DRIVERS.includes(driver)) {
    throw new RangeError(`page-flip: driver must be one of ${PAGE_FLIP_DRIVERS.join(", ")}, got ${String(driver)}`);
  }
  return Object.freeze({ bufferSize, copybreak, nonReusableFraction, largePageStride, driver });
}

/**
 * The last offset on pages of 8 KiB and more (`IXGBE_LAST_OFFSET`,
 * `I40E_LAST_OFFSET`, `ICE_LAST_OFFSET`, each `#define`d in the driver's
 * `*_can_reuse_rx_page`), never past the last offset where a buffer of
 * `bufferSize` still fits (the drivers' buffers are at most 3 KiB, so theirs
 * always fit; rxsim allows larger ones).
 */
export function largePageLastOffset(driver: PageFlipDriver, pageSize: number, bufferSize: number): number {
  const fit = pageSize - bufferSize;
  if (driver === "simplified") return fit;
  const reserve = driver === "i40e" ? RXBUFFER_2K : RXBUFFER_3K;
  return Math.min(pageSize - SKB_SHARED_INFO_SIZE - reserve, fit);
}

/** Combine the options with the queue configuration. Throws when the buffer does not fit the page. */
export function pageFlipGeometry(o: ResolvedPageFlipOptions, config: RxQueueConfig): PageFlipGeometry {
  const pageSize = config.pageSize;
  const { bufferSize, copybreak } = resolveBufferSizes("page-flip", o, config, 64);
  const halfPage = pageSize / 2;
  const flip = pageSize < FLIP_PAGE_SIZE_LIMIT && bufferSize <= halfPage;
  // Below 8 KiB the drivers have no last offset (they flip); rxsim's one-buffer 4 KiB pages stop where it fits.
  const large = pageSize >= FLIP_PAGE_SIZE_LIMIT;
  return {
    pageSize,
    bufferSize,
    flip,
    halfPage,
    lastOffset: large ? largePageLastOffset(o.driver, pageSize, bufferSize) : pageSize - bufferSize,
    // ice_get_rx_buf stores page_count for every page size since v6.11 ("ice: fix page reuse when PAGE_SIZE is over 8k").
    countCheck: flip || (large && o.driver === "ice"),
    errorAsFragment: o.driver !== "simplified",
    copybreak,
  };
}
