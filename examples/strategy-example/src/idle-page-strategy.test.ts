import { createScriptedQueue, describeStrategyConformance, idsPostedAfterTwoCompletions } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { createIdlePageStrategy } from "./idle-page-strategy.js";

// The shared suite every rxsim strategy passes.
describeStrategyConformance("idle-page", () => createIdlePageStrategy(), { propertyRuns: 10 });

describe("idle-page strategy", () => {
  it("reuses pages once the stack released them, instead of allocating", () => {
    const sq = createScriptedQueue({ factory: createIdlePageStrategy() });
    const atStart = sq.pages.allocs;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 40; i++) sq.receive(1500);
      sq.drain();
      sq.releaseAll(true);
    }
    // Only the first round allocates: its refill runs before the stack released anything.
    // From then on every refill finds released spares (naive would allocate 800 pages).
    expect(sq.pages.allocs - atStart).toBe(40);
    expect(sq.queue.strategy.stats().pages_reused).toBe(760);
    expect(sq.finish()).toEqual([]);
  });

  it("allocates while the stack still holds its spares", () => {
    const sq = createScriptedQueue({ factory: createIdlePageStrategy() });
    const atStart = sq.pages.allocs;
    for (let i = 0; i < 40; i++) sq.receive(1500);
    sq.drain();
    expect(sq.pages.allocs - atStart).toBe(40);
    expect(sq.finish()).toEqual([]);
  });
});

describe("idle-page strategy: buffer ids", () => {
  it("hands out the id completed last first (core's BufferIdTable in LIFO order)", () => {
    expect(idsPostedAfterTwoCompletions(createIdlePageStrategy())).toEqual([1, 0]);
  });
});
