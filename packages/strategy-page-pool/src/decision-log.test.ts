import {
  createMemoryLogSink,
  formatDecisionLogHeader,
  type RxQueueConfig,
  replayDecisionLog,
  resolveRxQueueConfig,
} from "@rxsim/core";
import { createScriptedQueue } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import type { PagePoolOptions } from "./page-pool-options.js";
import { createPagePoolStrategy } from "./page-pool-strategy.js";

const CONFIG: Partial<RxQueueConfig> = { bufqSlots: 64, complqSlots: 64, doorbellThreshold: 8 };

/** Run varied traffic with a memory log; return the log's text. */
function record(options: PagePoolOptions, config: Partial<RxQueueConfig>): string {
  const log = createMemoryLogSink();
  const factory = createPagePoolStrategy(options);
  log.line(
    formatDecisionLogHeader({
      strategy: factory.name,
      options: factory.options,
      config: resolveRxQueueConfig(config),
      seed: 3,
      stream: "strategy",
    }),
  );
  const sq = createScriptedQueue({ factory, config, seed: 3, log, oooWindow: 4, failure: { attempts: [70, 71, 300] } });
  for (let round = 0; round < 100; round++) {
    for (let i = 0; i < 12; i++) {
      const k = round * 12 + i;
      const len = k % 7 === 0 ? 64 : k % 11 === 0 ? 9000 : 300 + ((k * 397) % 1400);
      sq.receive(len, { error: k % 13 === 0, skbAllocFail: k % 17 === 0 });
    }
    sq.poll();
    while (sq.held.length > 20) sq.release(sq.rng.nextInt(sq.held.length), sq.rng.nextFloat() < 0.5);
  }
  sq.drain();
  expect(sq.finish()).toEqual([]);
  return log.lines.join("\n");
}

describe("decision log", () => {
  const cases: [PagePoolOptions, Partial<RxQueueConfig>][] = [
    [{}, CONFIG],
    [
      { poolSize: 8, cacheSize: 8, refillBatch: 4, bulkAlloc: 4 },
      { ...CONFIG, pageSize: 16384 },
    ],
    [{}, { ...CONFIG, bufferSize: 4096 }],
  ];
  for (const [options, config] of cases) {
    it(`replays into a fresh strategy: ${JSON.stringify(options)} ${JSON.stringify(config)}`, () => {
      const text = record(options, config);
      expect(text).toContain("D pp recycle");
      const outcome = replayDecisionLog(text, createPagePoolStrategy(options));
      expect(outcome.mismatch).toBeUndefined();
      expect(outcome.ok).toBe(true);
      expect(outcome.decisions).toBeGreaterThan(100);
    });
  }
});
