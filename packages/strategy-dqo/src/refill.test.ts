import { CompletionKind, CompletionResult } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { direct } from "./test-support/direct-env.js";

describe("gve_rx_post_buffers_dqo: refill", () => {
  it("posts up to max buffers from the free list in id order, each on a fresh page at offset 0", () => {
    const d = direct();
    expect(d.refill(3)).toEqual([
      { id: 0, page: 0, off: 0, len: 2048 },
      { id: 1, page: 1, off: 0, len: 2048 },
      { id: 2, page: 2, off: 0, len: 2048 },
    ]);
    expect(d.refill(0)).toEqual([]);
    expect(d.takeLog()).toEqual([
      "P alloc 0",
      "D post 0 page=0 off=0 len=2048 new from=free",
      "P alloc 1",
      "D post 1 page=1 off=0 len=2048 new from=free",
      "P alloc 2",
      "D post 2 page=2 off=0 len=2048 new from=free",
    ]);
  });

  it("posts the strategy's buffer size", () => {
    const d = direct({ bufferSize: 1024 });
    expect(d.refill(1)[0].len).toBe(1024);
    d.release(d.frag(0));
    expect(d.refill(1)[0]).toMatchObject({ id: 0, off: 1024, len: 1024 });
  });

  it("mixes sources in one refill: recycled first, then used, then fresh", () => {
    const d = direct({ bufferSize: 4096 });
    d.refill(3);
    d.complete(0, CompletionKind.Copy);
    d.release(d.frag(1));
    d.takeLog();
    expect(d.refill(3).map((p) => p.id)).toEqual([0, 1, 3]);
    expect(d.takeLog()).toEqual([
      "D post 0 page=0 off=0 len=4096 reused from=recycled",
      "D post 1 page=1 off=0 len=4096 reused from=used",
      "P alloc 3",
      "D post 3 page=3 off=0 len=4096 new from=free",
    ]);
    expect(d.dqo.stats()).toMatchObject({ recycled_hits: 1, used_hits: 1, fresh_states: 4, pages_allocated: 4 });
  });

  it("on an allocation failure puts the state back on the free list, counts rx_buf_alloc_fail and ends the refill", () => {
    const d = direct({}, {}, { attempts: [3] });
    const posted = d.refill(5);
    expect(posted.map((p) => p.id)).toEqual([0, 1]);
    expect(d.dqo.stats()).toMatchObject({ rx_buf_alloc_fail: 1, fresh_states: 2, pages_allocated: 2 });
    expect(d.takeLog()).toEqual([
      "P alloc 0",
      "D post 0 page=0 off=0 len=2048 new from=free",
      "P alloc 1",
      "D post 1 page=1 off=0 len=2048 new from=free",
      "P alloc-fail 3",
      "D alloc-fail 2",
    ]);
    // State 2 is back at the head of the free list, not allocated, and without a page.
    expect(d.s.freeHead).toBe(2);
    expect(d.s.lists().free.slice(0, 2)).toEqual([2, 3]);
    expect(d.s.page[2]).toBe(-1);
    expect(d.complete(2, CompletionKind.Fragment)).toBe(CompletionResult.Rejected);
    // The next refill takes it first.
    expect(d.refill(2).map((p) => p.id)).toEqual([2, 3]);
    expect(d.dqo.stats().rx_buf_alloc_fail).toBe(1);
  });

  it("an allocation failure in the middle of reuse still posts what was reused", () => {
    const d = direct({}, {}, { attempts: [2] });
    d.refill(1);
    d.complete(0, CompletionKind.Copy);
    expect(d.refill(3).map((p) => p.id)).toEqual([0]);
    expect(d.dqo.stats()).toMatchObject({ rx_buf_alloc_fail: 1, recycled_hits: 1 });
  });
});

describe("gve_rx_dqo: buffer id validation", () => {
  it("rejects ids >= num_buf_states and negative ones, and accepts the last valid id", () => {
    // 4 slots × 1: four states, all posted.
    const d = direct({ stateMultiplier: 1 }, { bufqSlots: 4, complqSlots: 4, doorbellThreshold: 2 });
    d.refill(4);
    d.takeLog();
    expect(d.complete(4, CompletionKind.Copy)).toBe(CompletionResult.Rejected);
    expect(d.complete(1 << 30, CompletionKind.Fragment)).toBe(CompletionResult.Rejected);
    expect(d.complete(-1, CompletionKind.Copy)).toBe(CompletionResult.Rejected);
    expect(d.complete(3, CompletionKind.Copy)).toBe(CompletionResult.Accepted);
    expect(d.complete(0, CompletionKind.Copy)).toBe(CompletionResult.Accepted);
    expect(d.takeLog()).toEqual([
      "D reject 4 reason=range",
      "D reject 1073741824 reason=range",
      "D reject -1 reason=range",
      "D return 3 -> recycled",
      "D return 0 -> recycled",
    ]);
    expect(d.dqo.stats().rx_desc_err_dropped_pkt).toBe(3);
  });

  it("rejects an id whose state is not allocated: on the free list, recycled or used", () => {
    const d = direct({ bufferSize: 4096 });
    d.refill(3);
    d.complete(0, CompletionKind.Copy);
    const page = d.frag(1);
    d.takeLog();
    const before = d.pages.counters();
    expect(d.complete(0, CompletionKind.Copy)).toBe(CompletionResult.Rejected); // recycled
    expect(d.complete(1, CompletionKind.Fragment)).toBe(CompletionResult.Rejected); // used
    expect(d.complete(5, CompletionKind.Fragment)).toBe(CompletionResult.Rejected); // free list
    expect(d.takeLog()).toEqual([
      "D reject 0 reason=not-allocated",
      "D reject 1 reason=not-allocated",
      "D reject 5 reason=not-allocated",
    ]);
    // A rejected completion changes nothing.
    expect(d.pages.counters()).toEqual(before);
    expect(d.s.lists()).toMatchObject({ recycled: [0], used: [1], allocated: [2] });
    expect(d.refs(1)).toBe(1);
    expect(d.dqo.stats().rx_desc_err_dropped_pkt).toBe(3);
    d.release(page);
  });
});
