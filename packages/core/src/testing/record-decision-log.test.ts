import { describe, expect, it } from "vitest";
import { replayDecisionLog } from "../decision-log.js";
import type { RxStrategyFactory } from "../strategy.js";
import { recordDecisionLog, variedTraffic } from "./record-decision-log.js";
import { createScriptedQueue, type ScriptedQueue } from "./scripted-queue.js";
import { createPagePerBufferTestStrategy } from "./test-strategies.js";

/** The test strategy, but its teardown forgets the posted buffers' pages. */
function leakingFactory(): RxStrategyFactory {
  const inner = createPagePerBufferTestStrategy();
  return { ...inner, create: (env) => ({ ...inner.create(env), teardown() {} }) };
}

describe("recordDecisionLog", () => {
  it("records a header, the default varied traffic and the teardown, and the log replays", () => {
    const factory = createPagePerBufferTestStrategy();
    const text = recordDecisionLog(factory, { seed: 9 });
    const lines = text.split("\n");
    const header = JSON.parse(lines[0].replace(/^# rxsim decision-log v1 /, ""));
    expect(header).toMatchObject({ strategy: "test-page-per-buffer", seed: 9, stream: "strategy" });
    expect(header.config).toMatchObject({ bufqSlots: 64, complqSlots: 64, doorbellThreshold: 8 });
    // The default traffic: copybreak, rx errors, skb allocation failures, jumbo chains,
    // releases in and out of NAPI, allocation failures, a bogus id, then teardown.
    for (const p of [
      / copy 64 @/,
      / error \d+ @/,
      / nomem \d+ @/,
      /^I release .* napi @/m,
      /^I release .* proc @/m,
      /^P alloc-fail 40$/m,
      /^P alloc-fail 202$/m,
      /^I complete 1048576 /m,
      /^I teardown @/m,
    ]) {
      expect(text).toMatch(p);
    }
    const outcome = replayDecisionLog(text, factory);
    expect(outcome.mismatch).toBeUndefined();
    expect(outcome.inputs).toBeGreaterThan(1440);
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const factory = createPagePerBufferTestStrategy();
    expect(recordDecisionLog(factory, { seed: 2 })).toBe(recordDecisionLog(factory, { seed: 2 }));
    expect(recordDecisionLog(factory, { seed: 2 })).not.toBe(recordDecisionLog(factory, { seed: 3 }));
  });

  it("runs a given script on a queue with the given configuration over the defaults", () => {
    let seen: ScriptedQueue | undefined;
    const text = recordDecisionLog(createPagePerBufferTestStrategy(), {
      config: { pageSize: 16384, bufqSlots: 16, complqSlots: 16 },
      failure: { attempts: [] },
      script: (sq) => {
        seen = sq;
        sq.receive(1500);
        sq.drain();
      },
    });
    expect(seen?.queue.config).toMatchObject({ pageSize: 16384, bufqSlots: 16, doorbellThreshold: 8 });
    expect(text.match(/^I complete /gm)).toHaveLength(1);
    expect(text).not.toMatch(/alloc-fail/);
  });

  it("variedTraffic keeps a backlog, releases in and out of NAPI, and catches up every 25 polls", () => {
    const sq = createScriptedQueue({ factory: createPagePerBufferTestStrategy(), oooWindow: 4 });
    const releaseContexts = new Set<boolean>();
    const catchUps: number[] = [];
    const { release, releaseAll } = sq;
    sq.release = (index, inNapi) => {
      releaseContexts.add(inNapi === true);
      release(index, inNapi);
    };
    sq.releaseAll = (inNapi) => {
      catchUps.push(sq.queue.counters.polls);
      releaseAll(inNapi);
    };
    variedTraffic(sq);
    expect([...releaseContexts].sort()).toEqual([false, true]);
    // Polls 25, 50, 75 and 100 of 120 (the initial refill is no poll).
    expect(catchUps).toEqual([25, 50, 75, 100]);
    expect(sq.held.length).toBeLessThanOrEqual(16);
    expect(sq.finish()).toEqual([]);
  });

  it("throws when the strategy leaks pages after teardown", () => {
    // Its pages stay mapped too; mappings are checked first.
    expect(() => recordDecisionLog(leakingFactory())).toThrow(/invariant violated \(mapping-leak\)/);
  });
});
