import { describe, expect, it } from "vitest";
import { probeNoise } from "./machine-noise.js";

describe("probeNoise", () => {
  it("times the fixed loop the asked number of times and gives slowest over fastest", () => {
    const p = probeNoise(4, 2e5);
    expect(p.iterations).toBe(2e5);
    expect(p.runsMs).toHaveLength(4);
    for (const ms of p.runsMs) expect(ms).toBeGreaterThanOrEqual(0);
    const min = Math.min(...p.runsMs);
    expect(p.ratio).toBe(min > 0 ? Math.max(...p.runsMs) / min : 1);
    expect(p.ratio).toBeGreaterThanOrEqual(1);
  });
});
