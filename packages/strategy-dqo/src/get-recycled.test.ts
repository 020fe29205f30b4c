import { CompletionKind } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { INT_MAX } from "./constants.js";
import { direct } from "./test-support/direct-env.js";

/** 4K buffers on 4K pages: every fragment sends its state to used. Posts `n` states and completes each as a held fragment. */
function usedList(n: number, options = {}, bufqSlots = 16) {
  const d = direct({ bufferSize: 4096, ...options }, { bufqSlots, complqSlots: bufqSlots, doorbellThreshold: 2 });
  const pageOf = d.refill(n).map((p) => d.frag(p.id));
  d.takeLog();
  return { d, pageOf };
}

describe("gve_get_recycled_buf_state: which state a refill reuses", () => {
  it("takes recycled states in FIFO order", () => {
    const d = direct();
    d.refill(4);
    for (const id of [2, 0, 3, 1]) d.complete(id, CompletionKind.Copy);
    expect(d.refill(4).map((p) => p.id)).toEqual([2, 0, 3, 1]);
    expect(d.dqo.stats()).toMatchObject({ recycled_hits: 4, fresh_states: 4, pages_allocated: 4 });
  });

  it("prefers the recycled head over a free used entry", () => {
    const { d, pageOf } = usedList(2);
    d.release(pageOf[0]);
    d.complete(d.refill(1)[0].id, CompletionKind.Copy); // state 0 again, now recycled
    d.complete(d.refill(1)[0].id, CompletionKind.Error);
    expect(d.s.lists()).toMatchObject({ recycled: [0], used: [1] });
    d.release(pageOf[1]);
    expect(d.refill(1)[0].id).toBe(0);
  });

  it("takes free used states in FIFO order", () => {
    const { d, pageOf } = usedList(4);
    for (const page of pageOf) d.release(page);
    expect(d.refill(4).map((p) => p.id)).toEqual([0, 1, 2, 3]);
    expect(d.takeLog().filter((l) => l.startsWith("D post"))).toEqual(
      pageOf.map((page, id) => `D post ${id} page=${page} off=0 len=4096 reused from=used`),
    );
    expect(d.dqo.stats()).toMatchObject({ used_hits: 4, used_scanned: 4, used_requeued: 0, fresh_states: 4 });
  });

  it("puts a still-referenced entry back on the used tail and goes on to the next", () => {
    const { d, pageOf } = usedList(4);
    d.release(pageOf[1]);
    d.release(pageOf[3]);
    expect(d.refill(1)[0].id).toBe(1);
    expect(d.s.lists().used).toEqual([2, 3, 0]);
    expect(d.refill(1)[0].id).toBe(3);
    expect(d.s.lists().used).toEqual([0, 2]);
    expect(d.dqo.stats()).toMatchObject({ used_scanned: 4, used_requeued: 2, used_hits: 2 });
  });

  it("examines at most 5 used entries: the 5th is found, the 6th is not", () => {
    const fifth = usedList(7);
    fifth.d.release(fifth.pageOf[4]);
    expect(fifth.d.refill(1)[0]).toMatchObject({ id: 4, page: fifth.pageOf[4] });
    expect(fifth.d.dqo.stats()).toMatchObject({ used_scanned: 5, used_requeued: 4, used_hits: 1 });

    const sixth = usedList(7);
    sixth.d.release(sixth.pageOf[5]);
    // Five held entries examined and requeued; the free list is not empty, so a fresh state is allocated.
    expect(sixth.d.refill(1)[0]).toEqual({ id: 7, page: 7, off: 0, len: 4096 });
    expect(sixth.d.s.lists().used).toEqual([5, 6, 0, 1, 2, 3, 4]);
    expect(sixth.d.dqo.stats()).toMatchObject({ used_scanned: 5, used_requeued: 5, used_hits: 0, fresh_states: 8 });
    expect(sixth.d.takeLog()).toEqual(["P alloc 7", "D post 7 page=7 off=0 len=4096 new from=free"]);
  });

  it("scanLimit sets how many used entries are examined", () => {
    const six = usedList(7, { scanLimit: 6 });
    six.d.release(six.pageOf[5]);
    expect(six.d.refill(1)[0].id).toBe(5);

    const one = usedList(3, { scanLimit: 1 });
    one.d.release(one.pageOf[1]);
    expect(one.d.refill(1)[0].id).toBe(3);
    expect(one.d.s.lists().used).toEqual([1, 2, 0]);
    expect(one.d.dqo.stats()).toMatchObject({ used_scanned: 1, used_requeued: 1 });

    const none = usedList(2, { scanLimit: 0 });
    none.d.release(none.pageOf[0]);
    expect(none.d.refill(1)[0].id).toBe(2);
    expect(none.d.dqo.stats().used_scanned).toBe(0);
  });

  it("with an empty used list and nothing recycled, a refill allocates", () => {
    const d = direct();
    expect(d.refill(3).map((p) => p.id)).toEqual([0, 1, 2]);
    expect(d.dqo.stats()).toMatchObject({ used_scanned: 0, fresh_states: 3, recycled_hits: 0 });
  });

  describe("the discard branch (free list empty)", () => {
    // 8 states (8 bufq slots × 1): all posted and held in used, so the free list is empty.
    const full = () => usedList(8, { stateMultiplier: 1 }, 8);

    it("frees the page of one more used entry and reuses its state with a fresh page", () => {
      const { d, pageOf } = full();
      expect(d.s.freeHead).toBe(-1);
      const atomics = d.pages.atomicOps;
      const [p] = d.refill(1);
      // Entries 0-4 were scanned and requeued; entry 5 was discarded, its state freed then taken again (LIFO).
      expect(p).toEqual({ id: 5, page: 8, off: 0, len: 4096 });
      expect(d.takeLog()).toEqual([
        `D free-page ${pageOf[5]} bufId=5 reason=discard`,
        "P alloc 8",
        "D post 5 page=8 off=0 len=4096 new from=free",
      ]);
      // gve_free_page_dqo: page_ref_sub(bias - 1) and put_page; then the new page's page_ref_add.
      expect(d.pages.atomicOps - atomics).toBe(3);
      // The stack still holds the old page: it is freed when the stack lets go.
      expect(d.pages.isAllocated(pageOf[5])).toBe(true);
      expect(d.pages.peek(pageOf[5])).toBe(1);
      d.release(pageOf[5]);
      expect(d.pages.isAllocated(pageOf[5])).toBe(false);
      expect(d.s.lists().used).toEqual([6, 7, 0, 1, 2, 3, 4]);
      expect(d.dqo.stats()).toMatchObject({
        states_discarded: 1,
        pages_freed: 1,
        used_scanned: 6,
        used_requeued: 5,
        used_hits: 0,
        fresh_states: 9,
        pages_allocated: 9,
      });
    });

    it("reuses the entry it dequeued when the stack has let go of it after all", () => {
      const { d, pageOf } = full();
      d.release(pageOf[5]);
      expect(d.refill(1)[0]).toEqual({ id: 5, page: pageOf[5], off: 0, len: 4096 });
      expect(d.takeLog()).toEqual([`D post 5 page=${pageOf[5]} off=0 len=4096 reused from=discard-reuse`]);
      expect(d.dqo.stats()).toMatchObject({ states_discarded: 0, pages_freed: 0, used_hits: 1, used_scanned: 6 });
    });

    it("does not run while the free list has a state", () => {
      const { d, pageOf } = usedList(8, { stateMultiplier: 2 }, 8);
      const [p] = d.refill(1);
      expect(p.id).toBe(8);
      expect(d.pages.peek(pageOf[5])).toBe(INT_MAX);
      expect(d.dqo.stats()).toMatchObject({ states_discarded: 0, pages_freed: 0, used_scanned: 5 });
    });

    it("gives a discarded state offset 0 and last_single_ref_offset 0 with its new page", () => {
      // Two states (2 slots × 1): state 1 stays posted, state 0 cycles through a 16K page.
      const d = direct({ stateMultiplier: 1 }, { pageSize: 16384, bufqSlots: 2, complqSlots: 2, doorbellThreshold: 2 });
      expect(d.refill(2).map((p) => p.id)).toEqual([0, 1]);
      d.release(d.frag(0)); // refs 1 at 0
      expect(d.refill(1)[0].off).toBe(2048);
      d.frag(0); // refs 1 at 2048: last_single_ref_offset = 2048
      const held: number[] = [];
      for (let i = 0; i < 7; i++) {
        d.refill(1);
        held.push(d.frag(0));
      }
      expect(d.s.lists().used).toEqual([0]);
      expect(d.s.pageOffset[0]).toBe(2048);
      expect(d.s.lastSingleRefOffset[0]).toBe(2048);
      const [p] = d.refill(1);
      expect(p).toEqual({ id: 0, page: 2, off: 0, len: 2048 });
      expect(d.s.lastSingleRefOffset[0]).toBe(0);
      expect(d.dqo.stats()).toMatchObject({ states_discarded: 1, used_scanned: 6, used_requeued: 5 });
    });

    it("a refill stops when no state is left at all", () => {
      const d = direct({ stateMultiplier: 1 }, { bufqSlots: 4, complqSlots: 4, doorbellThreshold: 2 });
      expect(d.refill(10).map((p) => p.id)).toEqual([0, 1, 2, 3]);
      expect(d.refill(10)).toEqual([]);
      expect(d.dqo.stats()).toMatchObject({ rx_buf_alloc_fail: 0, fresh_states: 4 });
    });
  });
});
