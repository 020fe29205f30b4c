import * as msg from "./checker-messages.js";
import type { DmaObserver } from "./dma-table.js";
import type { PageObserver } from "./page-table.js";

/** Kinds of invariant violation the checker reports. */
export const ViolationKind = {
  /** A region was posted while a live skb still references a byte of it: the device would overwrite live data. */
  PostedWhileHeld: "posted-while-held",
  /** A region was posted overlapping another outstanding posted buffer: two DMAs into the same bytes. */
  PostedOverlap: "posted-overlap",
  /** A buffer id was posted again while still outstanding. */
  DuplicateBufId: "duplicate-buf-id",
  /** A posted page is not allocated: the device would write into freed memory. */
  PostedUnallocated: "posted-unallocated",
  /** A posted buffer reaches past the end of its page. */
  PostedOutOfBounds: "posted-out-of-bounds",
  /** A page's reference count went below zero. */
  RefUnderflow: "ref-underflow",
  /** A page was freed while a live skb still referenced it. */
  FreedWhileHeld: "freed-while-held",
  /** A page was freed while posted to the device. */
  FreedWhilePosted: "freed-while-posted",
  /** Pages were still allocated after teardown, once every skb had been released. */
  Leak: "leak",
  /** A buffer was posted on a page with no DMA mapping: behind an IOMMU the device's write faults. */
  PostedUnmapped: "posted-unmapped",
  /** A page's last DMA mapping was dropped while buffers on it were still posted to the device. */
  UnmappedWhilePosted: "unmapped-while-posted",
  /** A page went back to the allocator while still DMA-mapped: the device could write into reused memory. */
  FreedWhileMapped: "freed-while-mapped",
  /** Pages were still DMA-mapped after teardown, once every skb had been released. */
  MappingLeak: "mapping-leak",
} as const;
/** One of {@link ViolationKind}. */
export type ViolationKind = (typeof ViolationKind)[keyof typeof ViolationKind];

/** One reported violation. */
export interface Violation {
  /** What went wrong. */
  readonly kind: ViolationKind;
  /** The buffer id involved, or -1. */
  readonly bufId: number;
  /** The page involved, or -1. */
  readonly page: number;
  /** A sentence a person can act on: names the buffer id, page and byte ranges. */
  readonly message: string;
}

/** Thrown by a checker made with `throwOnViolation`. */
export class InvariantViolationError extends Error {
  readonly violation: Violation;
  constructor(violation: Violation) {
    super(`rxsim invariant violated (${violation.kind}): ${violation.message}`);
    this.name = "InvariantViolationError";
    this.violation = violation;
  }
}

/** Options of {@link InvariantChecker}. */
export interface CheckerOptions {
  /** Bytes per page, for the bounds check. */
  pageSize: number;
  /** Throw {@link InvariantViolationError} at the first violation (tests). Default false: count and record. */
  throwOnViolation?: boolean;
  /** How many violations to keep for {@link InvariantChecker.list}; the count keeps going. Default 100. */
  maxRecorded?: number;
}

const NONE = -1;

/**
 * Watches what the device may write and what the stack still reads.
 *
 * It tracks every posted region (page, byte range, buffer id) and every region
 * held by a live skb, in index-linked lists per page kept in typed arrays, and
 * reports the violations in {@link ViolationKind}. The driver model calls it
 * only when one is installed, so a run without a checker pays nothing.
 */
export class InvariantChecker implements PageObserver, DmaObserver {
  /** Violations seen so far. */
  violations = 0;
  private readonly pageSize: number;
  private readonly throwOnViolation: boolean;
  private readonly maxRecorded: number;
  private readonly recorded: Violation[] = [];

  // Region records: one per posted buffer or held fragment.
  private recPage = new Int32Array(1024);
  private recOff = new Int32Array(1024);
  private recLen = new Int32Array(1024);
  private recBufId = new Int32Array(1024);
  private recNext = new Int32Array(1024);
  private recPrev = new Int32Array(1024);
  private freeRec = NONE;
  private nextRec = 0;

  // Per-page list heads.
  private heldHead = new Int32Array(1024).fill(NONE);
  private postedHead = new Int32Array(1024).fill(NONE);
  // Per-buffer-id posted record.
  private postedByBuf = new Int32Array(1024).fill(NONE);
  // Per-page DMA mapping count, as the DMA table reports it.
  private mapCount = new Int32Array(1024);

  constructor(options: CheckerOptions) {
    this.pageSize = options.pageSize;
    this.throwOnViolation = options.throwOnViolation ?? false;
    this.maxRecorded = options.maxRecorded ?? 100;
  }

  /** The violations recorded (at most `maxRecorded`). */
  list(): readonly Violation[] {
    return this.recorded;
  }

  /** Buffers posted and not yet returned. */
  outstandingBuffers(): number {
    let n = 0;
    for (let i = 0; i < this.postedByBuf.length; i++) if (this.postedByBuf[i] !== NONE) n++;
    return n;
  }

  /** Fragments held by live skbs. */
  heldFragments(): number {
    let n = 0;
    for (let p = 0; p < this.heldHead.length; p++) {
      for (let r = this.heldHead[p]; r !== NONE; r = this.recNext[r]) n++;
    }
    return n;
  }

  /**
   * The driver posted buffer `bufId` at `page` bytes `[offset, offset + len)`.
   * @param pageAllocated - whether the page is allocated right now.
   * @param pageMapped - whether the page is DMA-mapped right now (default true: callers that model no DMA).
   */
  posted(bufId: number, page: number, offset: number, len: number, pageAllocated: boolean, pageMapped = true): void {
    const end = offset + len;
    if (bufId < 0) {
      this.report(ViolationKind.DuplicateBufId, bufId, page, msg.negativeBufId(bufId));
      return;
    }
    if (!pageAllocated) {
      this.report(ViolationKind.PostedUnallocated, bufId, page, msg.postedUnallocated(bufId, page));
    }
    if (pageAllocated && !pageMapped) {
      this.report(ViolationKind.PostedUnmapped, bufId, page, msg.postedUnmapped(bufId, page));
    }
    if (offset < 0 || len <= 0 || end > this.pageSize) {
      const problem = msg.postedOutOfBounds(bufId, page, offset, end, this.pageSize);
      this.report(ViolationKind.PostedOutOfBounds, bufId, page, problem);
    }
    this.ensureBuf(bufId);
    const prior = this.postedByBuf[bufId];
    if (prior !== NONE) {
      const first = this.recPage[prior];
      const firstEnd = this.recOff[prior] + this.recLen[prior];
      const problem = msg.postedTwice(bufId, first, this.recOff[prior], firstEnd, page, offset, end);
      this.report(ViolationKind.DuplicateBufId, bufId, page, problem);
      // Keep tracking the newer posting.
      this.unlink(this.postedHead, prior);
      this.postedByBuf[bufId] = NONE;
    }
    this.ensurePage(page);
    for (let r = this.heldHead[page]; r !== NONE; r = this.recNext[r]) {
      if (this.recOff[r] < end && offset < this.recOff[r] + this.recLen[r]) {
        const problem = msg.postedWhileHeld(bufId, page, offset, end, this.recOff[r], this.recOff[r] + this.recLen[r]);
        this.report(ViolationKind.PostedWhileHeld, bufId, page, problem);
        break;
      }
    }
    for (let r = this.postedHead[page]; r !== NONE; r = this.recNext[r]) {
      if (this.recOff[r] < end && offset < this.recOff[r] + this.recLen[r]) {
        const other = this.recBufId[r];
        const problem = msg.postedOverlap(
          bufId,
          page,
          offset,
          end,
          other,
          this.recOff[r],
          this.recOff[r] + this.recLen[r],
        );
        this.report(ViolationKind.PostedOverlap, bufId, page, problem);
        break;
      }
    }
    const rec = this.newRec(page, offset, len, bufId);
    this.link(this.postedHead, rec);
    this.postedByBuf[bufId] = rec;
  }

  /** The device handed buffer `bufId` back (completion consumed, or device stopped). */
  completed(bufId: number): void {
    if (bufId < 0 || bufId >= this.postedByBuf.length) return;
    const rec = this.postedByBuf[bufId];
    if (rec === NONE) return;
    this.unlink(this.postedHead, rec);
    this.postedByBuf[bufId] = NONE;
    this.freeRecord(rec);
  }

  /** An skb took a reference to `page` bytes `[offset, offset + len)`. */
  held(page: number, offset: number, len: number): void {
    this.ensurePage(page);
    const rec = this.newRec(page, offset, len, NONE);
    this.link(this.heldHead, rec);
  }

  /** The stack released an skb's fragment at `page` bytes `[offset, offset + len)`. */
  released(page: number, offset: number, len: number): void {
    if (page < 0 || page >= this.heldHead.length) return;
    for (let r = this.heldHead[page]; r !== NONE; r = this.recNext[r]) {
      if (this.recOff[r] === offset && this.recLen[r] === len) {
        this.unlink(this.heldHead, r);
        this.freeRecord(r);
        return;
      }
    }
  }

  /** {@link PageObserver}: a page went back to the allocator. */
  pageFreed(page: number): void {
    if (page >= this.heldHead.length) return;
    const h = this.heldHead[page];
    if (h !== NONE) {
      const problem = msg.freedWhileHeld(page, this.recOff[h], this.recOff[h] + this.recLen[h]);
      this.report(ViolationKind.FreedWhileHeld, -1, page, problem);
    }
    if (this.mapCount[page] > 0) {
      this.report(ViolationKind.FreedWhileMapped, -1, page, msg.freedWhileMapped(page));
    }
    const p = this.postedHead[page];
    if (p !== NONE) {
      const problem = msg.freedWhilePosted(page, this.recBufId[p], this.recOff[p], this.recOff[p] + this.recLen[p]);
      this.report(ViolationKind.FreedWhilePosted, this.recBufId[p], page, problem);
    }
  }

  /** {@link DmaObserver}: `page` gained a mapping. */
  pageMapped(page: number, mappings: number): void {
    this.ensurePage(page);
    this.mapCount[page] = mappings;
  }

  /** {@link DmaObserver}: `page` lost a mapping; its last one while buffers on it are posted is a violation. */
  pageUnmapped(page: number, mappings: number): void {
    if (page < 0 || page >= this.heldHead.length) return;
    this.mapCount[page] = Math.max(mappings, 0);
    const p = this.postedHead[page];
    if (mappings === 0 && p !== NONE) {
      const problem = msg.unmappedWhilePosted(page, this.recBufId[p], this.recOff[p], this.recOff[p] + this.recLen[p]);
      this.report(ViolationKind.UnmappedWhilePosted, this.recBufId[p], page, problem);
    }
  }

  /** {@link PageObserver}: a count went below zero. */
  refUnderflow(page: number, count: number): void {
    this.report(ViolationKind.RefUnderflow, -1, page, msg.refUnderflow(page, count));
  }

  /**
   * After teardown, once every skb was released: every page still allocated is a leak.
   * @param allocatedPages - ids of pages still allocated.
   */
  checkLeaks(allocatedPages: readonly number[]): void {
    this.reportPages(ViolationKind.Leak, allocatedPages, "leak", "still allocated");
  }

  /**
   * After teardown, once every skb was released: every page still DMA-mapped is a mapping leak.
   * @param mappedPages - ids of pages still mapped.
   */
  checkMappingLeaks(mappedPages: readonly number[]): void {
    this.reportPages(ViolationKind.MappingLeak, mappedPages, "mapping leak", "still DMA-mapped");
  }

  /** One violation listing up to 10 of `pages`. */
  private reportPages(kind: ViolationKind, pages: readonly number[], what: string, state: string): void {
    if (pages.length === 0) return;
    this.report(kind, -1, pages[0], msg.pagesAfterTeardown(what, pages, state));
  }

  private report(kind: ViolationKind, bufId: number, page: number, message: string): void {
    this.violations++;
    const v: Violation = { kind, bufId, page, message };
    if (this.recorded.length < this.maxRecorded) this.recorded.push(v);
    if (this.throwOnViolation) throw new InvariantViolationError(v);
  }

  private newRec(page: number, off: number, len: number, bufId: number): number {
    let r = this.freeRec;
    if (r !== NONE) {
      this.freeRec = this.recNext[r];
    } else {
      r = this.nextRec++;
      if (r >= this.recPage.length) this.growRecs();
    }
    this.recPage[r] = page;
    this.recOff[r] = off;
    this.recLen[r] = len;
    this.recBufId[r] = bufId;
    return r;
  }

  private freeRecord(r: number): void {
    this.recNext[r] = this.freeRec;
    this.freeRec = r;
  }

  private link(heads: Int32Array, r: number): void {
    const page = this.recPage[r];
    const h = heads[page];
    this.recPrev[r] = NONE;
    this.recNext[r] = h;
    if (h !== NONE) this.recPrev[h] = r;
    heads[page] = r;
  }

  private unlink(heads: Int32Array, r: number): void {
    const prev = this.recPrev[r];
    const next = this.recNext[r];
    if (prev !== NONE) this.recNext[prev] = next;
    else heads[this.recPage[r]] = next;
    if (next !== NONE) this.recPrev[next] = prev;
  }

  private growRecs(): void {
    const cap = this.recPage.length * 2;
    this.recPage = grow(this.recPage, cap, 0);
    this.recOff = grow(this.recOff, cap, 0);
    this.recLen = grow(this.recLen, cap, 0);
    this.recBufId = grow(this.recBufId, cap, 0);
    this.recNext = grow(this.recNext, cap, 0);
    this.recPrev = grow(this.recPrev, cap, 0);
  }

  private ensurePage(page: number): void {
    if (page < this.heldHead.length) return;
    let cap = this.heldHead.length;
    while (cap <= page) cap *= 2;
    this.heldHead = grow(this.heldHead, cap, NONE);
    this.postedHead = grow(this.postedHead, cap, NONE);
    this.mapCount = grow(this.mapCount, cap, 0);
  }

  private ensureBuf(bufId: number): void {
    if (bufId < this.postedByBuf.length) return;
    let cap = this.postedByBuf.length;
    while (cap <= bufId) cap *= 2;
    this.postedByBuf = grow(this.postedByBuf, cap, NONE);
  }
}

function grow(a: Int32Array, cap: number, fill: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}
