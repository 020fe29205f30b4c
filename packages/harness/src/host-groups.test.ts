import type { RxStrategyFactory } from "@rxsim/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canSpread, queueGroups, simulateGroupsHere } from "./host-groups.js";
import { NO_TRAFFIC_FILES, runStrategy, validateScenarioConfig } from "./index.js";
import { prepareInputs } from "./run-inputs.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { pagePerBuffer, reuseFifo } from "./test-strategies.test-util.js";

const base = {
  packets: 6000,
  warmupPackets: 500,
  queue: { bufqSlots: 128, complqSlots: 128 },
  traffic: { kind: "synthetic", rate: 6_000_000 },
};

/** The one-thread loop's result and the groups', merged, as JSON. */
function both(config: ScenarioConfig, factory: RxStrategyFactory, groups: number[][]): [string, string] {
  const one = runStrategy(config, factory);
  const spread = simulateGroupsHere(config, factory, prepareInputs(config, NO_TRAFFIC_FILES), groups).result;
  return [JSON.stringify(one), JSON.stringify(spread)];
}

describe("a host spread over groups of queues", () => {
  it("gives the one-thread loop's result byte for byte, peaks included (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom("uniform", "zipf", "elephant"),
        fc.constantFrom("immediate", "exponential", "batched"),
        fc.constantFrom(0, 500, 5999),
        fc.boolean(),
        fc.constantFrom("none", "busy", "starving"),
        (seed, queues, threads, flows, shares, hold, warmupPackets, fresh, driver) => {
          const config = validateScenarioConfig({
            ...base,
            seed,
            warmupPackets,
            stack: { hold, holdNs: 40_000, batchIntervalNs: 30_000 },
            host: { queues, flows: { count: flows, shares }, readerCpus: seed % 3 === 0 ? "other" : "napi" },
            // NAPI busy for its poll's CPU time; or allocations failing in windows, retried by gve's timer.
            ...(driver === "busy" ? { driver: { pollCostNs: 2000, packetCostNs: 150, coalesceNs: 1000 } } : {}),
            ...(driver === "starving"
              ? {
                  driver: { starvationTimer: true, starvationTimerMs: 0.05 },
                  memory: { allocFailure: { windows: [[100_000, 400_000]] } },
                }
              : {}),
          });
          const groups = queueGroups(config, threads);
          expect(groups).not.toBeNull();
          const [one, spread] = both(config, fresh ? pagePerBuffer() : reuseFifo(), groups as number[][]);
          expect(spread).toBe(one);
        },
      ),
      { numRuns: Number(process.env.RXSIM_GROUP_RUNS ?? 40) },
    );
  });

  it("keeps queues that share a NAPI CPU in one group and every queue in exactly one", () => {
    const config = validateScenarioConfig({ ...base, host: { queues: 6, napiCpus: [0, 1, 0, 2, 3, 1] } });
    const groups = queueGroups(config, 3) as number[][];
    expect(groups.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const cpu of [0, 1]) {
      const holders = groups.filter((g) => g.some((q) => config.host.napiCpus[q] === cpu));
      expect(holders).toHaveLength(1);
    }
    const shared = validateScenarioConfig({ ...base, host: { queues: 4, napiCpus: [0, 0, 0, 0] } });
    expect(queueGroups(shared, 4)).toBeNull();
    // CPU-sharing queues run in turn on their CPU: spread, the result is still the one thread's.
    const pairs = validateScenarioConfig({
      ...base,
      host: { queues: 4, napiCpus: [0, 1, 0, 1], flows: { count: 64 } },
    });
    const pg = queueGroups(pairs, 2) as number[][];
    expect(pg).toEqual([
      [0, 2],
      [1, 3],
    ]);
    const [one, spread] = both(pairs, reuseFifo(), pg);
    expect(spread).toBe(one);
  });

  it("is refused where queues share more than CPUs: a page cap, or the one-thread loop's outputs", () => {
    const config = validateScenarioConfig({ ...base, host: { queues: 4 } });
    expect(canSpread(config, {})).toBe(true);
    expect(canSpread({ ...config, memory: { ...config.memory, maxPages: 4000 } }, {})).toBe(false);
    expect(canSpread(config, { decisionLog: { line() {} } })).toBe(false);
    expect(canSpread(config, { recordTrace: { line() {} } })).toBe(false);
    expect(canSpread({ ...config, host: { ...config.host, queues: 1 } }, {})).toBe(false);
  });
});
