import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FlowMix, flowShares, syntheticFlows } from "./flow-mix.js";
import { DEFAULT_FLOW_MIX, type FlowMixConfig } from "./host-config.js";

const mix = (m: Partial<FlowMixConfig>): FlowMixConfig => ({ ...DEFAULT_FLOW_MIX, ...m });

function counts(m: FlowMixConfig, seed: number, n: number): number[] {
  const draw = new FlowMix(m, seed);
  const out = new Array(m.count).fill(0);
  for (let i = 0; i < n; i++) out[draw.next()]++;
  return out;
}

describe("synthetic flow mix", () => {
  it("shares: uniform, Zipf 1/k^s, elephants and mice, weights — each sums to 1", () => {
    expect(Array.from(flowShares(mix({ count: 4 })))).toEqual([0.25, 0.25, 0.25, 0.25]);
    const z = flowShares(mix({ count: 3, shares: "zipf", zipfExponent: 1 }));
    expect(z[0] / z[1]).toBeCloseTo(2);
    expect(z[0] / z[2]).toBeCloseTo(3);
    const e = flowShares(mix({ count: 11, shares: "elephant", elephants: 1, elephantShare: 0.9 }));
    expect(e[0]).toBeCloseTo(0.9);
    expect(e[5]).toBeCloseTo(0.01);
    expect(Array.from(flowShares(mix({ count: 2, shares: "weights", weights: [3, 1] })))).toEqual([0.75, 0.25]);
  });

  it("draws follow the shares (an elephant of 90% gets about 90% of 100,000 packets)", () => {
    const c = counts(mix({ count: 10, shares: "elephant", elephantShare: 0.9 }), 7, 100_000);
    expect(c[0] / 100_000).toBeGreaterThan(0.89);
    expect(c[0] / 100_000).toBeLessThan(0.91);
  });

  it("a flow of weight 0 never gets a packet; one flow draws nothing", () => {
    const c = counts(mix({ count: 3, shares: "weights", weights: [1, 0, 1] }), 3, 10_000);
    expect(c[1]).toBe(0);
    expect(counts(mix({ count: 1 }), 3, 100)).toEqual([100]);
  });

  it("same seed, same flows and tuples; different seeds differ (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 2, max: 50 }), (seed, count) => {
        const m = mix({ count, shares: "zipf" });
        expect(counts(m, seed, 500)).toEqual(counts(m, seed, 500));
        const a = syntheticFlows(m, seed);
        const b = syntheticFlows(m, seed);
        expect(a.count).toBe(count);
        expect(Array.from(a.addrs.subarray(0, count * 32))).toEqual(Array.from(b.addrs.subarray(0, count * 32)));
      }),
      { numRuns: 50 },
    );
    expect(counts(mix({ count: 8 }), 1, 1000)).not.toEqual(counts(mix({ count: 8 }), 2, 1000));
  });

  it("synthetic tuples: distinct clients to 192.0.2.1:443 (or 2001:db8::1), TCP or UDP", () => {
    const v4 = syntheticFlows(mix({ count: 100 }), 1);
    expect(v4.count).toBe(100);
    for (let f = 0; f < 100; f++) {
      expect(v4.addrs[f * 32]).toBe(10);
      expect(Array.from(v4.addrs.subarray(f * 32 + 16, f * 32 + 20))).toEqual([192, 0, 2, 1]);
      expect(v4.ports[2 * f + 1]).toBe(443);
      expect(v4.ports[2 * f]).toBeGreaterThanOrEqual(32768);
    }
    const v6 = syntheticFlows(mix({ count: 3, ipVersion: 6, protocol: "udp" }), 1);
    expect([v6.family[0], v6.proto[0]]).toEqual([6, 17]);
    expect(v6.addrs[16 + 15]).toBe(1);
  });
});
