import { CACHE_LINE_BYTES } from "./constants.js";
import type { PageFlipGeometry } from "./options.js";

/** Why a page is, or is not, handed back to the ring. */
export const ReuseVerdict = {
  /** Reusable: the buffer info moves to `next_to_alloc` (`ixgbe_reuse_rx_page`). */
  Reuse: 0,
  /** Remote or pfmemalloc page (`!dev_page_is_reusable`): i40e's `page_waive_count`. */
  Waive: 1,
  /** 4 KiB pages: the stack still holds the other half (`page_count - pagecnt_bias > 1`). */
  Busy: 2,
  /** Large pages: the offset walked past the last buffer that fits (`IXGBE_LAST_OFFSET`). */
  PageEnd: 3,
} as const;
/** One of {@link ReuseVerdict}. */
export type ReuseVerdict = (typeof ReuseVerdict)[keyof typeof ReuseVerdict];

/**
 * Where the page's next buffer starts after one went up as a fragment
 * (`ixgbe_add_rx_frag`): 4 KiB pages flip to the other half
 * (`page_offset ^= truesize`, truesize being half the page); larger pages walk
 * forward (`page_offset += truesize`), by the buffer size or, with
 * `truesizeStride`, by `SKB_DATA_ALIGN(bytes)`.
 */
export function nextOffset(g: PageFlipGeometry, truesizeStride: boolean, offset: number, bytes: number): number {
  if (g.flip) return offset ^ g.halfPage;
  if (!truesizeStride) return offset + g.bufferSize;
  // A zero-byte fragment still moves the offset, so a page is never posted twice at one place.
  const size = bytes > 0 ? bytes : 1;
  return Math.ceil(size / CACHE_LINE_BYTES) * CACHE_LINE_BYTES + offset;
}

/**
 * `ixgbe_can_reuse_rx_page` after a fragment went up (its `pagecnt_bias`
 * already decremented by `ixgbe_get_rx_buffer`).
 *
 * @param reusable - `dev_page_is_reusable(page)`: local and not pfmemalloc.
 * @param pageCount - `rx_buffer_pgcnt`: `page_count()` on 4 KiB pages (and
 *   on every page with ice), 0 otherwise (`ixgbe_rx_buffer_page_count` reads
 *   nothing there).
 * @param bias - `pagecnt_bias` after the decrement.
 * @param offset - the page offset after {@link nextOffset}.
 */
export function reuseVerdict(
  g: PageFlipGeometry,
  reusable: boolean,
  pageCount: number,
  bias: number,
  offset: number,
): ReuseVerdict {
  if (!reusable) return ReuseVerdict.Waive;
  // Only the fragment just handed up may hold the page: on 4 KiB pages the other half is free.
  if (g.countCheck && pageCount - bias > 1) return ReuseVerdict.Busy;
  // Every region of a large page is used once; ixgbe and i40e read no count there because no
  // offset is ever revisited (ice checks it anyway).
  if (!g.flip && offset > g.lastOffset) return ReuseVerdict.PageEnd;
  return ReuseVerdict.Reuse;
}
