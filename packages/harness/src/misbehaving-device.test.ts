import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLogSink } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import {
  applySetOverrides,
  createTraceWriter,
  getScenario,
  OUT_OF_RANGE_BUF_ID,
  runComparison,
  runComparisonFromTrace,
  runStrategy,
  type ScenarioConfig,
} from "./index.js";
import { pagePerBuffer, reuseFifo } from "./test-strategies.test-util.js";

/** Busy traffic: polls often end on the budget, completions out of order, the stack holds skbs a while. */
const BUSY = applySetOverrides(getScenario("default"), [
  "packets=20000",
  "warmupPackets=0",
  "stack.hold=exponential",
  "stack.holdNs=20000",
  "device.oooWindow=8",
]);

const withMisbehave = (config: ScenarioConfig, key: string, rate: number) =>
  applySetOverrides(config, [`device.misbehave.${key}=${rate}`]);

/** The buffer id of each `I complete` line of a decision log, in order. */
function completedIds(lines: readonly string[]): number[] {
  return lines.filter((l) => l.startsWith("I complete ")).map((l) => Number(l.split(" ")[2]));
}

describe("a misbehaving device", () => {
  for (const key of ["outOfRangeRate", "notAllocatedRate", "duplicateRate"]) {
    it(`${key}: every bogus completion is rejected and counted in rx_desc_err_dropped_pkt; no crash, leak or violation`, () => {
      const config = withMisbehave(BUSY, key, 0.05);
      for (const factory of [pagePerBuffer(), reuseFifo()]) {
        const m = runStrategy(config, factory).metrics;
        // 5% of 20,000 arrivals draw one; those the driver could no longer tell apart are not written.
        expect(m.bogusCompletions, factory.name).toBeGreaterThan(300);
        expect(m.invalidBufIds).toBe(m.bogusCompletions);
        expect(m.packetsDroppedRxError).toBe(m.bogusCompletions);
        // No arriving packet is lost to them.
        expect(m.packetsDelivered + m.packetsDropped).toBe(20_000);
        expect(m.violations, m.violationMessages[0]).toBe(0);
        expect(m.leakedPages).toBe(0);
      }
    });
  }

  it("a duplicate comes right after its original; an out-of-range id is 65536; a not-allocated id was posted before", () => {
    const ids = (key: string) => {
      const log = createMemoryLogSink();
      const m = runComparison(withMisbehave(BUSY, key, 0.05), [pagePerBuffer()], { decisionLog: log }).results[0]
        .metrics;
      return { ids: completedIds(log.lines), bogus: m.bogusCompletions };
    };
    const dup = ids("duplicateRate");
    const twice = dup.ids.filter((id, i) => i > 0 && dup.ids[i - 1] === id).length;
    expect(twice).toBe(dup.bogus);

    const range = ids("outOfRangeRate");
    expect(range.ids.filter((id) => id === OUT_OF_RANGE_BUF_ID).length).toBe(range.bogus);
    expect(range.ids.filter((id) => id >= 1024 && id !== OUT_OF_RANGE_BUF_ID)).toEqual([]);

    // pagePerBuffer's ids are its ring slots: a not-allocated id is one of them, completed before.
    const stale = ids("notAllocatedRate");
    expect(stale.ids.every((id) => id >= 0 && id < 1024)).toBe(true);
    expect(stale.ids.length).toBe(20_000 + stale.bogus);
  });

  it("draws from its own stream: the arrivals, sizes, flags and holds are those of a well-behaved device", () => {
    const dir = mkdtempSync(join(tmpdir(), "rxsim-misbehave-"));
    let n = 0;
    const arrivals = (config: ScenarioConfig) => {
      const path = join(dir, `t${n++}.jsonl`);
      const trace = createTraceWriter(path);
      runStrategy(config, reuseFifo(), { recordTrace: trace });
      trace.close();
      return readFileSync(path, "utf8").split("\n").slice(1);
    };
    const noisy = applySetOverrides(BUSY, [
      "device.rxErrorRate=0.01",
      "memory.skbAllocFailRate=0.01",
      "device.misbehave.outOfRangeRate=0.02",
      "device.misbehave.notAllocatedRate=0.02",
      "device.misbehave.duplicateRate=0.02",
    ]);
    const calm = applySetOverrides(noisy, [
      "device.misbehave.outOfRangeRate=0",
      "device.misbehave.notAllocatedRate=0",
      "device.misbehave.duplicateRate=0",
    ]);
    expect(arrivals(noisy)).toEqual(arrivals(calm));
  });

  it("is deterministic, and replays from a trace with identical metrics", () => {
    const config = applySetOverrides(BUSY, [
      "device.misbehave.outOfRangeRate=0.01",
      "device.misbehave.notAllocatedRate=0.01",
      "device.misbehave.duplicateRate=0.01",
    ]);
    const path = join(mkdtempSync(join(tmpdir(), "rxsim-misbehave-")), "run.jsonl");
    const trace = createTraceWriter(path);
    const a = runComparison(config, [pagePerBuffer(), reuseFifo()], { recordTrace: trace });
    trace.close();
    expect(JSON.stringify(runComparison(config, [pagePerBuffer(), reuseFifo()]))).toBe(JSON.stringify(a));
    expect(a.results.every((r) => r.metrics.bogusCompletions > 0)).toBe(true);
    const replayed = runComparisonFromTrace(path, [pagePerBuffer(), reuseFifo()]);
    expect(replayed.results.map((r) => r.metrics)).toEqual(a.results.map((r) => r.metrics));
  });

  it("writes nothing when every rate is 0 (the default)", () => {
    const m = runStrategy(BUSY, pagePerBuffer()).metrics;
    expect(m.bogusCompletions).toBe(0);
    expect(m.invalidBufIds).toBe(0);
  });

  it("never overfills the completion ring: 64-slot rings at line rate, every coin heads", () => {
    const tiny = applySetOverrides(BUSY, [
      "queue.bufqSlots=64",
      "queue.complqSlots=64",
      "device.misbehave.outOfRangeRate=1",
      "device.misbehave.notAllocatedRate=1",
      "device.misbehave.duplicateRate=1",
    ]);
    for (const factory of [pagePerBuffer(), reuseFifo()]) {
      const m = runStrategy(tiny, factory).metrics;
      expect(m.bogusCompletions).toBeGreaterThan(1000);
      expect(m.invalidBufIds).toBe(m.bogusCompletions);
      expect(m.packetsDelivered + m.packetsDropped).toBe(20_000);
      expect(m.violations, m.violationMessages[0]).toBe(0);
      expect(m.leakedPages).toBe(0);
    }
  });

  it("with room in the completion ring and polls that never fill the budget, every drawn completion is written", () => {
    // 1 Mpps: about 20 packets per 20 µs coalescing window, far below the budget of 64.
    const slow = applySetOverrides(BUSY, ["traffic.rate=1000000", "device.oooWindow=1", "queue.complqSlots=2048"]);
    const m = runStrategy(withMisbehave(slow, "duplicateRate", 1), pagePerBuffer()).metrics;
    expect(m.bogusCompletions).toBe(20_000);
    expect(m.invalidBufIds).toBe(20_000);
  });
});
