import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLogSink, replayDecisionLog } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  createTraceWriter,
  getScenario,
  type RunInternals,
  runComparison,
  runStrategy,
  type ScenarioConfig,
  scenarios,
  validateScenarioConfig,
} from "./index.js";
import { pagePerBuffer, probe, reuseFifo } from "./test-strategies.test-util.js";

const dir = mkdtempSync(join(tmpdir(), "rxsim-harness-"));
let fileNo = 0;
const tmpFile = (ext: string) => join(dir, `f${fileNo++}.${ext}`);

function cfg(change: Record<string, unknown> = {}, from: ScenarioConfig = scenarios.default): ScenarioConfig {
  const merged: Record<string, unknown> = { ...from };
  for (const [k, v] of Object.entries(change)) {
    const b = merged[k];
    merged[k] = typeof v === "object" && v !== null && !Array.isArray(v) && typeof b === "object" ? { ...b, ...v } : v;
  }
  return validateScenarioConfig(merged);
}

/** Every input feature at once, small. */
const busy = cfg({
  packets: 30_000,
  warmupPackets: 1000,
  traffic: { sizeModel: "imix", rate: 100, rateUnit: "gbps", arrival: "poisson", rscProbability: 0.02 },
  stack: { hold: "exponential", holdNs: 30_000, slowFraction: 0.01, slowHoldNs: 2_000_000 },
  device: { oooWindow: 8, rxErrorRate: 0.01 },
  memory: { skbAllocFailRate: 0.01, allocFailure: { probability: 0.001 } },
});

function recordTrace(config: ScenarioConfig, factory: Parameters<typeof runStrategy>[1]) {
  const path = tmpFile("jsonl");
  const w = createTraceWriter(path);
  const result = runStrategy(config, factory, { recordTrace: w });
  w.close();
  return { path, result, text: readFileSync(path, "utf8") };
}

describe("identical inputs across strategies", () => {
  it("a strategy that drops most packets sees the same arrivals, sizes, flags and holds as one that drops none", () => {
    const scarce = pagePerBuffer({ limit: 40, name: "scarce" });
    const a = recordTrace(busy, reuseFifo());
    const b = recordTrace(busy, scarce);
    expect(b.result.metrics.packetsDropped).toBeGreaterThan(1000);
    expect(a.result.metrics.packetsDropped).toBe(0);
    expect(b.text).toBe(a.text);
    expect(a.text.split("\n").length).toBe(30_000 + 3); // header, arrivals, end line, final newline
  });

  it("the stack applies each packet's own hold, looked up by its sequence number", () => {
    const config = cfg({ packets: 5000, warmupPackets: 0, stack: { hold: "exponential", holdNs: 20_000 } });
    const p = probe();
    const { text } = recordTrace(config, p.factory);
    const holds = text
      .trim()
      .split("\n")
      .slice(1, -1)
      .map((line) => JSON.parse(line)[3] as number);
    // In order, one buffer per packet, no drops: the k-th completion is packet k.
    expect(p.log.completeNs.length).toBe(5000);
    // The run ends with the last poll; skbs still held then are released after teardown, each at its own time.
    const end = Math.max(...p.log.completeNs);
    let afterEnd = 0;
    for (let k = 0; k < 5000; k++) {
      const held = p.log.releaseNs[k] - p.log.completeNs[k];
      expect(held).toBeCloseTo(holds[k], 6);
      if (p.log.releaseNs[k] > end) afterEnd++;
      expect(p.log.releaseInNapi[k]).toBe(false);
    }
    expect(afterEnd).toBeGreaterThan(0);
    expect(new Set(holds).size).toBe(5000);
  });
});

describe("the stack's release", () => {
  it("immediate: released in the same poll, inside NAPI", () => {
    const p = probe();
    runStrategy(cfg({ packets: 2000, warmupPackets: 0 }), p.factory);
    expect(p.log.releaseNs).toEqual(p.log.completeNs);
    expect(p.log.releaseInNapi.every((x) => x)).toBe(true);
  });

  it("batched: released at the reader's next multiple of batchIntervalNs, from process context", () => {
    const p = probe();
    const r = runStrategy(cfg({ packets: 20_000, stack: { hold: "batched", batchIntervalNs: 50_000 } }), p.factory);
    const released = p.log.releaseNs.filter((t) => !Number.isNaN(t));
    expect(released.length).toBeGreaterThan(19_000);
    expect(released.every((t) => t % 50_000 === 0)).toBe(true);
    p.log.releaseNs.forEach((t, k) => {
      if (!Number.isNaN(t)) expect(t - p.log.completeNs[k]).toBeLessThan(50_000);
    });
    expect(p.log.releaseInNapi.some((x) => x)).toBe(false);
    // A batch holds about 50 µs of traffic at 8 Mpps.
    expect(r.metrics.peakHeldSkbs).toBeGreaterThan(300);
    expect(r.metrics.peakHeldSkbs).toBeLessThan(600);
  });
});

describe("NAPI timing", () => {
  it("the first completion after idle raises an interrupt; polls run coalesceNs later and repeat while the budget is used up", () => {
    const p = probe();
    const r = runStrategy(cfg({ packets: 16_000, warmupPackets: 0 }), p.factory);
    // Arrivals every 125 ns from t = 0: the poll at 20 µs finds 160 packets and takes them in polls of 64, 64 and 32.
    expect(p.log.completeNs.filter((t) => t === 20_000).length).toBe(160);
    expect(p.log.completeNs[160]).toBe(40_000);
    expect(r.metrics.polls).toBe(300);
    expect(r.metrics.refills).toBe(301);
    const q = probe();
    runStrategy(cfg({ packets: 2000, warmupPackets: 0, driver: { coalesceNs: 5000 } }), q.factory);
    expect(q.log.completeNs.filter((t) => t === 5000).length).toBe(40);
  });

  it("poll costs: the next poll of a NAPI run starts when the previous one's CPU time is over", () => {
    const p = probe();
    runStrategy(cfg({ packets: 4000, warmupPackets: 0, driver: { packetCostNs: 100, pollCostNs: 1000 } }), p.factory);
    expect(p.log.completeNs.slice(0, 64).every((t) => t === 20_000)).toBe(true);
    // 64 packets × 100 ns + 1000 ns later.
    expect(p.log.completeNs.slice(64, 128).every((t) => t === 27_400)).toBe(true);
  });

  it("a packet received while a poll's CPU time runs raises the interrupt when NAPI completes", () => {
    // Out-of-order staging hides such a packet's completion until the next poll's flush.
    const config = cfg({
      packets: 3000,
      warmupPackets: 0,
      traffic: { rate: 1e6 },
      device: { oooWindow: 4 },
      driver: { pollCostNs: 1500, coalesceNs: 0 },
    });
    const m = runStrategy(config, pagePerBuffer()).metrics;
    // Each poll occupies 1.5 µs, so every other packet arrives while NAPI is busy; none is left behind.
    expect(m.packetsDelivered).toBe(3000);
    expect(m.polls).toBeLessThan(3000);
  });
});

describe("the allocation-failure stall", () => {
  const stall = cfg({ packets: 600_000 }, getScenario("alloc-failure-stall"));
  const timer = cfg({ packets: 600_000 }, getScenario("alloc-failure-timer"));
  const delivered = (r: ReturnType<typeof runStrategy>, from: number, to: number) =>
    r.timeSeries.tNs
      .map((t, i) => [t, r.timeSeries.deliveredPerSec[i]] as const)
      .filter(([t]) => t > from && t <= to)
      .map(([, d]) => d);

  it("without the timer: nothing is delivered after the window starts, even once allocation works again", () => {
    const r = runStrategy(stall, pagePerBuffer());
    const m = r.metrics;
    expect(delivered(r, 20.5e6, 75e6).every((d) => d === 0)).toBe(true);
    expect(delivered(r, 2e6, 19.9e6).every((d) => d > 7e6)).toBe(true);
    // Stalled from just after 20 ms (the posted buffers drain in ~0.13 ms) to the end at 75 ms.
    expect(m.stallNs).toBeGreaterThan(54.5e6);
    expect(m.stallNs).toBeLessThan(55e6);
    expect(m.packetsDropped).toBeGreaterThan(((75 - 20.2) / 75) * 600_000 - 1);
    expect(m.allocFailures).toBeGreaterThan(0);
  });

  it("with the timer: NAPI is re-scheduled and traffic flows again after the window", () => {
    const r = runStrategy(timer, pagePerBuffer());
    const m = r.metrics;
    expect(delivered(r, 20.5e6, 39.9e6).every((d) => d === 0)).toBe(true);
    expect(delivered(r, 40.5e6, 75e6).every((d) => d > 7e6)).toBe(true);
    // Stalled from ~20.1 ms to the timer's poll at ~40.1 ms.
    expect(m.stallNs).toBeGreaterThan(19.5e6);
    expect(m.stallNs).toBeLessThan(20.5e6);
    expect(m.packetsDelivered).toBeGreaterThan(400_000);
  });

  it("a first refill that posts nothing stalls the queue from t = 0; the timer cures it", () => {
    const config = cfg({ packets: 400_000, warmupPackets: 0, memory: { allocFailure: { attempts: [1] } } });
    const m = runStrategy(config, pagePerBuffer()).metrics;
    expect(m.packetsDelivered).toBe(0);
    expect(m.stallNs).toBe(m.durationNs);
    const cured = runStrategy({ ...config, driver: { ...config.driver, starvationTimer: true } }, pagePerBuffer());
    // The timer's first poll at 20 ms refills; the rest of the 50 ms run flows.
    expect(cured.metrics.stallNs).toBe(20e6);
    expect(cured.metrics.packetsDelivered).toBeGreaterThan(230_000);
  });

  it("a strategy that recycles without allocating rides through the window", () => {
    const r = runStrategy(stall, reuseFifo());
    expect(r.metrics.stallNs).toBe(0);
    expect(r.metrics.packetsDropped).toBe(0);
  });
});

describe("the catalog", () => {
  it.each(Object.keys(scenarios))(
    "%s runs both test strategies with the checker clean and every packet accounted for",
    (name) => {
      const config = cfg({ packets: 20_000, warmupPackets: 0, checker: true }, getScenario(name));
      for (const f of [pagePerBuffer(), reuseFifo()]) {
        const m = runStrategy(config, f).metrics;
        expect(m.violations, m.violationMessages[0]).toBe(0);
        expect(m.leakedPages).toBe(0);
        expect(m.packetsArrived).toBe(20_000);
        // Bogus completions of a misbehaving device are dropped too, but they are no arriving packet.
        const rxError = m.packetsDroppedRxError - m.bogusCompletions;
        expect(m.packetsDelivered + m.packetsDropped + rxError + m.packetsDroppedSkbAlloc).toBe(20_000);
        expect(m.invalidBufIds).toBe(m.bogusCompletions);
        expect(m.packetsDelivered).toBeGreaterThan(0);
      }
    },
  );
});

describe("determinism", () => {
  it("the same seed gives identical JSON; another seed gives different numbers", () => {
    const run = (seed: number) => JSON.stringify(runComparison({ ...busy, seed }, [pagePerBuffer(), reuseFifo()]));
    const a = run(1);
    expect(run(1)).toBe(a);
    expect(run(2)).not.toBe(a);
  });
});

describe("memory stays flat in the number of packets", () => {
  it.each([
    ["immediate", {}],
    [
      "exponential holds, out-of-order, errors",
      {
        stack: { hold: "exponential", holdNs: 50_000 },
        device: { oooWindow: 8, rxErrorRate: 0.001 },
        memory: { skbAllocFailRate: 0.001 },
      },
    ],
  ])("%s: 1e5 and 1e6 packets leave every internal array the same size", (_, change) => {
    const sizes = (packets: number) => {
      let seen: RunInternals | null = null;
      const r = runStrategy(cfg({ ...change, packets, checker: false, timeSeriesIntervalNs: 10_000 }), reuseFifo(), {
        inspect: (i) => {
          seen = i;
        },
      });
      const i = seen as unknown as RunInternals;
      expect(r.timeSeries.points).toBeLessThanOrEqual(2000);
      return [i.releaseHeapCapacity, i.holdTableCapacity, i.timeSeriesCapacity, i.skbTableCapacity];
    };
    const small = sizes(100_000);
    const large = sizes(1_000_000);
    expect(large).toEqual(small);
  });
});

describe("metrics", () => {
  it("every arriving packet is delivered or counted as a drop of one kind", () => {
    const config = cfg({
      packets: 50_000,
      warmupPackets: 0,
      device: { rxErrorRate: 0.02, oooWindow: 8 },
      memory: { skbAllocFailRate: 0.03 },
    });
    for (const f of [pagePerBuffer(), pagePerBuffer({ limit: 64, name: "scarce" }), reuseFifo()]) {
      const m = runStrategy(config, f).metrics;
      expect(m.packetsArrived).toBe(50_000);
      expect(m.packetsDelivered + m.packetsDropped + m.packetsDroppedRxError + m.packetsDroppedSkbAlloc).toBe(50_000);
      expect(m.packetsDroppedRxError).toBeGreaterThan(0);
      expect(m.packetsDroppedSkbAlloc).toBeGreaterThan(0);
      expect(m.bytesDelivered).toBe(m.packetsDelivered * 1500);
    }
  });

  it("warm-up: counts start at the arrival of packet warmupPackets; time-weighted means over the rest", () => {
    const cold = runStrategy(cfg({ packets: 100_000, warmupPackets: 0 }), pagePerBuffer()).metrics;
    const warm = runStrategy(cfg({ packets: 100_000, warmupPackets: 20_000 }), pagePerBuffer()).metrics;
    expect(cold.packetsArrived).toBe(100_000);
    expect(warm.packetsArrived).toBe(80_000);
    // A page per completion, plus the initial fill of 1023 buffers when nothing is warm-up.
    expect(cold.pageAllocs).toBe(cold.packetsDelivered + 1023);
    expect(warm.pageAllocs).toBe(warm.packetsDelivered);
    expect(cold.durationNs - warm.durationNs).toBe(20_000 * 125);
    expect(warm.meanResidentPages).toBe(1023);
    expect(warm.peakResidentPages).toBe(1023);
    expect(warm.perDeliveredPacket.pageAllocs).toBe(1);
    expect(warm.per1000Packets.pageFrees).toBeCloseTo((warm.pageFrees * 1000) / 80_000, 9);
    expect(warm.stallNs).toBe(0);
    expect(warm.packetsDropped).toBe(0);
  });

  it("copybreak, chained skbs and buffers per packet follow the traffic", () => {
    const imix = runStrategy(cfg({ packets: 30_000 }, getScenario("imix")), reuseFifo()).metrics;
    expect(imix.copybreakPackets / imix.packetsDelivered).toBeCloseTo(7 / 12, 1);
    const rsc = runStrategy(cfg({ packets: 20_000 }, getScenario("rsc")), pagePerBuffer()).metrics;
    expect(rsc.chainedSkbs).toBeGreaterThan(0);
    const jumbo = runStrategy(cfg({ packets: 20_000, warmupPackets: 5000 }, getScenario("jumbo")), pagePerBuffer());
    // 9000 bytes in 2 KiB buffers: five buffers (pages, here) per packet.
    expect(jumbo.metrics.perDeliveredPacket.pageAllocs).toBe(5);
    expect(jumbo.metrics.perDeliveredPacket.buffersPosted).toBe(5);
  });

  it("the checker's violations are counted with their first messages", () => {
    const config = cfg({ packets: 20_000, checker: true, stack: { hold: "fixed", holdNs: 10_000 } });
    const bad = runStrategy(config, reuseFifo({ unsafe: true })).metrics;
    expect(bad.violations).toBeGreaterThan(0);
    expect(bad.violationMessages.length).toBe(5);
    expect(bad.violationMessages[0]).toMatch(/^posted-while-held: /);
    const good = runStrategy(config, reuseFifo()).metrics;
    expect(good.violations).toBe(0);
    expect(good.leakedPages).toBe(0);
    expect(runStrategy({ ...config, checker: false }, reuseFifo({ unsafe: true })).metrics.violations).toBe(0);
  });

  it("time series: bounded points, coarsened by doubling, counts preserved", () => {
    const config = cfg({ packets: 100_000, warmupPackets: 0, timeSeriesIntervalNs: 1000, timeSeriesMaxPoints: 16 });
    const r = runStrategy(config, pagePerBuffer());
    const ts = r.timeSeries;
    expect(ts.points).toBeLessThanOrEqual(16);
    expect(ts.points).toBeGreaterThanOrEqual(8);
    expect(Math.log2(ts.intervalNs / 1000) % 1).toBe(0);
    expect(ts.tNs[ts.points - 1]).toBe(r.metrics.durationNs);
    let deliveredTotal = 0;
    ts.tNs.forEach((t, i) => {
      deliveredTotal += (ts.deliveredPerSec[i] * (t - (i > 0 ? ts.tNs[i - 1] : 0))) / 1e9;
    });
    expect(deliveredTotal).toBeCloseTo(r.metrics.packetsDelivered, 3);
    expect(ts.residentPages.every((p) => p === 1023)).toBe(true);
    for (const key of ["postedBuffers", "heldSkbs", "allocsPerSec", "dropsPerSec"] as const) {
      expect(ts[key].length).toBe(ts.points);
    }
  });
});

describe("runComparison", () => {
  it("runs each strategy in its own fresh world, in order, with progress", () => {
    const calls: [number, number][] = [];
    const r = runComparison(cfg({ packets: 70_000 }), [pagePerBuffer(), reuseFifo()], {
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(r.schemaVersion).toBe(1);
    expect(r.tool).toBe("rxsim");
    expect(r.scenario).toBe("default");
    expect(r.seed).toBe(1);
    expect(r.warmupEndNs).toBe(10_000 * 125);
    expect(r.results.map((x) => x.strategy)).toEqual(["test-page-per-buffer", "test-reuse-fifo"]);
    // Fresh worlds: the second strategy's page table starts empty.
    expect(r.results[1].strategyStats.pages_allocated).toBe(1023);
    expect(r.results[0].metrics.pageAllocs).toBeGreaterThan(60_000);
    expect(calls.at(-1)).toEqual([140_000, 140_000]);
    expect(calls).toContainEqual([65_536, 140_000]);
    expect(calls).toContainEqual([70_000 + 65_536, 140_000]);
  });

  it("refuses two strategies with one name, a non-factory, none, and a decision log for two", () => {
    const c = cfg({ packets: 1000, warmupPackets: 0 });
    expect(() => runComparison(c, [pagePerBuffer(), pagePerBuffer()])).toThrow(
      /^strategies\[1\]: two strategies are named "test-page-per-buffer" \(also strategies\[0\]\)/,
    );
    expect(() => runComparison(c, [{ name: "x" } as never])).toThrow(ConfigError);
    expect(() => runComparison(c, [])).toThrow(/at least one strategy/);
    expect(() => runComparison(c, [pagePerBuffer(), reuseFifo()], { decisionLog: createMemoryLogSink() })).toThrow(
      /decisionLog: a decision log records one strategy/,
    );
    expect(() => runComparison({ ...c, packets: -1 } as ScenarioConfig, [pagePerBuffer()])).toThrow(/^packets: /);
    const picky = {
      ...pagePerBuffer({ name: "picky" }),
      create() {
        throw new RangeError("picky: bufferSize must be 1024, got 2048");
      },
    };
    expect(() => runComparison(c, [picky])).toThrow(/^strategies: picky cannot run on this queue: picky: bufferSize/);
  });

  it("writes the decision log header first, then the queue's lines; the log replays", () => {
    const sink = createMemoryLogSink();
    const config = cfg({ packets: 3000, warmupPackets: 0, stack: { hold: "fixed", holdNs: 5000 } });
    runComparison(config, [reuseFifo()], { decisionLog: sink });
    const [header, ...rest] = sink.lines;
    expect(header.startsWith("# rxsim decision-log v1 ")).toBe(true);
    const h = JSON.parse(header.slice("# rxsim decision-log v1 ".length));
    expect(h).toMatchObject({ strategy: "test-reuse-fifo", seed: 1, stream: "strategy", config: config.queue });
    expect(rest[0]).toMatch(/^I refill 1023 \w+ @0$/);
    expect(rest.some((l) => l.startsWith("I release "))).toBe(true);
    expect(replayDecisionLog(sink.lines.join("\n"), reuseFifo()).ok).toBe(true);
  });
});
