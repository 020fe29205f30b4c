import { CompletionKind, CompletionResult } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { INT_MAX } from "./constants.js";
import { direct } from "./test-support/direct-env.js";

// With env.log null the strategy must make every decision without touching the sink.
describe("with the decision log off", () => {
  it("makes the same decisions on every path, writing nothing", () => {
    const d = direct(
      { bufferSize: 4096, stateMultiplier: 1 },
      { bufqSlots: 8, complqSlots: 8, doorbellThreshold: 2 },
      { attempts: [12] },
      false,
    );
    const pages = d.refill(8).map((p) => d.frag(p.id)); // 8 states, all used and held
    expect(d.complete(99, CompletionKind.Copy)).toBe(CompletionResult.Rejected);
    expect(d.complete(0, CompletionKind.Copy)).toBe(CompletionResult.Rejected);
    d.release(pages[6]);
    // Discard 5 and post it with a new page; 6 via the scan; discard 4, then 7; discarding 1 needs a page that fails.
    expect(d.refill(8).map((p) => p.id)).toEqual([5, 6, 4, 7]);
    expect(d.s.freeHead).toBe(1);
    d.complete(5, CompletionKind.Copy);
    // Restock path.
    d.pages.sub(d.s.page[6], INT_MAX - 2);
    d.s.pagecntBias[6] = 1;
    d.frag(6);
    d.dqo.teardown();
    expect(d.log.lines.filter((l) => l.startsWith("D "))).toEqual([]);
    expect(d.dqo.stats()).toMatchObject({
      rx_desc_err_dropped_pkt: 2,
      states_discarded: 4,
      rx_buf_alloc_fail: 1,
      bias_restocks: 1,
    });
  });

  it("QPL: pool, exhaustion, copy and teardown decide the same, writing nothing", () => {
    // 4 pool pages, copy from 2 used states on.
    const d = direct({ qpl: { pages: 4, ondemandThreshold: 2 }, bufferSize: 4096 }, {}, undefined, false);
    const held = d.refill(4).map((p) => d.frag(p.id, 100));
    expect(held).toEqual([0, 1, 4, 5]);
    expect(d.refill(4).map((p) => p.id)).toEqual([2, 3]);
    expect(d.frag(2)).toBe(6);
    expect(d.refill(2)).toEqual([{ id: 2, page: 2, off: 0, len: 4096 }]);
    d.dqo.teardown();
    expect(d.log.lines.filter((l) => l.startsWith("D "))).toEqual([]);
    expect(d.dqo.stats()).toMatchObject({ rx_frag_alloc_cnt: 3, qpl_exhausted: 2, pages_freed: 4 });
    for (const page of [...held, 6]) d.release(page);
    expect(d.pages.resident).toBe(0);
  });
});
