import { type RxStrategyFactory, replayDecisionLog } from "@rxsim/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCapture } from "./capture-reader.js";
import { IPPROTO_TCP, IPPROTO_UDP } from "./flow-set.js";
import { ipFrame, pcapOf } from "./frames.test-util.js";
import {
  ConfigError,
  inMemoryTrafficFiles,
  type RunOptions,
  runComparison,
  runStrategy,
  type StrategyResult,
  validateScenarioConfig,
} from "./index.js";
import { steerFlows } from "./rss.js";
import { pagePerBuffer, reuseFifo } from "./test-strategies.test-util.js";

/** Run a partial config (validated, defaults filled). */
function run(config: object, factory: RxStrategyFactory, options?: RunOptions): StrategyResult {
  return runStrategy(validateScenarioConfig(config), factory, options);
}

const base = {
  packets: 20_000,
  queue: { bufqSlots: 256, complqSlots: 256 },
  traffic: { kind: "synthetic", rate: 4_000_000 },
};

describe("several queues on one host", () => {
  it("conserves packets: each queue's arrivals are delivered or dropped, and the queues add up (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom("uniform", "zipf", "elephant"),
        fc.constantFrom(null, 300, 2000),
        (seed, queues, flows, shares, maxPages) => {
          const config = {
            ...base,
            packets: 4000,
            seed,
            memory: { maxPages },
            stack: { hold: "exponential", holdNs: 50_000 },
            host: { queues, flows: { count: flows, shares } },
          };
          const r = run(config, reuseFifo());
          const qs = r.queues ?? [];
          expect(qs.length).toBe(queues);
          let arrived = 0;
          for (const q of qs) {
            const m = q.metrics;
            expect(m.packetsDelivered + m.packetsDropped + m.packetsDroppedRxError + m.packetsDroppedSkbAlloc).toBe(
              m.packetsArrived,
            );
            arrived += m.packetsArrived;
          }
          expect(arrived).toBe(4000);
          expect(r.metrics.packetsArrived).toBe(4000);
          expect(r.metrics.packetsDelivered + r.metrics.packetsDropped).toBe(4000);
          expect(r.metrics.violations).toBe(0);
          expect(r.metrics.leakedPages).toBe(0);
          if (maxPages !== null) expect(r.metrics.peakResidentPagesRun).toBeLessThanOrEqual(maxPages);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("is deterministic: the same config gives the same JSON, a different seed does not (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 8 }), (seed, queues) => {
        const config = {
          ...base,
          packets: 3000,
          seed,
          stack: { hold: "lognormal", holdNs: 20_000 },
          host: { queues, flows: { count: 32, shares: "zipf" } },
        };
        const a = JSON.stringify(run(config, pagePerBuffer()));
        expect(JSON.stringify(run(config, pagePerBuffer()))).toBe(a);
        expect(JSON.stringify(run({ ...config, seed: seed + 1 }, pagePerBuffer()))).not.toBe(a);
      }),
      { numRuns: 10 },
    );
  });

  it("an elephant flow loads one queue: packet imbalance near the number of queues", () => {
    const r = run({ ...base, host: { queues: 8, flows: { count: 1 } } }, pagePerBuffer());
    expect(r.imbalance?.packets).toBe(8);
    const busy = (r.queues ?? []).filter((q) => q.metrics.packetsArrived > 0);
    expect(busy.length).toBe(1);
    expect(busy[0].flows).toBe(1);
  });

  it("many small flows spread evenly (imbalance below 1.2 with 4,096 flows on 8 queues)", () => {
    const r = run({ ...base, host: { queues: 8, flows: { count: 4096 } } }, pagePerBuffer());
    expect(r.imbalance?.packets).toBeLessThan(1.2);
    expect(r.imbalance?.packets).toBeGreaterThanOrEqual(1);
  });

  it("one host cap: a stuck reader's queue takes the pages the others free, and their allocations fail", () => {
    const config = {
      ...base,
      queue: { bufqSlots: 64, complqSlots: 64 },
      stack: { hold: "fixed", holdNs: 50_000 },
      memory: { maxPages: 1000 },
      host: {
        queues: 4,
        flows: { count: 4 },
        rss: { indirection: [0, 1, 2, 3] },
        stuckReaders: { flows: [0], holdNs: 1e9 },
      },
    };
    const r = run(config, pagePerBuffer());
    const qs = [...(r.queues ?? [])].sort((a, b) => b.metrics.peakResidentPages - a.metrics.peakResidentPages);
    // The stuck queue holds most of the host's pages.
    expect(qs[0].metrics.peakResidentPages).toBeGreaterThan(800);
    for (const q of qs.slice(1)) {
      expect(q.metrics.allocFailures).toBeGreaterThan(0);
      expect(q.metrics.packetsDropped).toBeGreaterThan(q.metrics.packetsArrived / 2);
    }
    expect(r.metrics.peakResidentPagesRun).toBeLessThanOrEqual(1000);
    // Without the stuck reader nobody fails or drops.
    const free = run({ ...config, host: { ...config.host, stuckReaders: { flows: [] } } }, pagePerBuffer());
    expect(free.metrics.allocFailures).toBe(0);
    expect(free.metrics.packetsDropped).toBe(0);
  });

  it("totals: metrics sum the queues; the time series is the queues' sum; queue 0's decision log only", () => {
    const lines: string[] = [];
    const r = run(
      {
        ...base,
        stack: { hold: "fixed", holdNs: 30_000 },
        memory: { maxPages: 1400 },
        host: { queues: 3, flows: { count: 50 } },
      },
      reuseFifo(),
      { decisionLog: { line: (t) => void lines.push(t) } },
    );
    const qs = r.queues ?? [];
    const sum = (k: "pageAllocs" | "polls" | "atomicOps") => qs.reduce((a, q) => a + q.metrics[k], 0);
    expect(r.metrics.pageAllocs).toBe(sum("pageAllocs"));
    expect(r.metrics.polls).toBe(sum("polls"));
    expect(r.metrics.atomicOps).toBe(sum("atomicOps"));
    const last = r.timeSeries.points - 1;
    expect(r.timeSeries.residentPages[last]).toBe(qs.reduce((a, q) => a + q.residentPages[last], 0));
    expect(r.metrics.peakResidentPages).toBeLessThanOrEqual(qs.reduce((a, q) => a + q.metrics.peakResidentPages, 0));
    expect(lines.filter((l) => l.startsWith("# rxsim decision-log")).length).toBe(1);
    expect(lines[0]).toContain('"stream":"strategy/q0"');
    // Queue 0's log replays on its own: the host's other queues only show in it as allocation failures.
    expect(replayDecisionLog(lines.join("\n"), reuseFifo()).ok).toBe(true);
  });

  it("two NAPIs on one CPU poll in turn: together at most one CPU busy, and the queues fall behind", () => {
    const config = (napiCpus: number[]) => ({
      ...base,
      packets: 50_000,
      traffic: { kind: "synthetic", rate: 8_000_000 },
      driver: { pollCostNs: 2000, packetCostNs: 150 },
      host: { queues: 2, napiCpus, flows: { count: 2 }, rss: { indirection: [0, 1] } },
    });
    const apart = run(config([0, 1]), pagePerBuffer());
    const shared = run(config([3, 3]), pagePerBuffer());
    expect(apart.metrics.packetsDropped).toBe(0);
    expect(apart.metrics.napiUtilisation).toBeGreaterThan(1);
    expect(shared.metrics.napiUtilisation).toBeLessThanOrEqual(1.01);
    expect(shared.metrics.packetsDropped).toBeGreaterThan(0);
    expect(shared.queues?.map((q) => q.napiCpu)).toEqual([3, 3]);
  });

  it("capture replay: every frame of a flow lands on its flow's queue", () => {
    const frames: number[][] = [];
    for (let i = 0; i < 400; i++) {
      const k = (i * 7) % 23;
      const proto = k % 2 === 0 ? IPPROTO_TCP : IPPROTO_UDP;
      frames.push(
        ipFrame({
          family: k % 3 === 0 ? 6 : 4,
          proto,
          src: k % 3 === 0 ? [...new Array(15).fill(0x20), k] : [10, 0, 1, k],
          dst: k % 3 === 0 ? [...new Array(15).fill(0x30), 1] : [10, 0, 2, 1],
          sport: 1000 + k,
          dport: 80,
          vlans: k % 5 === 0 ? [100] : [],
        }),
      );
    }
    const bytes = pcapOf(frames);
    const capture = parseCapture(bytes);
    const files = inMemoryTrafficFiles({ "mix.pcap": bytes });
    const config = validateScenarioConfig({
      packets: 400,
      traffic: { kind: "capture", path: "mix.pcap" },
      host: { queues: 5 },
    });
    const steering = steerFlows(capture.flowSet, config.host.rss, 5);
    const want = new Array(5).fill(0);
    for (let i = 0; i < capture.packets; i++) want[steering.queue[capture.flows[i]]]++;
    const r = runComparison(config, [pagePerBuffer()], { files }).results[0];
    expect(r.queues?.map((q) => q.metrics.packetsArrived)).toEqual(want);
    expect(capture.flowSet.count).toBe(23);
  });

  it("refuses what several queues cannot do, naming the key", () => {
    const bad = (v: unknown) => () => validateScenarioConfig(v);
    expect(bad({ host: { queues: 0 } })).toThrow(ConfigError);
    expect(bad({ host: { queues: 2, rss: { indirection: [0, 2] } } })).toThrow(
      /names queue 2, but the host has 2 queues/,
    );
    expect(bad({ host: { queues: 3, napiCpus: [0, 1] } })).toThrow(/names 2 CPUs but the host has 3 queues/);
    expect(bad({ host: { queues: 2, rss: { key: "6d:5a" } } })).toThrow(/must be 40 bytes/);
    expect(bad({ host: { queues: 2, flows: { count: 2 }, stuckReaders: { flows: [2] } } })).toThrow(/names flow 2/);
    expect(bad({ host: { queues: 2 }, traffic: { kind: "trace", path: "x" } })).toThrow(/a trace records no flows/);
    const trace = { line: () => {} };
    expect(() => run({ packets: 10, host: { queues: 2 } }, pagePerBuffer(), { recordTrace: trace })).toThrow(
      /cannot be recorded; record a one-queue run/,
    );
  });
});
