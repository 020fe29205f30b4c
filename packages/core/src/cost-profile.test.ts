import { describe, expect, it } from "vitest";
import {
  BUILTIN_COST_PROFILES,
  builtinCostProfileNames,
  COST_OPERATIONS,
  getBuiltinCostProfile,
  isZeroCost,
  parseCostProfile,
} from "./cost-profile.js";

describe("cost profiles", () => {
  it("ships none, bare-metal, iommu-lazy and iommu-strict; none costs nothing", () => {
    expect(builtinCostProfileNames()).toEqual(["none", "bare-metal", "iommu-lazy", "iommu-strict"]);
    expect(isZeroCost(BUILTIN_COST_PROFILES.none.costs)).toBe(true);
    for (const name of ["bare-metal", "iommu-lazy", "iommu-strict"] as const) {
      expect(isZeroCost(BUILTIN_COST_PROFILES[name].costs)).toBe(false);
      for (const op of COST_OPERATIONS) expect(BUILTIN_COST_PROFILES[name].costs[op]).toBeGreaterThanOrEqual(0);
    }
    expect(getBuiltinCostProfile("toString")).toBeUndefined();
  });

  it("orders the DMA costs as the sources do: none < lazy ≤ strict, strict unmap the dearest", () => {
    const b = BUILTIN_COST_PROFILES["bare-metal"].costs;
    const l = BUILTIN_COST_PROFILES["iommu-lazy"].costs;
    const s = BUILTIN_COST_PROFILES["iommu-strict"].costs;
    expect(b.dmaMap + b.dmaUnmap).toBeLessThan(l.dmaMap + l.dmaUnmap);
    expect(l.dmaUnmap).toBeLessThan(s.dmaUnmap);
    expect(s.dmaMap).toBe(l.dmaMap);
    expect(b.atomicRemote).toBeGreaterThan(b.atomicLocal);
    expect(b.pageAllocBulk).toBeLessThan(b.pageAlloc);
  });

  it("loads a user profile over a base, wrapped or bare", () => {
    const p = parseCostProfile({ name: "mine", base: "iommu-strict", costs: { dmaUnmap: 900 } });
    expect(p.name).toBe("mine");
    expect(p.costs.dmaUnmap).toBe(900);
    expect(p.costs.dmaMap).toBe(BUILTIN_COST_PROFILES["iommu-strict"].costs.dmaMap);
    const bare = parseCostProfile({ packet: 20 }, "file.json");
    expect(bare.name).toBe("file.json");
    expect(bare.costs.packet).toBe(20);
    expect(bare.costs.dmaMap).toBe(0);
  });

  it("rejects unknown operations, negative and non-finite costs with one line", () => {
    expect(() => parseCostProfile({ dmaMapp: 1 })).toThrow(/^cost profile: unknown operation "dmaMapp" \(operations: /);
    expect(() => parseCostProfile({ costs: { dmaMap: -1 } })).toThrow(
      /^cost profile: dmaMap must be a finite number of ns ≥ 0, got -1$/,
    );
    expect(() => parseCostProfile({ dmaMap: Number.POSITIVE_INFINITY })).toThrow(/dmaMap .* got Infinity$/);
    expect(() => parseCostProfile({ dmaMap: "5" })).toThrow(/dmaMap .* got "5"$/);
    expect(() => parseCostProfile({ costs: {}, base: "fast" })).toThrow(/base must be one of none, bare-metal/);
    expect(() => parseCostProfile({ costs: {}, extra: 1 })).toThrow(/unknown key "extra"/);
    expect(() => parseCostProfile([1])).toThrow(/expected a JSON object/);
    for (const f of [() => parseCostProfile({ x: 1 }), () => parseCostProfile(null)]) {
      expect(f).toThrow(RangeError);
      try {
        f();
      } catch (e) {
        expect((e as Error).message).not.toContain("\n");
      }
    }
  });
});
