/**
 * The invariant checker's violation messages: sentences a person can act on,
 * naming the buffer id, page and byte ranges. Built only when a rule fires,
 * in their own functions so the checker's per-packet hooks stay small.
 */

/** `[start, end)`. */
export function range(start: number, end: number): string {
  return `[${start}, ${end})`;
}

export function negativeBufId(bufId: number): string {
  return `buf_id ${bufId} is negative`;
}

export function postedUnallocated(bufId: number, page: number): string {
  return `buf_id ${bufId} posts page ${page}, which is not allocated: the device would write into freed memory`;
}

export function postedUnmapped(bufId: number, page: number): string {
  return `buf_id ${bufId} posts page ${page}, which is not DMA-mapped: the device's write would fault in the IOMMU`;
}

export function postedOutOfBounds(bufId: number, page: number, offset: number, end: number, pageSize: number): string {
  return `buf_id ${bufId} posts page ${page} bytes ${range(offset, end)}, outside the ${pageSize}-byte page`;
}

export function postedTwice(
  bufId: number,
  firstPage: number,
  firstStart: number,
  firstEnd: number,
  page: number,
  offset: number,
  end: number,
): string {
  return `buf_id ${bufId} posted twice while outstanding (first at page ${firstPage} bytes ${range(firstStart, firstEnd)}, again at page ${page} bytes ${range(offset, end)})`;
}

export function postedWhileHeld(
  bufId: number,
  page: number,
  offset: number,
  end: number,
  heldStart: number,
  heldEnd: number,
): string {
  return `buf_id ${bufId} posts page ${page} bytes ${range(offset, end)} while a live skb holds bytes ${range(heldStart, heldEnd)} of it: the device would overwrite data the stack still reads`;
}

export function postedOverlap(
  bufId: number,
  page: number,
  offset: number,
  end: number,
  otherBufId: number,
  otherStart: number,
  otherEnd: number,
): string {
  return `buf_id ${bufId} posts page ${page} bytes ${range(offset, end)} overlapping buf_id ${otherBufId}'s outstanding buffer ${range(otherStart, otherEnd)}`;
}

export function freedWhileHeld(page: number, heldStart: number, heldEnd: number): string {
  return `page ${page} freed while a live skb holds bytes ${range(heldStart, heldEnd)}: the strategy dropped a reference it did not own`;
}

export function freedWhileMapped(page: number): string {
  return `page ${page} freed while still DMA-mapped: the device could write into memory the allocator hands out again`;
}

export function freedWhilePosted(page: number, bufId: number, start: number, end: number): string {
  return `page ${page} freed while posted to the device as buf_id ${bufId} bytes ${range(start, end)}`;
}

export function unmappedWhilePosted(page: number, bufId: number, start: number, end: number): string {
  return `page ${page} unmapped while posted to the device as buf_id ${bufId} bytes ${range(start, end)}: the device's write would fault in the IOMMU`;
}

export function refUnderflow(page: number, count: number): string {
  return `page ${page} reference count fell to ${count}: a reference was dropped that nobody held`;
}

/** Leaks after teardown: how many pages, and up to 10 of them. */
export function pagesAfterTeardown(what: string, pages: readonly number[], state: string): string {
  const shown = pages.slice(0, 10).join(", ");
  const more = pages.length > 10 ? `, … ${pages.length - 10} more` : "";
  return `${what}: ${pages.length} page(s) ${state} after teardown with every skb released (pages ${shown}${more})`;
}
