import { getScenario, type Metrics } from "@rxsim/harness";
import { describe, expect, it } from "vitest";
import { powerTicks, sweptAxis, symlogTicks } from "./axes.js";
import { costBreakdown } from "./cost-breakdown.js";
import { changedKeys, describeHold, describeTraffic, formatNs } from "./describe-run.js";
import { bestOf, headlineFigures } from "./headline.js";
import { strategyColours } from "./palette.js";
import { markIdentical } from "./series.js";

describe("report parts", () => {
  it("log2 axes for sizes, log10 for times, linear otherwise, a point axis for words", () => {
    expect(sweptAxis("queue.pageSize", ["4096", "65536", "16384"]).axis).toMatchObject({
      type: "log",
      base: 2,
      format: "bytes",
      label: "queue.pageSize (bytes, log2 scale)",
      ticks: [4096, 16384, 65536],
    });
    expect(sweptAxis("stack.holdNs", ["1000", "100000"]).axis).toMatchObject({ type: "log", base: 10, format: "ns" });
    expect(sweptAxis("device.oooWindow", ["0", "16"]).axis.type).toBe("linear");
    expect(sweptAxis("stack.hold", ["fixed", "exponential"]).axis.type).toBe("point");
    expect(powerTicks(4096, 65536, 2)).toEqual([4096, 8192, 16384, 32768, 65536]);
  });

  it("symlog ticks start at 0, skip 1 on a wide range and stay inside the data", () => {
    expect(symlogTicks(8e6)).toEqual([0, 100, 10_000, 1_000_000]);
    expect(symlogTicks(0)).toEqual([0, 1]);
    for (const t of symlogTicks(12345)) expect(t).toBeLessThanOrEqual(12345);
  });

  it("names identical series after the first with the same values", () => {
    const s = (legend: string, values: number[]) => ({ legend, colour: "#000", dash: "", sameAs: null, values });
    const out = markIdentical([s("naive", [1, 2]), s("dqo", [1, 2]), s("oracle", [1, 3])]);
    expect(out.map((x) => x.sameAs)).toEqual([null, "naive", null]);
  });

  it("the best is the lowest, every lowest on a tie, none when nothing applies", () => {
    expect(
      bestOf([
        { strategy: "a", value: 2 },
        { strategy: "b", value: 1 },
      ]),
    ).toEqual(["b"]);
    expect(
      bestOf([
        { strategy: "a", value: 0 },
        { strategy: "b", value: 0 },
      ]),
    ).toEqual(["a", "b"]);
    expect(bestOf([{ strategy: "a", value: null }])).toEqual([]);
  });

  it("one colour per strategy", () => {
    const c = strategyColours(["naive", "dqo", "page-pool"]);
    expect(new Set(c.values()).size).toBe(3);
  });

  it("says what ran from the config itself, and which keys differ from the catalog", () => {
    const base = getScenario("default");
    expect(describeTraffic(base)).toBe("1500 B packets at 8 Mpps (constant)");
    expect(describeHold(base)).toBe("prompt release");
    const changed = { ...base, packets: 10, stack: { ...base.stack, hold: "fixed" as const, holdNs: 50_000 } };
    expect(describeHold(changed)).toBe("fixed hold 50 µs");
    expect(changedKeys(changed)).toEqual(["packets", "stack.hold", "stack.holdNs"]);
    expect(changedKeys(base)).toEqual([]);
    expect(formatNs(1_500_000)).toBe("1.5 ms");
  });

  it("the cost breakdown stacks each strategy's priced operations up to its CPU ns per packet; none when unpriced", () => {
    const metrics = (cpuNs: number, byOp: Record<string, number | null>, perPacket: number | null) =>
      ({ cpuNs, cpuNsPerPacketByOp: byOp, cpuNsPerPacket: perPacket }) as unknown as Metrics;
    const rows = [
      {
        strategy: "naive",
        metrics: metrics(7000, { dmaMap: 100, dmaUnmap: 600, atomicLocal: 4.8, pageFree: 0 }, 704.8),
      },
      { strategy: "dqo", metrics: metrics(300, { atomicLocal: 4.8, refRead: 1.1 }, 5.9) },
      { strategy: "idle", metrics: metrics(0, { dmaMap: null }, null) },
    ];
    const c = costBreakdown(rows, "iommu-strict");
    expect(c?.ops).toEqual(["atomicLocal", "refRead", "dmaMap", "dmaUnmap"]);
    for (const t of c?.totals ?? []) {
      const sum = (c?.segments ?? []).filter((s) => s.strategy === t.strategy).reduce((a, s) => a + s.ns, 0);
      expect(sum).toBeCloseTo(t.ns, 9);
    }
    expect(c?.segments.some((s) => s.op === "pageFree")).toBe(false);
    expect(costBreakdown(rows, "none")).toBeNull();
    expect(headlineFigures(false).map((f) => f.title)).not.toContain("CPU time (buffer management)");
    expect(headlineFigures(true).map((f) => f.title)).toContain("CPU time (buffer management)");
  });
});
