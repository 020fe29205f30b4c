import type { RxStrategyFactory } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { applySetOverrides, getScenario, runStrategy } from "./index.js";
import { pagePerBuffer, reuseFifo } from "./test-strategies.test-util.js";

// 1,000 packets at 8 Mpps, each held 5 ms by the stack: the run ends long before the stack lets go.
const held = applySetOverrides(getScenario("default"), [
  "packets=1000",
  "warmupPackets=0",
  "stack.hold=fixed",
  "stack.holdNs=5000000",
]);

describe("teardown with packets still held", () => {
  it("reports the pages in flight and how long the stack kept them, then frees every one", () => {
    const m = runStrategy(held, pagePerBuffer()).metrics;
    expect(m.packetsDelivered).toBe(1000);
    // A page per packet, each still held by its skb when the queue is torn down.
    expect(m.teardownInflightPages).toBe(1000);
    // The last packets were delivered by the run's last poll, so their hold runs 5 ms past teardown.
    expect(m.teardownInflightNs).toBe(5e6);
    expect(m.leakedPages).toBe(0);
    expect(m.violations, m.violationMessages[0]).toBe(0);
  });

  it("a stuck socket reader keeps its pages out for up to its 1 s hold", () => {
    const stuck = applySetOverrides(getScenario("stuck-reader"), ["packets=50000", "warmupPackets=0"]);
    const m = runStrategy(stuck, reuseFifo()).metrics;
    expect(m.teardownInflightPages).toBeGreaterThan(400);
    expect(m.teardownInflightNs).toBeGreaterThan(0.99e9);
    expect(m.teardownInflightNs).toBeLessThanOrEqual(1e9);
    expect(m.leakedPages).toBe(0);
    expect(m.violations, m.violationMessages[0]).toBe(0);
  });

  it("with prompt release nothing is in flight; pages the strategy keeps are freed by its teardown", () => {
    const prompt = applySetOverrides(held, ["stack.hold=immediate"]);
    for (const factory of [pagePerBuffer(), reuseFifo()]) {
      const m = runStrategy(prompt, factory).metrics;
      expect(m.teardownInflightPages).toBe(0);
      expect(m.teardownInflightNs).toBe(0);
      expect(m.leakedPages).toBe(0);
    }
  });
});

/**
 * pagePerBuffer, plus one page its teardown keeps and frees only from deferred work
 * (as page_pool's release retry does), which reschedules every millisecond while the stack still holds pages.
 */
function withTeardownWork(): { factory: RxStrategyFactory; runs: number[] } {
  const inner = pagePerBuffer();
  const runs: number[] = [];
  const factory: RxStrategyFactory = {
    ...inner,
    name: "test-teardown-work",
    create(env) {
      const s = inner.create(env);
      let parked = -1;
      let at = Number.POSITIVE_INFINITY;
      return {
        ...s,
        teardown() {
          s.teardown();
          parked = env.pages.alloc();
          at = env.clock.now() + 1e6;
        },
        teardownWorkAt: () => at,
        runTeardownWork() {
          runs.push(env.clock.now());
          if (env.pages.resident > 1) {
            at = env.clock.now() + 1e6;
            return;
          }
          env.pages.put(parked);
          at = Number.POSITIVE_INFINITY;
        },
      };
    },
  };
  return { factory, runs };
}

describe("a strategy's deferred teardown work", () => {
  it("runs at the times it asks for, in order with the stack's releases, until it has freed what it kept", () => {
    const { factory, runs } = withTeardownWork();
    const m = runStrategy(held, factory).metrics;
    expect(m.leakedPages).toBe(0);
    expect(m.violations, m.violationMessages[0]).toBe(0);
    // Every millisecond: four while the stack holds pages; the fifth comes at the last release
    // (5 ms after teardown), which goes first, so it frees the kept page.
    expect(runs.length).toBe(5);
    for (let i = 1; i < runs.length; i++) expect(runs[i] - runs[i - 1]).toBe(1e6);
    expect(m.teardownInflightNs).toBe(5e6);
  });

  it("with nothing held, runs once and stops", () => {
    const { factory, runs } = withTeardownWork();
    const m = runStrategy(applySetOverrides(held, ["stack.hold=immediate"]), factory).metrics;
    expect(runs.length).toBe(1);
    expect(m.leakedPages).toBe(0);
  });
});
