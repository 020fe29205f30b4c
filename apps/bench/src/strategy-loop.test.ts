import { createDqoStrategy } from "@rxsim/strategy-dqo";
import { createNaiveStrategy } from "@rxsim/strategy-naive";
import { createOracleStrategy } from "@rxsim/strategy-oracle";
import { createPagePoolStrategy } from "@rxsim/strategy-page-pool";
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

  it("the oracle hears of each release (onFragmentRelease) and reuses its pieces: pages stay bounded", () => {
    const loop = new StrategyLoop(createOracleStrategy());
    expect(loop.run(100_000)).toBe(100_000);
    const stats = loop.strategy.stats();
    // Two 2 KiB pieces per 4 KiB page: the ring's 1023 buffers need at most 1023 pages, and
    // 64 more while the 64 completed since the last refill wait; never one page per buffer.
    expect(loop.pages.counters().allocs).toBeLessThanOrEqual(1023 + 64);
    expect(stats.pieces_reused).toBeGreaterThan(90_000);
  });

  it("page_pool hears the stack let go (onPageCountDrop, in NAPI) and recycles instead of allocating", () => {
    const loop = new StrategyLoop(createPagePoolStrategy());
    expect(loop.run(100_000)).toBe(100_000);
    expect(loop.pages.counters().allocs).toBeLessThan(4_000);
    expect(loop.pages.counters().resident).toBeLessThan(4_000);
  });
});
