import {
  createMemoryLogSink,
  formatDecisionLogHeader,
  type RxQueueConfig,
  replayDecisionLog,
  resolveRxQueueConfig,
} from "@rxsim/core";
import { createScriptedQueue } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import type { FifoCacheOptions } from "./fifo-cache-options.js";
import { createFifoCacheStrategy } from "./fifo-cache-strategy.js";

const CONFIG: Partial<RxQueueConfig> = { bufqSlots: 64, complqSlots: 64, doorbellThreshold: 8 };

/** Run varied traffic with a memory log; return the log's text. */
function record(options: FifoCacheOptions): string {
  const log = createMemoryLogSink();
  const factory = createFifoCacheStrategy(options);
  log.line(
    formatDecisionLogHeader({
      strategy: factory.name,
      options: factory.options,
      config: resolveRxQueueConfig(CONFIG),
      seed: 5,
      stream: "strategy",
    }),
  );
  const sq = createScriptedQueue({
    factory,
    config: CONFIG,
    seed: 5,
    log,
    oooWindow: 4,
    failure: { attempts: [80, 81] },
  });
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
  for (const options of [{}, { cacheSize: 8 }] as FifoCacheOptions[]) {
    it(`replays into a fresh strategy with the same options ${JSON.stringify(options)}`, () => {
      const text = record(options);
      expect(text).toContain("reuse");
      const outcome = replayDecisionLog(text, createFifoCacheStrategy(options));
      expect(outcome.mismatch).toBeUndefined();
      expect(outcome.ok).toBe(true);
    });
  }
});
