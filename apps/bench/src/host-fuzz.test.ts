import { applySetOverrides, getScenario, runStrategy, type ScenarioConfig } from "@rxsim/harness";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUILTIN_STRATEGIES } from "./registry.js";

// Random hosts of several queues for every built-in strategy, the checker on: no violation, no
// leak, every arrival on some queue delivered or dropped there, the host never above its page cap.
// RXSIM_FUZZ_RUNS sets the cases per strategy as for fuzz.test.ts (a tenth of them here: a host
// case simulates many queues); RXSIM_FUZZ_SEED replays another seed.
const RUNS = Math.max(10, Math.round(Number(process.env.RXSIM_FUZZ_RUNS ?? 300) / 10));
const SEED = Number(process.env.RXSIM_FUZZ_SEED ?? 20261129);
const TIMEOUT_MS = 60_000 + RUNS * 200;

const hostValues = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  packets: fc.integer({ min: 50, max: 2000 }),
  queues: fc.integer({ min: 2, max: 16 }),
  bufqSlots: fc.constantFrom(64, 256),
  flows: fc.integer({ min: 1, max: 300 }),
  shares: fc.constantFrom("uniform", "zipf", "elephant"),
  protocol: fc.constantFrom("tcp", "udp"),
  ipVersion: fc.constantFrom(4, 6),
  udpPorts: fc.boolean(),
  readers: fc.constantFrom("napi", "other"),
  // A CPU per queue out of a few, so NAPIs sometimes share one.
  cpus: fc.integer({ min: 1, max: 4 }),
  stuck: fc.boolean(),
  hold: fc.constantFrom("immediate", "fixed", "exponential", "lognormal", "batched"),
  holdNs: fc.integer({ min: 0, max: 200_000 }),
  maxPages: fc.oneof(fc.constant(null), fc.integer({ min: 200, max: 8000 })),
  rate: fc.integer({ min: 100_000, max: 20_000_000 }),
  pollCostNs: fc.constantFrom(0, 1000),
  starvationTimer: fc.boolean(),
  ooo: fc.constantFrom(1, 8),
});
type HostValues = typeof hostValues extends fc.Arbitrary<infer T> ? T : never;

function toConfig(v: HostValues): ScenarioConfig {
  const napiCpus = Array.from({ length: v.queues }, (_, q) => q % v.cpus);
  return applySetOverrides(getScenario("default"), [
    `seed=${v.seed}`,
    `packets=${v.packets}`,
    "warmupPackets=0",
    "checker=true",
    `queue.bufqSlots=${v.bufqSlots}`,
    `queue.complqSlots=${v.bufqSlots}`,
    `traffic.rate=${v.rate}`,
    `stack.hold=${v.hold}`,
    `stack.holdNs=${v.holdNs}`,
    `device.oooWindow=${v.ooo}`,
    `memory.maxPages=${v.maxPages ?? "null"}`,
    `driver.pollCostNs=${v.pollCostNs}`,
    `driver.starvationTimer=${v.starvationTimer}`,
    `host=${JSON.stringify({
      queues: v.queues,
      napiCpus,
      readerCpus: v.readers,
      flows: { count: v.flows, shares: v.shares, protocol: v.protocol, ipVersion: v.ipVersion },
      rss: { udpPorts: v.udpPorts },
      stuckReaders: v.stuck ? { flows: [0], holdNs: 5_000_000 } : { flows: [] },
    })}`,
  ]);
}

describe(`fuzz: ${RUNS} random multi-queue hosts per strategy (seed ${SEED}), checker on`, () => {
  for (const [name, registered] of Object.entries(BUILTIN_STRATEGIES)) {
    it(
      `${name}: no violation, no leak, packets conserved per queue, the host within its cap`,
      () => {
        fc.assert(
          fc.property(hostValues, (values) => {
            let config = toConfig(values);
            // A QPL refuses a cap below its own pool (2 × ring slots; tested in the dqo package), as for one queue.
            const pool = 2 * values.bufqSlots;
            if (name.includes("qpl") && values.maxPages !== null && values.maxPages < pool + 64) {
              config = applySetOverrides(config, [`memory.maxPages=${pool + 64}`]);
            }
            const cap = config.memory.maxPages;
            const result = runStrategy(config, registered.create());
            const m = result.metrics;
            if (result.cannotStart !== undefined) {
              // Only a QPL allocates its pool at setup: the host's cap can be too small for every queue's.
              expect(name).toContain("qpl");
              expect(cap).not.toBeNull();
              expect(cap as number).toBeLessThan(values.queues * pool);
              return;
            }
            expect(m.violationMessages).toEqual([]);
            expect(m.violations).toBe(0);
            expect(m.leakedPages).toBe(0);
            expect(m.packetsArrived).toBe(values.packets);
            if (cap !== null) expect(m.peakResidentPagesRun).toBeLessThanOrEqual(cap);
            const queues = result.queues ?? [];
            expect(queues).toHaveLength(values.queues);
            let arrived = 0;
            for (const q of queues) {
              const k = q.metrics;
              expect(k.packetsDelivered + k.packetsDropped + k.packetsDroppedRxError + k.packetsDroppedSkbAlloc).toBe(
                k.packetsArrived,
              );
              arrived += k.packetsArrived;
            }
            expect(arrived).toBe(values.packets);
          }),
          { numRuns: RUNS, seed: SEED },
        );
      },
      TIMEOUT_MS,
    );
  }
});
