import { CompletionKind } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { BufList } from "./buf-states.js";
import { direct } from "./test-support/direct-env.js";

describe("gve_try_recycle_buf: where a buffer goes after its fragment went up", () => {
  it("moves to the page's next buffer and recycles it at once while the stack holds only the fragment (4K pages, 2K buffers)", () => {
    const d = direct();
    const offsets: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [p] = d.refill(1);
      expect(p.id).toBe(0);
      expect(p.page).toBe(0);
      offsets.push(p.off);
      d.release(d.frag(0));
    }
    // The offset walks by buf_size and wraps at PAGE_SIZE: 0, 2048, 0, 2048.
    expect(offsets).toEqual([0, 2048, 0, 2048]);
    expect(d.pages.allocs).toBe(1);
    expect(d.log.lines.filter((l) => l.startsWith("D frag"))).toEqual([
      "D frag 0 refs=1 -> recycled",
      "D frag 0 refs=1 -> recycled",
      "D frag 0 refs=1 -> recycled",
      "D frag 0 refs=1 -> recycled",
    ]);
    expect(d.dqo.stats().recycled_hits).toBe(3);
  });

  it("wraps the offset at PAGE_SIZE on 64K pages with 4K buffers", () => {
    const d = direct({ bufferSize: 4096 }, { pageSize: 65536 });
    const offsets: number[] = [];
    for (let i = 0; i < 18; i++) {
      offsets.push(d.refill(1)[0].off);
      d.release(d.frag(0));
    }
    expect(offsets).toEqual([...Array.from({ length: 16 }, (_, k) => k * 4096), 0, 4096]);
  });

  it("goes to used when the offset comes round to last_single_ref_offset while the stack held more than the fragment", () => {
    // 16K pages, 2K buffers: 8 buffers a page.
    const d = direct({}, { pageSize: 16384 });
    const held: number[] = [];
    const offsets: number[] = [];
    const step = () => {
      const [p] = d.refill(1);
      expect(p.id).toBe(0);
      offsets.push(p.off);
      held.push(d.frag(0));
    };
    step(); // refs 1 at 0: last_single_ref_offset = 0
    step(); // refs 2 at 2048
    while (held.length > 0) d.release(held.pop() as number);
    step(); // refs 1 again at 4096: last_single_ref_offset = 4096
    expect(d.s.lastSingleRefOffset[0]).toBe(4096);
    // Hold everything from now on: 6144 … 14336, 0, 2048, then the offset lands on 4096.
    for (let i = 0; i < 7; i++) step();
    expect(offsets).toEqual([0, 2048, 4096, 6144, 8192, 10240, 12288, 14336, 0, 2048]);
    expect(d.s.pageOffset[0]).toBe(4096);
    expect(d.s.lists().used).toEqual([0]);
    expect(d.s.lists().recycled).toEqual([]);
    expect(d.log.lines.filter((l) => l.startsWith("D frag")).slice(-2)).toEqual([
      "D frag 0 refs=7 -> recycled",
      "D frag 0 refs=8 -> used",
    ]);
    // The stack still holds 4096's neighbours, so nothing can be posted from this page…
    expect(d.refill(1)[0]).toEqual({ id: 1, page: 1, off: 0, len: 2048 });
    // …until every reference is gone: then the scan finds it, at the offset it stopped on.
    while (held.length > 0) d.release(held.pop() as number);
    expect(d.refill(1)[0]).toEqual({ id: 0, page: 0, off: 4096, len: 2048 });
    // The first refill examined the lone used entry 5 times (the scan re-reads a requeued entry).
    expect(d.dqo.stats()).toMatchObject({ used_hits: 1, used_scanned: 6, used_requeued: 5 });
  });

  it("last_single_ref_offset only moves when the stack holds exactly the fragment just handed up", () => {
    const d = direct({}, { pageSize: 16384 });
    const held: number[] = [];
    held.push(d.frag(d.refill(1)[0].id)); // refs 1 at 0
    held.push(d.frag(d.refill(1)[0].id)); // refs 2 at 2048
    expect(d.s.lastSingleRefOffset[0]).toBe(0);
    d.release(held.shift() as number);
    held.push(d.frag(d.refill(1)[0].id)); // refs 2 at 4096 (2048 still held)
    expect(d.s.lastSingleRefOffset[0]).toBe(0);
    while (held.length > 0) d.release(held.pop() as number);
    d.frag(d.refill(1)[0].id); // refs 1 at 6144
    expect(d.s.lastSingleRefOffset[0]).toBe(6144);
  });

  it("without the last_single_ref_offset check a held buffer would be reposted: the state goes to used instead", () => {
    // 4K pages, 2K buffers, hold both halves: the second fragment wraps the offset onto 0, which is still held.
    const d = direct();
    const a = d.frag(d.refill(1)[0].id);
    expect(d.s.lists().recycled).toEqual([0]);
    d.frag(d.refill(1)[0].id);
    expect(d.s.lists()).toMatchObject({ recycled: [], used: [0] });
    expect(d.refs(0)).toBe(2);
    // The next post is a new page; the held one is not touched.
    expect(d.refill(1)[0]).toMatchObject({ id: 1, off: 0 });
    d.release(a);
  });

  it("2 * buf_size > PAGE_SIZE: the state goes straight to used without reading page_count", () => {
    const d = direct({ bufferSize: 4096 });
    d.refill(2);
    const reads = d.pages.refReads;
    const p0 = d.frag(0);
    d.frag(1);
    expect(d.pages.refReads).toBe(reads);
    expect(d.s.lists().used).toEqual([0, 1]);
    expect(d.s.pageOffset[0]).toBe(0);
    expect(d.takeLog().filter((l) => l.startsWith("D frag"))).toEqual([
      "D frag 0 refs=1 -> used",
      "D frag 1 refs=1 -> used",
    ]);
    d.release(p0);
    expect(d.refill(1)[0]).toEqual({ id: 0, page: p0, off: 0, len: 4096 });
    expect(d.takeLog()).toEqual([`D post 0 page=${p0} off=0 len=4096 reused from=used`]);
  });

  it("2 * buf_size == PAGE_SIZE is not the one-buffer case: a 2K buffer of a 4K page is recycled", () => {
    const d = direct({ bufferSize: 2048 });
    d.frag(d.refill(1)[0].id);
    expect(d.s.lists().recycled).toEqual([0]);
    expect(d.pages.refReads).toBe(1);
  });

  it("copybreak, rx_error and skb allocation failure return the buffer to recycled at the same offset and bias", () => {
    for (const kind of [CompletionKind.Copy, CompletionKind.Error, CompletionKind.NoMemory]) {
      const d = direct({}, { pageSize: 16384 });
      d.release(d.frag(d.refill(1)[0].id)); // now at 2048
      const [p] = d.refill(1);
      expect(p.off).toBe(2048);
      const bias = d.s.pagecntBias[0];
      const atomics = d.pages.atomicOps;
      const reads = d.pages.refReads;
      d.takeLog();
      d.complete(0, kind);
      expect(d.s.lists().recycled).toEqual([0]);
      expect(d.s.pageOffset[0]).toBe(2048);
      expect(d.s.pagecntBias[0]).toBe(bias);
      expect(d.pages.atomicOps).toBe(atomics);
      expect(d.pages.refReads).toBe(reads);
      expect(d.takeLog()).toEqual(["D return 0 -> recycled"]);
      expect(d.refill(1)[0]).toEqual({ id: 0, page: p.page, off: 2048, len: 2048 });
      expect(d.takeLog()).toEqual([`D post 0 page=${p.page} off=2048 len=2048 reused from=recycled`]);
    }
  });

  it("counts copybreak and skb allocation failures as the strategy sees them", () => {
    const d = direct();
    d.refill(7);
    d.complete(0, CompletionKind.Copy);
    d.complete(1, CompletionKind.Copy);
    d.complete(2, CompletionKind.Copy);
    d.complete(3, CompletionKind.NoMemory);
    d.complete(4, CompletionKind.NoMemory);
    d.complete(5, CompletionKind.Error);
    d.frag(6);
    expect(d.dqo.stats()).toMatchObject({ rx_copybreak_pkt: 3, rx_skb_alloc_fail: 2, rx_desc_err_dropped_pkt: 0 });
    expect(d.s.heads[BufList.Recycled]).toBe(0);
  });
});
