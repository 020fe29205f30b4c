import {
  createMemoryLogSink,
  formatDecisionLogHeader,
  type RxQueueConfig,
  replayDecisionLog,
  resolveRxQueueConfig,
} from "@rxsim/core";
import { createScriptedQueue } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { createDqoStrategy } from "./dqo-strategy.js";
import type { DqoOptions } from "./options.js";

const CONFIG: Partial<RxQueueConfig> = { bufqSlots: 32, complqSlots: 32, doorbellThreshold: 8 };

/** Run varied traffic on a scripted queue with a memory log and return the log's text. */
function record(options: DqoOptions): string {
  const log = createMemoryLogSink();
  const factory = createDqoStrategy(options);
  log.line(
    formatDecisionLogHeader({
      strategy: factory.name,
      options: factory.options,
      config: resolveRxQueueConfig(CONFIG),
      seed: 7,
      stream: "strategy",
    }),
  );
  const sq = createScriptedQueue({
    factory,
    config: CONFIG,
    seed: 7,
    log,
    oooWindow: 4,
    failure: { attempts: [40, 41, 90, 200, 201, 202] },
  });
  for (let round = 0; round < 120; round++) {
    for (let i = 0; i < 10; i++) {
      const k = round * 10 + i;
      const len = k % 7 === 0 ? 64 : k % 11 === 0 ? 5000 : 600 + ((k * 397) % 1000);
      sq.receive(len, { error: k % 13 === 0, skbAllocFail: k % 17 === 0 });
    }
    sq.poll();
    // Delayed and out-of-order releases: keep a backlog, release from random places, sometimes in NAPI.
    while (sq.held.length > 12) sq.release(sq.rng.nextInt(sq.held.length), sq.rng.nextFloat() < 0.5);
    if (round % 25 === 24) sq.releaseAll(true);
  }
  sq.queue.deviceWriteRawCompletion(1 << 20, 100, 1, 0);
  sq.drain();
  expect(sq.finish()).toEqual([]);
  expect(sq.checker.violations).toBe(0);
  return log.lines.join("\n");
}

describe("decision log", () => {
  for (const options of [{}, { stateMultiplier: 1 }] as DqoOptions[]) {
    it(`replays into a fresh strategy with the same options ${JSON.stringify(options)}`, () => {
      const text = record(options);
      const outcome = replayDecisionLog(text, createDqoStrategy(options));
      expect(outcome.mismatch).toBeUndefined();
      expect(outcome.ok).toBe(true);
      expect(outcome.decisions).toBeGreaterThan(2000);
      // Every kind of decision this traffic can produce is in the log.
      const patterns = [
        /^D post \d+ page=\d+ off=\d+ len=2048 new from=free$/m,
        /^D post \d+ page=\d+ off=\d+ len=2048 reused from=recycled$/m,
        /^D post \d+ page=\d+ off=\d+ len=2048 reused from=used$/m,
        /^D frag \d+ refs=\d+ -> recycled$/m,
        /^D frag \d+ refs=\d+ -> used$/m,
        /^D return \d+ -> recycled$/m,
        /^D alloc-fail \d+$/m,
        /^D reject 1048576 reason=range$/m,
        /^D free-page \d+ bufId=\d+ reason=teardown$/m,
      ];
      if (options.stateMultiplier === 1) patterns.push(/^D free-page \d+ bufId=\d+ reason=discard$/m);
      for (const p of patterns) expect(text).toMatch(p);
    });
  }

  it("a replay into a strategy with another scan limit reports the first mismatch", () => {
    const text = record({});
    const outcome = replayDecisionLog(text, createDqoStrategy({ scanLimit: 1 }));
    expect(outcome.ok).toBe(false);
    // The log found a free used entry deeper than one place into the list; scanLimit 1 allocates instead.
    expect(outcome.mismatch?.expected).toMatch(/^D post \d+ page=\d+ off=\d+ len=2048 reused from=used$/);
    expect(outcome.mismatch?.actual).toMatch(/^P alloc \d+$/);
    expect(outcome.decisions).toBeGreaterThan(100);
  });

  it("the bias trick changes atomics, not decisions: a log replays without it", () => {
    const text = record({ stateMultiplier: 1 });
    expect(replayDecisionLog(text, createDqoStrategy({ stateMultiplier: 1, bias: false })).ok).toBe(true);
  });

  it("a replay with another state count reports a mismatch", () => {
    const text = record({ stateMultiplier: 1 });
    expect(replayDecisionLog(text, createDqoStrategy({ stateMultiplier: 2 })).ok).toBe(false);
  });
});
