import type { CostProfile, RxStrategyFactory } from "@rxsim/core";
import { applySetOverrides, getScenario, runStrategy } from "@rxsim/harness";
import { StrategyLoop } from "./strategy-loop.js";

/** What one measurement measures. */
export type PerfMeasure = "simulation" | "strategy-loop";

/** One measurement's timed runs (after one untimed warm-up run). */
export interface PerfSample {
  /** Wall-clock seconds of each timed run. */
  readonly wallSeconds: number[];
  /** CPU seconds of the process (user + system, every thread) during each timed run. */
  readonly cpuSeconds: number[];
  /**
   * With a cost profile other than `none`: the same runs with profile `none`,
   * each timed right after its priced twin, so a change of machine load hits
   * both alike (index i of both arrays is one pair).
   */
  readonly unpriced?: { readonly wallSeconds: number[]; readonly cpuSeconds: number[] };
}

/** What a measurement needs: which strategy, which measure, how much. */
export interface PerfTask {
  readonly measure: PerfMeasure;
  readonly checker: boolean;
  readonly packets: number;
  readonly runs: number;
  /** Price the simulation's polls with this profile (null: the scenario's, `none`). */
  readonly costProfile?: CostProfile | null;
}

interface Times {
  wallSeconds: number[];
  cpuSeconds: number[];
}

function timeOnce(into: Times, body: () => void): void {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  body();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  into.wallSeconds.push(wall);
  into.cpuSeconds.push((cpu.user + cpu.system) / 1e6);
}

function timed(runs: number, body: () => void): PerfSample {
  const times: Times = { wallSeconds: [], cpuSeconds: [] };
  for (let i = 0; i < runs; i++) timeOnce(times, body);
  return times;
}

/** `runs` pairs: `body` then `twin`, alternating which goes first so neither always runs on a warmer machine. */
function timedPairs(runs: number, body: () => void, twin: () => void): PerfSample {
  const a: Times = { wallSeconds: [], cpuSeconds: [] };
  const b: Times = { wallSeconds: [], cpuSeconds: [] };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      timeOnce(a, body);
      timeOnce(b, twin);
    } else {
      timeOnce(b, twin);
      timeOnce(a, body);
    }
  }
  return { ...a, unpriced: b };
}

/**
 * Measure `factory`: the whole simulation on `default` (checker off or on),
 * or the strategy alone in a {@link StrategyLoop}. The first run is a
 * warm-up so JIT compilation is not measured; then `runs` timed runs.
 */
export function measure(factory: RxStrategyFactory, task: PerfTask): PerfSample {
  if (task.measure === "strategy-loop") {
    const loop = new StrategyLoop(factory);
    loop.run(Math.min(task.packets, 1_000_000));
    return timed(task.runs, () => {
      if (loop.run(task.packets) !== task.packets) throw new Error(`${factory.name} ran dry in the strategy loop`);
    });
  }
  const scenario = getScenario("default");
  const base = task.costProfile ? { ...scenario, costProfile: task.costProfile } : scenario;
  const config = applySetOverrides(base, [
    `packets=${task.packets}`,
    `warmupPackets=${Math.min(base.warmupPackets, Math.floor(task.packets / 10))}`,
    `checker=${task.checker}`,
  ]);
  const warm = [`packets=${Math.min(task.packets, 200_000)}`, "warmupPackets=0"];
  runStrategy(applySetOverrides(config, warm), factory);
  if (task.costProfile && task.costProfile.name !== "none") {
    // The same simulation unpriced, warmed up and timed in pairs with the priced one: what the profile costs.
    const unpriced = { ...config, costProfile: scenario.costProfile };
    runStrategy(applySetOverrides(unpriced, warm), factory);
    return timedPairs(
      task.runs,
      () => void runStrategy(config, factory),
      () => void runStrategy(unpriced, factory),
    );
  }
  return timed(task.runs, () => void runStrategy(config, factory));
}
