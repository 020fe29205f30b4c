import { BUILTIN_COST_PROFILES } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { runStrategy } from "./run-comparison.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { pagePerBuffer } from "./test-strategies.test-util.js";
import { validateScenarioConfig } from "./validate-config.js";

const T = 1000; // ns between arrivals: 1 Mpps

/** 1 Mpps of 1500-byte frames, released at once, polls the moment a completion arrives, a 255-buffer ring. */
function ring(pollNs: number): ScenarioConfig {
  return validateScenarioConfig({
    packets: 20_000,
    queue: { bufqSlots: 256, complqSlots: 256, budget: 256, doorbellThreshold: 1 },
    traffic: { rate: 1e9 / T, packetSize: 1500 },
    driver: { coalesceNs: 0 },
    costProfile: { name: "slow-poll", costs: { poll: pollNs } },
  });
}

describe("a driver that can fall behind", () => {
  it("drops exactly when a poll outlasts the ring's headroom (255 buffers × the arrival spacing)", () => {
    // While a poll runs, arrivals fill the 255 buffers its refill left posted: 255 arrivals fit.
    const fits = runStrategy(ring(255 * T), pagePerBuffer()).metrics;
    expect(fits.packetsDropped).toBe(0);
    expect(fits.napiUtilisation).toBeGreaterThan(0.98);
    expect(fits.napiUtilisation).toBeLessThanOrEqual(1.01);
    // 256 arrivals per poll: one dropped per poll after the first (20,000 arrivals, 78 polls).
    const oneOver = runStrategy(ring(256 * T), pagePerBuffer()).metrics;
    expect(oneOver.packetsDropped).toBe(Math.floor(20_000 / 256) - 1);
    const tooSlow = runStrategy(ring(300 * T), pagePerBuffer()).metrics;
    // Each 300 µs poll sees 300 arrivals for 255 buffers: 45 of every 300 are dropped.
    expect(tooSlow.packetsDropped / tooSlow.packetsArrived).toBeCloseTo(45 / 300, 2);
    expect(tooSlow.violations).toBe(0);
  });

  it("charges nothing and changes nothing with the none profile (or an all-zero one)", () => {
    const base = validateScenarioConfig({ packets: 5000 });
    expect(base.costProfile).toEqual({ name: "none", costs: BUILTIN_COST_PROFILES.none.costs });
    const none = runStrategy(base, pagePerBuffer());
    const zero = runStrategy(
      { ...base, costProfile: { name: "none", costs: { ...base.costProfile.costs } } },
      pagePerBuffer(),
    );
    expect(JSON.stringify(zero)).toBe(JSON.stringify(none));
    expect(none.metrics.cpuNs).toBe(0);
    expect(none.metrics.napiBusyNs).toBe(0);
    expect(none.metrics.cpuNsPerPacket).toBe(0);
  });

  it("breaks cpuNsPerPacket down by operation, and the parts add up", () => {
    const config = validateScenarioConfig({ packets: 5000, costProfile: "iommu-strict" });
    const m = runStrategy(config, pagePerBuffer()).metrics;
    const c = BUILTIN_COST_PROFILES["iommu-strict"].costs;
    // A page per buffer: at least one map, one unmap and one allocation per delivered packet.
    expect(m.cpuNsPerPacketByOp.dmaUnmap).toBeCloseTo(c.dmaUnmap, 0);
    expect(m.cpuNsPerPacketByOp.dmaMap).toBeCloseTo(c.dmaMap, 0);
    const sum = Object.values(m.cpuNsPerPacketByOp).reduce((a: number, b) => a + (b ?? 0), 0);
    expect(sum).toBeCloseTo(m.cpuNsPerPacket ?? -1, 6);
    expect(m.cpuNs).toBeGreaterThan(0);
  });

  it("validates the profile like every config: one line naming the key", () => {
    const bad = (costProfile: unknown) => () => validateScenarioConfig({ costProfile });
    expect(bad("fast")).toThrow(
      new ConfigError(
        "costProfile",
        'unknown profile "fast" (built-in: none, bare-metal, iommu-lazy, iommu-strict; or an object { name, base, costs })',
      ),
    );
    expect(bad({ costs: { dmaMapp: 1 } })).toThrow(/^costProfile: unknown operation "dmaMapp"/);
    expect(bad({ costs: { dmaMap: -5 } })).toThrow(/^costProfile: dmaMap must be a finite number of ns ≥ 0, got -5$/);
    // A validated config validates to itself.
    const c = validateScenarioConfig({ costProfile: "iommu-lazy" });
    expect(validateScenarioConfig(c)).toEqual(c);
  });
});
