import { createDqoStrategy } from "@rxsim/strategy-dqo";
import { createNaiveStrategy } from "@rxsim/strategy-naive";
import { describe, expect, it } from "vitest";
import { StrategyLoop } from "./strategy-loop.js";

describe("StrategyLoop: the strategy alone, complete → put → refill every 64", () => {
  it("dqo recycles: one ring's worth of pages, every fragment's reference dropped, a refill per 64", () => {
    const loop = new StrategyLoop(createDqoStrategy());
    expect(loop.run(64_000)).toBe(64_000);
    const c = loop.pages.counters();
    // A fresh page for each of the 1023 first buffers (gve_alloc_page_dqo), then only reuse.
    expect(c.allocs).toBe(1023);
    expect(c.resident).toBe(1023);
    const stats = loop.strategy.stats();
    expect(stats.recycled_hits + stats.used_hits).toBe(64_000);
  });

  it("naive allocates a page per buffer and frees each when the stack lets go", () => {
    const loop = new StrategyLoop(createNaiveStrategy());
    expect(loop.run(10_000)).toBe(10_000);
    const c = loop.pages.counters();
    // 1023 at start, then 64 after every 64 completions.
    const allocs = 1023 + 64 * Math.floor(10_000 / 64);
    expect(c.allocs).toBe(allocs);
    expect(c.frees).toBe(10_000);
    expect(c.resident).toBe(allocs - 10_000);
  });
});
