import { describe, expect, it } from "vitest";
import { applySetOverrides, getScenario, runStrategy } from "./index.js";
import { pagePerBuffer, reuseFifo } from "./test-strategies.test-util.js";

// The 20–40 ms allocation failure window of the catalog, on a 75 ms run (600,000 packets at 8 Mpps).
const stall = applySetOverrides(getScenario("alloc-failure-stall"), ["packets=600000"]);
const timer = applySetOverrides(getScenario("alloc-failure-timer"), ["packets=600000"]);

describe("the stall report", () => {
  it("without the re-schedule timer: the stall is detected with its start time and is still on at the end", () => {
    const m = runStrategy(stall, pagePerBuffer()).metrics;
    // The window opens at 20 ms; the posted buffers drain in about 0.13 ms, then the last poll posts nothing.
    expect(m.stallStartNs).not.toBeNull();
    expect(m.stallStartNs as number).toBeGreaterThan(20e6);
    expect(m.stallStartNs as number).toBeLessThan(20.2e6);
    expect(m.stalledAtEnd).toBe(true);
    // Stalled from its start to the end of the run (the last arrival; the measured part starts at
    // the 10,000th, 1.25 ms in): nothing ever polls again.
    const endNs = 10_000 * 125 + m.durationNs;
    expect(m.stallNs).toBe(endNs - (m.stallStartNs as number));
  });

  it("with the timer: the same start, and the queue recovers after the window", () => {
    const withoutTimer = runStrategy(stall, pagePerBuffer()).metrics;
    const m = runStrategy(timer, pagePerBuffer()).metrics;
    expect(m.stallStartNs).toBe(withoutTimer.stallStartNs);
    expect(m.stalledAtEnd).toBe(false);
    // The timer's poll after 40 ms refills: the stall lasted about the window's 20 ms, not to the end.
    expect(m.stallNs).toBeGreaterThan(19.5e6);
    expect(m.stallNs).toBeLessThan(20.5e6);
  });

  it("a first refill that posts nothing stalls the queue from t = 0", () => {
    const config = applySetOverrides(getScenario("default"), [
      "packets=10000",
      "warmupPackets=0",
      "memory.allocFailure.attempts=[1]",
    ]);
    const m = runStrategy(config, pagePerBuffer()).metrics;
    expect(m.stallStartNs).toBe(0);
    expect(m.stalledAtEnd).toBe(true);
  });

  it("a queue that never stalls reports null and false", () => {
    const m = runStrategy(stall, reuseFifo()).metrics;
    expect(m.stallStartNs).toBeNull();
    expect(m.stalledAtEnd).toBe(false);
    expect(m.stallNs).toBe(0);
  });
});
