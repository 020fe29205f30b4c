import { CompletionKind } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { direct } from "./test-support/direct-env.js";

describe("gve_rx_free_ring_dqo: teardown", () => {
  it("frees the page of every state that has one, wherever it is, and no other", () => {
    // 16K pages, 2K buffers; 8 states.
    const d = direct({ stateMultiplier: 1 }, { pageSize: 16384, bufqSlots: 8, complqSlots: 8, doorbellThreshold: 2 });
    d.refill(6); // states 0-5 posted; 6 and 7 stay on the free list without a page
    // State 3 to used: hold all 8 fragments of its page.
    const heldUsed: number[] = [d.frag(3)];
    for (let i = 0; i < 7; i++) {
      const [p] = d.refill(1);
      expect(p.id).toBe(3);
      heldUsed.push(d.frag(p.id));
    }
    d.complete(0, CompletionKind.Copy); // recycled
    const held1 = d.frag(1); // recycled at 2048, held by the stack
    d.release(d.frag(2)); // recycled, not held
    expect(d.s.lists()).toMatchObject({ free: [6, 7], recycled: [0, 1, 2], used: [3], allocated: [4, 5] });
    d.takeLog();
    const withPage = Array.from(d.s.page)
      .map((page, id) => ({ id, page }))
      .filter((x) => x.page >= 0);
    expect(withPage.map((x) => x.id)).toEqual([0, 1, 2, 3, 4, 5]);
    d.dqo.teardown();
    const lines = d.takeLog().filter((l) => l.startsWith("D "));
    expect(lines).toEqual(withPage.map(({ id, page }) => `D free-page ${page} bufId=${id} reason=teardown`));
    expect(Array.from(d.s.page).every((p) => p === -1)).toBe(true);
    expect(d.dqo.stats().pages_freed).toBe(6);
    // Pages the stack still references stay until it releases them.
    expect(d.pages.resident).toBe(2);
    d.release(held1);
    for (const page of heldUsed) d.release(page);
    expect(d.pages.resident).toBe(0);
    expect(d.pages.frees).toBe(d.pages.allocs);
  });

  it("a second teardown frees nothing more", () => {
    const d = direct();
    d.refill(3);
    d.dqo.teardown();
    const atomics = d.pages.atomicOps;
    d.dqo.teardown();
    expect(d.pages.atomicOps).toBe(atomics);
    expect(d.dqo.stats().pages_freed).toBe(3);
  });
});
