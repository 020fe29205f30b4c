import { type RxQueueConfig, replayDecisionLog } from "@rxsim/core";
import { recordDecisionLog } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import type { PagePoolOptions } from "./page-pool-options.js";
import { createPagePoolStrategy } from "./page-pool-strategy.js";

describe("decision log", () => {
  // Core's recorder runs 64-slot rings; each case adds to that configuration.
  const cases: [PagePoolOptions, Partial<RxQueueConfig>][] = [
    [{}, {}],
    [{ poolSize: 8, cacheSize: 8, refillBatch: 4, bulkAlloc: 4 }, { pageSize: 16384 }],
    [{}, { bufferSize: 4096 }],
  ];
  for (const [options, config] of cases) {
    it(`replays into a fresh strategy: ${JSON.stringify(options)} ${JSON.stringify(config)}`, () => {
      const text = recordDecisionLog(createPagePoolStrategy(options), { config, seed: 3 });
      expect(text).toContain("D pp recycle");
      const outcome = replayDecisionLog(text, createPagePoolStrategy(options));
      expect(outcome.mismatch).toBeUndefined();
      expect(outcome.ok).toBe(true);
      expect(outcome.decisions).toBeGreaterThan(100);
    });
  }
});
