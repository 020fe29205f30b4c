import { type RxQueueConfig, replayDecisionLog } from "@rxsim/core";
import { recordDecisionLog } from "@rxsim/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { createDqoStrategy } from "./dqo-strategy.js";
import type { DqoOptions } from "./options.js";

// 32-slot rings keep the free list short, so the discard branch runs with one state per slot.
const CONFIG: Partial<RxQueueConfig> = { bufqSlots: 32, complqSlots: 32 };

/** Run core's varied traffic (out-of-order, delayed releases, errors, failures, a bogus id) and return the log. */
const record = (options: DqoOptions): string => recordDecisionLog(createDqoStrategy(options), { config: CONFIG });

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

  describe("QPL mode", () => {
    // 48 pool pages under 64-slot rings: the first refill runs dry; copies start at 18 used states.
    // The recorder's failing attempts 40 and 41 hit the pool at create (retried), the rest hit copies.
    const QPL: DqoOptions = { qpl: { pages: 48, ondemandThreshold: 30 } };
    let qplText = "";
    beforeAll(() => {
      qplText = recordDecisionLog(createDqoStrategy(QPL));
    });

    it("replays into a fresh strategy with the same options, every new line included", () => {
      const outcome = replayDecisionLog(qplText, createDqoStrategy(QPL));
      expect(outcome.mismatch).toBeUndefined();
      expect(outcome.ok).toBe(true);
      expect(outcome.decisions).toBeGreaterThan(2000);
      const lines = qplText.split("\n");
      // The pool comes first, before any input; the failed attempts are retried.
      expect(lines.slice(1, 4)).toEqual(["D qpl-pool pages=48", "P alloc 0", "P alloc 1"]);
      expect(lines.indexOf("P alloc-fail 40")).toBeLessThan(lines.findIndex((l) => l.startsWith("I ")));
      expect(lines.filter((l) => l.startsWith("P alloc ")).length).toBeGreaterThan(48);
      const patterns = [
        /^D qpl-exhausted posted=48 max=63$/m,
        /^D post \d+ page=\d+ off=\d+ len=2048 new from=free$/m,
        /^D post \d+ page=\d+ off=\d+ len=2048 reused from=used$/m,
        /^D copy \d+ page=\d+ len=\d+ used=\d+ -> recycled$/m,
        /^D copy-fail \d+ used=\d+ -> recycled$/m,
        /^D frag \d+ refs=\d+ -> used$/m,
        /^D qpl-unassign \d+ bufId=\d+$/m,
        /^D qpl-free \d+$/m,
      ];
      for (const p of patterns) expect(qplText).toMatch(p);
      // Nothing of RDA's: no page allocated for posting, none freed by the strategy before teardown.
      expect(qplText).not.toMatch(/^D (alloc-fail|free-page) /m);
    });

    it("a replay with another copy-on-demand threshold reports the first mismatch", () => {
      const outcome = replayDecisionLog(qplText, createDqoStrategy({ qpl: { pages: 48, ondemandThreshold: 29 } }));
      expect(outcome.ok).toBe(false);
      // The log copied at 18 used states (the copy's page comes first); a floor of 19 hands the buffer up.
      expect(outcome.mismatch?.expected).toMatch(/^P alloc \d+$/);
      expect(outcome.mismatch?.actual).toMatch(/^D frag \d+ refs=\d+ -> (used|recycled)$/);
    });

    it("a replay as RDA (no QPL) reports a mismatch at create", () => {
      const outcome = replayDecisionLog(qplText, createDqoStrategy());
      expect(outcome.ok).toBe(false);
      expect(outcome.mismatch).toMatchObject({ expected: "D qpl-pool pages=48", actual: "P alloc 0" });
    });
  });
});
