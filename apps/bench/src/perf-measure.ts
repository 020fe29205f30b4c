import { availableParallelism } from "node:os";
import type { CostProfile, RxStrategyFactory } from "@rxsim/core";
import { applySetOverrides, createQueueThreads, getScenario, runStrategy, type ScenarioConfig } from "@rxsim/harness";
import type { QueueThreadRef } from "./queue-thread-loader.js";
import { StrategyLoop } from "./strategy-loop.js";

/** What one measurement measures. */
export type PerfMeasure = "simulation" | "strategy-loop" | "host";

/** One measurement's timed runs (after its untimed warm-up runs). */
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
  /** `host`: the same host in one thread, and one queue alone (the speed to keep), timed in turn with it. */
  readonly oneThread?: { readonly wallSeconds: number[]; readonly cpuSeconds: number[] };
  readonly oneQueue?: { readonly wallSeconds: number[]; readonly cpuSeconds: number[] };
  /** `host`: threads the host was spread over. */
  readonly threads?: number;
}

/** What a measurement needs: which strategy, which measure, how much. */
export interface PerfTask {
  readonly measure: PerfMeasure;
  readonly checker: boolean;
  readonly packets: number;
  readonly runs: number;
  /** Price the simulation's polls with this profile (null: the scenario's, `none`). */
  readonly costProfile?: CostProfile | null;
  /** `host`: the number of queues. */
  readonly queues?: number;
  /** `host`: how a queue thread loads the strategy (the `--strategies` list and its index). */
  readonly threadRef?: QueueThreadRef;
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
 * A host of `queues` queues, each at the single-queue rate of `default`
 * (4,096 flows), spread over every CPU; timed in turn with the same host in
 * one thread and with one queue alone, rotating which goes first.
 */
function measureHost(factory: RxStrategyFactory, task: PerfTask, one: ScenarioConfig): PerfSample {
  const queues = task.queues ?? 16;
  const rate = one.traffic.kind === "synthetic" ? one.traffic.rate : 0;
  const host = applySetOverrides(one, [
    `host.queues=${queues}`,
    "host.flows.count=4096",
    `traffic.rate=${rate * queues}`,
  ]);
  const ref = task.threadRef;
  const threads = availableParallelism();
  const queueThreads = createQueueThreads({
    loader: new URL("./queue-thread-loader.js", import.meta.url),
    threads,
    minPackets: 0,
    refOf: () => ref,
  });
  // The three warm up as a simulation row does (see WARM_PACKETS): a single 200,000-packet run is
  // what left simulation rows re-optimizing in their timed runs.
  for (let i = 0; i < warmRunsFor(task.packets); i++) {
    runStrategy(one, factory);
    runStrategy(host, factory);
    runStrategy(host, factory, { queueThreads });
  }
  const spread: Times = { wallSeconds: [], cpuSeconds: [] };
  const oneThread: Times = { wallSeconds: [], cpuSeconds: [] };
  const oneQueue: Times = { wallSeconds: [], cpuSeconds: [] };
  const bodies: [Times, () => void][] = [
    [spread, () => void runStrategy(host, factory, { queueThreads })],
    [oneThread, () => void runStrategy(host, factory)],
    [oneQueue, () => void runStrategy(one, factory)],
  ];
  for (let i = 0; i < task.runs; i++) {
    for (let k = 0; k < 3; k++) {
      const [into, body] = bodies[(i + k) % 3];
      timeOnce(into, body);
    }
  }
  return { ...spread, oneThread, oneQueue, threads };
}

/** Packets a simulation row runs untimed before its timed runs (at least two runs, at most {@link WARM_RUNS_MAX}). */
export const WARM_PACKETS = 2_000_000;
/** Most untimed runs a row makes (rows of a few thousand packets, as in tests, need no more). */
export const WARM_RUNS_MAX = 8;

/** Untimed runs of `packets` each before a row's timed runs: {@link WARM_PACKETS} in all, two at least, {@link WARM_RUNS_MAX} at most. */
function warmRunsFor(packets: number): number {
  return Math.min(WARM_RUNS_MAX, Math.max(2, Math.ceil(WARM_PACKETS / packets)));
}

/**
 * Measure `factory`: the whole simulation on `default` (checker off or on),
 * or the strategy alone in a {@link StrategyLoop}. First untimed runs of the
 * same length, {@link WARM_PACKETS} packets in all and two runs at least, so the timed runs
 * find the code V8 settles on: a shorter warm-up left the first timed run to
 * re-optimize when the byte counters outgrow small integers (past 2^31 bytes,
 * about 1.4 M packets of 1,500 bytes) and on paths the warm-up never took,
 * and a single warm-up run left the first timed run (with the checker on, the
 * first two) at about half speed: the second run of a simulation takes paths
 * the first did not (`--trace-deopt`: `handleCompletion`), and V8 recompiles
 * the whole inlined chain; then `runs` timed runs.
 */
export function measure(factory: RxStrategyFactory, task: PerfTask): PerfSample {
  if (task.measure === "strategy-loop") {
    const loop = new StrategyLoop(factory);
    loop.run(task.packets);
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
  if (task.measure === "host") return measureHost(factory, task, config);
  const warmRuns = warmRunsFor(task.packets);
  for (let i = 0; i < warmRuns; i++) runStrategy(config, factory);
  if (task.costProfile && task.costProfile.name !== "none") {
    // The same simulation unpriced, warmed up and timed in pairs with the priced one: what the profile costs.
    const unpriced = { ...config, costProfile: scenario.costProfile };
    for (let i = 0; i < warmRuns; i++) runStrategy(unpriced, factory);
    return timedPairs(
      task.runs,
      () => void runStrategy(config, factory),
      () => void runStrategy(unpriced, factory),
    );
  }
  return timed(task.runs, () => void runStrategy(config, factory));
}
