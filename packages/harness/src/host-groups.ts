import { type RxStrategyFactory, resolveRxQueueConfig } from "@rxsim/core";
import type { HostTotals } from "./host-metrics.js";
import { combineQueues, type GroupEnd } from "./host-metrics.js";
import { HostSimulation } from "./host-simulation.js";
import { HostTraffic } from "./host-traffic.js";
import type { PacketSource } from "./packet-source.js";
import { ResidentChunks, ResidentMerge } from "./resident-records.js";
import { openSource, type PreparedInputs } from "./run-inputs.js";
import type { RunOptions, SimulationOutcome } from "./run-options.js";
import type { ScenarioConfig } from "./scenario-config.js";
import type { FinishedRun } from "./simulation-finish.js";
import { latestStop, type StopKey, stopsLater } from "./stop-key.js";
import type { TimeSeries } from "./time-series.js";

/**
 * Why this run of a multi-queue host may not be spread over groups of queues
 * with the same result, or null when it may: one queue; a host page cap (the
 * one thing queues share); something that needs the one-thread loop (a
 * decision log or trace being written, an inspector, trace traffic).
 */
export function spreadRefusal(config: ScenarioConfig, options: RunOptions): string | null {
  if (config.host.queues < 2) return "one queue";
  if (config.memory.maxPages !== null) return "a host page cap: the queues compete for its pages";
  if (config.traffic.kind === "trace") return "trace traffic";
  if (options.decisionLog !== undefined || options.recordTrace !== undefined || options.inspect !== undefined) {
    return "a trace, a decision log or an inspector needs one loop";
  }
  return null;
}

/** True when {@link spreadRefusal} finds nothing against spreading this run. */
export function canSpread(config: ScenarioConfig, options: RunOptions): boolean {
  return spreadRefusal(config, options) === null;
}

/**
 * The host's queues in at most `count` groups of consecutive queues, as even
 * as can be; queues whose NAPI shares a CPU stay in one group (they take
 * turns on it). Fewer than two groups: null.
 */
export function queueGroups(config: ScenarioConfig, count: number): number[][] | null {
  const n = config.host.queues;
  const cpus = config.host.napiCpus;
  const cpuOf = (q: number) => (cpus.length > 0 ? cpus[q] : q);
  // Units of queues that must stay together: all queues on one CPU.
  const unitOfCpu = new Map<number, number[]>();
  for (let q = 0; q < n; q++) {
    const c = cpuOf(q);
    const unit = unitOfCpu.get(c);
    if (unit) unit.push(q);
    else unitOfCpu.set(c, [q]);
  }
  const units = [...unitOfCpu.values()].sort((a, b) => a[0] - b[0]);
  const groups = Math.min(count, units.length);
  if (groups < 2) return null;
  const out: number[][] = [];
  let u = 0;
  for (let g = 0; g < groups; g++) {
    // Spread what is left over the groups left.
    const take = Math.ceil((units.length - u) / (groups - g));
    out.push(
      units
        .slice(u, u + take)
        .flat()
        .sort((a, b) => a - b),
    );
    u += take;
  }
  return out;
}

/** What a group of queues reports once its loop is over. */
export interface GroupLoopEnd {
  /** Where it stopped. */
  readonly stop: StopKey;
  /** Arrivals of the whole host. */
  readonly arrivals: number;
  /** The warm-up ended. */
  readonly measuring: boolean;
}

/** What a group of queues reports once finished at the host's end. */
export interface GroupFinish extends GroupEnd {
  /** Its pages after its queues' teardown. */
  readonly residentPages: number;
  /** Arrivals per flow (the same in every group: each reads the whole stream). */
  readonly flowArrivals: Float64Array;
  readonly flowQueue: Int32Array;
  readonly napiCpu: Int32Array;
}

/**
 * The host's result from its groups': each queue's metrics and series in
 * queue order, the host's peaks from the merged records.
 */
export function combineGroups(
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  groups: readonly (readonly number[])[],
  loops: readonly GroupLoopEnd[],
  ends: readonly GroupFinish[],
  merge: ResidentMerge,
): SimulationOutcome {
  const n = config.host.queues;
  const finished = new Array<FinishedRun>(n);
  const series = new Array<TimeSeries>(n);
  groups.forEach((queues, g) => {
    queues.forEach((q, lane) => {
      finished[q] = ends[g].finished[lane];
      series[q] = ends[g].series[lane];
    });
  });
  const endPages = ends.reduce((s, e) => s + e.residentPages, 0);
  const peaks = merge.finish(loops[0].measuring, endPages);
  const first = ends[0];
  const totals: HostTotals = {
    hostPeak: peaks.hostPeak,
    hostPeakRun: peaks.hostPeakRun,
    napiCpu: first.napiCpu,
    flowQueue: first.flowQueue,
    flowArrivals: first.flowArrivals,
  };
  const pageSize = resolveRxQueueConfig(config.queue).pageSize;
  const result = combineQueues(factory, finished, series, pageSize, totals);
  return { result, warmupEndNs: finished[0].warmupEndNs, arrivals: loops[0].arrivals };
}

/** One group's simulation, ready to start: its own packet stream, traffic view and loop. */
export class GroupRun {
  readonly sim: HostSimulation;
  readonly traffic: HostTraffic;
  private readonly source: PacketSource;

  constructor(
    config: ScenarioConfig,
    factory: RxStrategyFactory,
    inputs: PreparedInputs,
    queues: readonly number[],
    send: (chunk: Float64Array, count: number) => void,
    onProgress?: (done: number, total: number) => void,
  ) {
    const source = openSource(config, inputs);
    this.source = source;
    try {
      this.traffic = new HostTraffic(config, inputs.capture);
      const recorder = new ResidentChunks(send);
      this.sim = new HostSimulation(
        config,
        factory,
        source,
        this.traffic,
        { onProgress },
        { base: 0, total: 0 },
        {
          queues,
          recorder,
        },
      );
    } catch (e) {
      source.close();
      throw e;
    }
  }

  /** Start-up; returns the group's pages after it. */
  begin(): number {
    this.sim.begin();
    return this.sim.residentPages;
  }

  loop(): GroupLoopEnd {
    this.sim.loop();
    return { stop: this.sim.stopKey, arrivals: this.sim.arrivalCount, measuring: this.sim.measuring };
  }

  /** Run the events before the host's stop so far; returns where this group stops now. */
  advance(until: StopKey): StopKey {
    this.sim.advance(until);
    return this.sim.stopKey;
  }

  finish(endNs: number): GroupFinish {
    try {
      const end = this.sim.finish(endNs);
      const t = this.traffic;
      return {
        ...end,
        residentPages: this.sim.residentPages,
        flowArrivals: t.flowArrivals,
        flowQueue: t.flowQueue,
        napiCpu: t.napiCpu,
      };
    } finally {
      this.source.close();
    }
  }
}

/**
 * The groups one after another in this thread, merged as threads' would be:
 * the same result as the one-thread loop (a test of the merge without threads).
 */
export function simulateGroupsHere(
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  inputs: PreparedInputs,
  groups: readonly (readonly number[])[],
): SimulationOutcome {
  const chunks: { g: number; chunk: Float64Array; count: number }[] = [];
  const runs = groups.map(
    (queues, g) => new GroupRun(config, factory, inputs, queues, (chunk, count) => chunks.push({ g, chunk, count })),
  );
  const merge = new ResidentMerge(
    runs.map((r) => r.begin()),
    config.warmupPackets,
  );
  const loops = runs.map((r) => r.loop());
  let until = latestStop(loops.map((l) => l.stop));
  for (;;) {
    const next = latestStop(runs.map((r) => r.advance(until)));
    if (!stopsLater(next, until)) break;
    until = next;
  }
  for (const c of chunks) merge.push(c.g, c.chunk, c.count);
  for (let g = 0; g < groups.length; g++) merge.close(g);
  const ends = runs.map((r) => r.finish(until.t));
  return combineGroups(config, factory, groups, loops, ends, merge);
}
