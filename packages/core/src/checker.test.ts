import { describe, expect, it } from "vitest";
import { InvariantChecker, InvariantViolationError, ViolationKind } from "./checker.js";
import { DmaTable } from "./dma-table.js";
import { createPageTable } from "./page-table.js";

function setup(throwOnViolation = false) {
  const pages = createPageTable();
  const checker = new InvariantChecker({ pageSize: 4096, throwOnViolation });
  pages.setObserver(checker);
  return { pages, checker };
}

describe("invariant checker", () => {
  it("accepts a clean life cycle: post, complete, hold, release, free", () => {
    const { pages, checker } = setup(true);
    const p = pages.alloc();
    checker.posted(3, p, 0, 2048, true);
    checker.posted(4, p, 2048, 2048, true);
    checker.completed(3);
    checker.held(p, 0, 1500);
    checker.released(p, 0, 1500);
    checker.completed(4);
    checker.posted(3, p, 0, 2048, true);
    checker.completed(3);
    pages.put(p);
    checker.checkLeaks(pages.allocatedPages());
    expect(checker.violations).toBe(0);
  });

  it("reports a region posted while a live skb holds a byte of it, naming buffer, page and ranges", () => {
    const { pages, checker } = setup();
    const p = pages.alloc();
    checker.held(p, 0, 1500);
    checker.posted(7, p, 1024, 2048, true);
    expect(checker.violations).toBe(1);
    expect(checker.list()[0]).toMatchObject({ kind: ViolationKind.PostedWhileHeld, bufId: 7, page: p });
    expect(checker.list()[0].message).toBe(
      `buf_id 7 posts page ${p} bytes [1024, 3072) while a live skb holds bytes [0, 1500) of it: the device would overwrite data the stack still reads`,
    );
  });

  it("does not flag a post next to, but not over, a held region", () => {
    const { pages, checker } = setup(true);
    const p = pages.alloc();
    checker.held(p, 0, 2048);
    checker.posted(1, p, 2048, 2048, true);
    expect(checker.violations).toBe(0);
  });

  it("reports a buffer id posted twice while outstanding", () => {
    const { pages, checker } = setup();
    const p = pages.alloc();
    checker.posted(5, p, 0, 2048, true);
    checker.posted(5, p, 2048, 2048, true);
    expect(checker.list()[0].kind).toBe(ViolationKind.DuplicateBufId);
    expect(checker.list()[0].message).toMatch(
      /^buf_id 5 posted twice while outstanding \(first at page \d+ bytes \[0, 2048\)/,
    );
  });

  it("reports two outstanding buffers over the same bytes", () => {
    const { pages, checker } = setup();
    const p = pages.alloc();
    checker.posted(1, p, 0, 2048, true);
    checker.posted(2, p, 0, 2048, true);
    expect(checker.list()[0].kind).toBe(ViolationKind.PostedOverlap);
    expect(checker.list()[0].message).toContain("overlapping buf_id 1's outstanding buffer [0, 2048)");
  });

  it("reports posting an unallocated page and a buffer past the page end", () => {
    const { checker } = setup();
    checker.posted(1, 9, 3000, 2048, false);
    expect(checker.list().map((v) => v.kind)).toEqual([
      ViolationKind.PostedUnallocated,
      ViolationKind.PostedOutOfBounds,
    ]);
    expect(checker.list()[1].message).toContain("bytes [3000, 5048), outside the 4096-byte page");
  });

  it("reports a reference count below zero", () => {
    const { pages, checker } = setup();
    const p = pages.alloc();
    pages.put(p);
    pages.put(p);
    expect(checker.list()[0].kind).toBe(ViolationKind.RefUnderflow);
    expect(checker.list()[0].message).toBe(
      `page ${p} reference count fell to -1: a reference was dropped that nobody held`,
    );
  });

  it("reports a page freed while an skb holds it (a bias off by one)", () => {
    const { pages, checker } = setup();
    const p = pages.alloc();
    pages.add(p, 9); // driver's bias
    checker.held(p, 0, 1500); // the skb's reference is inside the count
    pages.sub(p, 10); // wrong: subtracts the skb's reference too
    expect(checker.list()[0].kind).toBe(ViolationKind.FreedWhileHeld);
    expect(checker.list()[0].message).toContain("freed while a live skb holds bytes [0, 1500)");
  });

  it("reports a page freed while the device may still write it", () => {
    const { pages, checker } = setup();
    const p = pages.alloc();
    checker.posted(12, p, 0, 2048, true);
    pages.put(p);
    expect(checker.list()[0]).toMatchObject({ kind: ViolationKind.FreedWhilePosted, bufId: 12 });
  });

  it("reports pages left after teardown as a leak, listing them", () => {
    const { pages, checker } = setup();
    const a = pages.alloc();
    const b = pages.alloc();
    checker.checkLeaks(pages.allocatedPages());
    expect(checker.list()[0].kind).toBe(ViolationKind.Leak);
    expect(checker.list()[0].message).toBe(
      `leak: 2 page(s) still allocated after teardown with every skb released (pages ${a}, ${b})`,
    );
  });

  it("throws a readable error at the first violation when asked (tests)", () => {
    const { pages, checker } = setup(true);
    const p = pages.alloc();
    checker.held(p, 0, 100);
    expect(() => checker.posted(1, p, 0, 2048, true)).toThrow(InvariantViolationError);
    expect(() => checker.posted(2, p, 0, 2048, true)).toThrow(
      /rxsim invariant violated \(posted-while-held\): buf_id 2/,
    );
  });

  it("keeps counting past the recorded limit", () => {
    const checker = new InvariantChecker({ pageSize: 4096, maxRecorded: 2 });
    for (let i = 0; i < 5; i++) checker.posted(i, 0, 0, 2048, false);
    expect(checker.violations).toBeGreaterThanOrEqual(5);
    expect(checker.list().length).toBe(2);
  });
});

describe("invariant checker: DMA mappings", () => {
  function withDma() {
    const { pages, checker } = setup();
    const dma = new DmaTable();
    dma.setObserver(checker);
    return { pages, checker, dma };
  }

  it("accepts map, post, complete, unmap, free", () => {
    const { pages, checker, dma } = withDma();
    const p = pages.alloc();
    dma.map(p);
    checker.posted(1, p, 0, 2048, true, dma.isMapped(p));
    checker.completed(1);
    dma.unmap(p);
    pages.put(p);
    checker.checkMappingLeaks(dma.mappedPageIds());
    expect(checker.list()).toEqual([]);
    expect([dma.dmaMaps, dma.dmaUnmaps, dma.peakMappedPages, dma.mappedPages]).toEqual([1, 1, 1, 0]);
  });

  it("reports a post on an unmapped page", () => {
    const { pages, checker, dma } = withDma();
    const p = pages.alloc();
    checker.posted(2, p, 0, 2048, true, dma.isMapped(p));
    expect(checker.list()[0]).toMatchObject({ kind: ViolationKind.PostedUnmapped, bufId: 2, page: p });
    expect(checker.list()[0].message).toBe(
      `buf_id 2 posts page ${p}, which is not DMA-mapped: the device's write would fault in the IOMMU`,
    );
  });

  it("reports the last unmap of a page with a posted buffer, not an unmap that leaves a mapping", () => {
    const { pages, checker, dma } = withDma();
    const p = pages.alloc();
    dma.map(p);
    dma.map(p);
    checker.posted(3, p, 2048, 2048, true, true);
    dma.unmap(p);
    expect(checker.violations).toBe(0);
    dma.unmap(p);
    expect(checker.list()[0]).toMatchObject({ kind: ViolationKind.UnmappedWhilePosted, bufId: 3, page: p });
    expect(checker.list()[0].message).toBe(
      `page ${p} unmapped while posted to the device as buf_id 3 bytes [2048, 4096): the device's write would fault in the IOMMU`,
    );
  });

  it("reports a page freed while mapped, and mappings left after teardown", () => {
    const { pages, checker, dma } = withDma();
    const p = pages.alloc();
    const q = pages.alloc();
    dma.map(p);
    dma.map(q);
    pages.put(p);
    expect(checker.list()[0]).toMatchObject({ kind: ViolationKind.FreedWhileMapped, page: p });
    expect(checker.list()[0].message).toBe(
      `page ${p} freed while still DMA-mapped: the device could write into memory the allocator hands out again`,
    );
    checker.checkMappingLeaks(dma.mappedPageIds());
    expect(checker.list()[1].kind).toBe(ViolationKind.MappingLeak);
    expect(checker.list()[1].message).toBe(
      `mapping leak: 2 page(s) still DMA-mapped after teardown with every skb released (pages ${p}, ${q})`,
    );
  });
});
