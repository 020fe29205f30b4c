import { COST_OPERATIONS, type CostOperation, type RxStrategyFactory } from "@rxsim/core";
import type { LaneState } from "./host-lanes.js";
import { type CounterSnapshot, ratios } from "./metrics.js";
import type { Metrics, QueueImbalance, QueueResult, StrategyResult } from "./result.js";
import { closeSeries, type FinishedRun, finishRun } from "./simulation-finish.js";
import type { SimulationWorld } from "./simulation-world.js";
import type { TimeSeries } from "./time-series.js";

/** Host-wide numbers only the loop knows. */
export interface HostTotals {
  /** Most pages the host held at once in the measured part (all queues together, after every event). */
  readonly hostPeak: number;
  /** Most pages the host held at once over the whole run (exact, from the shared budget). */
  readonly hostPeakRun: number;
  readonly napiCpu: Int32Array;
  readonly flowQueue: Int32Array;
  readonly flowArrivals: Float64Array;
}

/** Sum of one field over the queues. */
function sum(list: readonly Metrics[], pick: (m: Metrics) => number): number {
  let s = 0;
  for (const m of list) s += pick(m);
  return s;
}

/** max / mean of `values` (1 when they are all 0). */
export function imbalance(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return mean > 0 ? Math.max(...values) / mean : 1;
}

/**
 * The host's metrics from its queues': counts add up; the peaks of resident
 * pages are the host's own (all queues at one instant), not a sum of peaks;
 * ratios are recomputed from the sums. Times that are per queue add up too:
 * `stallNs` is queue·ns (its fraction is the mean share of queues stalled) and
 * `napiBusyNs` is CPU·ns (its utilisation counts CPUs' worth).
 */
export function totalMetrics(list: readonly Metrics[], t: HostTotals, pageSize: number): Metrics {
  const first = list[0];
  const durationNs = first.durationNs;
  const delivered = sum(list, (m) => m.packetsDelivered);
  const arrived = sum(list, (m) => m.packetsArrived);
  const counts = {
    pageAllocs: sum(list, (m) => m.pageAllocs),
    pageFrees: sum(list, (m) => m.pageFrees),
    allocFailures: sum(list, (m) => m.allocFailures),
    atomicOps: sum(list, (m) => m.atomicOps),
    refReads: sum(list, (m) => m.refReads),
    buffersPosted: sum(list, (m) => m.buffersPosted),
    dmaMaps: sum(list, (m) => m.dmaMaps),
    dmaUnmaps: sum(list, (m) => m.dmaUnmaps),
    dmaSyncs: sum(list, (m) => m.dmaSyncs),
  };
  const cpuNs = sum(list, (m) => m.cpuNs);
  const byOp = {} as Record<CostOperation, number | null>;
  for (const op of COST_OPERATIONS) {
    const ns = sum(list, (m) => (m.cpuNsPerPacketByOp[op] ?? 0) * m.packetsDelivered);
    byOp[op] = delivered > 0 ? ns / delivered : null;
  }
  const stallNs = sum(list, (m) => m.stallNs);
  const napiBusyNs = sum(list, (m) => m.napiBusyNs);
  const meanResidentPages = sum(list, (m) => m.meanResidentPages);
  const starts = list.map((m) => m.stallStartNs).filter((s): s is number => s !== null);
  return {
    durationNs,
    packetsArrived: arrived,
    bytesArrived: sum(list, (m) => m.bytesArrived),
    packetsDelivered: delivered,
    bytesDelivered: sum(list, (m) => m.bytesDelivered),
    packetsDropped: sum(list, (m) => m.packetsDropped),
    packetsDroppedRxError: sum(list, (m) => m.packetsDroppedRxError),
    packetsDroppedSkbAlloc: sum(list, (m) => m.packetsDroppedSkbAlloc),
    invalidBufIds: sum(list, (m) => m.invalidBufIds),
    bogusCompletions: sum(list, (m) => m.bogusCompletions),
    copybreakPackets: sum(list, (m) => m.copybreakPackets),
    ...counts,
    peakResidentPages: t.hostPeak,
    peakResidentBytes: t.hostPeak * pageSize,
    meanResidentPages,
    meanResidentBytes: meanResidentPages * pageSize,
    peakResidentPagesRun: t.hostPeakRun,
    peakHeldSkbs: sum(list, (m) => m.peakHeldSkbs),
    peakMappedPages: sum(list, (m) => m.peakMappedPages),
    refills: sum(list, (m) => m.refills),
    polls: sum(list, (m) => m.polls),
    doorbells: sum(list, (m) => m.doorbells),
    chainedSkbs: sum(list, (m) => m.chainedSkbs),
    stallNs,
    stallFraction: durationNs > 0 ? stallNs / (durationNs * list.length) : 0,
    stallStartNs: starts.length > 0 ? Math.min(...starts) : null,
    stalledAtEnd: list.some((m) => m.stalledAtEnd),
    violations: sum(list, (m) => m.violations),
    violationMessages: list.flatMap((m, q) => m.violationMessages.map((v) => `queue ${q}: ${v}`)).slice(0, 5),
    leakedPages: sum(list, (m) => m.leakedPages),
    teardownInflightPages: sum(list, (m) => m.teardownInflightPages),
    teardownInflightNs: Math.max(...list.map((m) => m.teardownInflightNs)),
    cpuNs,
    cpuNsPerPacket: delivered > 0 ? cpuNs / delivered : null,
    cpuNsPerPacketByOp: byOp,
    napiBusyNs,
    napiUtilisation: durationNs > 0 ? napiBusyNs / durationNs : 0,
    perDeliveredPacket: ratios(counts, delivered, 1),
    per1000Packets: ratios(counts, arrived, 1000),
  };
}

/** The host's time series: every queue's columns summed point by point (the queues sample at the same instants). */
function totalSeries(series: readonly TimeSeries[]): TimeSeries {
  const first = series[0];
  const add = (pick: (s: TimeSeries) => number[]) =>
    pick(first).map((_, i) => series.reduce((acc, s) => acc + (pick(s)[i] ?? 0), 0));
  return {
    intervalNs: first.intervalNs,
    points: first.points,
    tNs: first.tNs,
    residentPages: add((s) => s.residentPages),
    postedBuffers: add((s) => s.postedBuffers),
    heldSkbs: add((s) => s.heldSkbs),
    allocsPerSec: add((s) => s.allocsPerSec),
    dropsPerSec: add((s) => s.dropsPerSec),
    deliveredPerSec: add((s) => s.deliveredPerSec),
  };
}

/** What a run's queues leave when it is over: each queue's metrics and time series, in queue order. */
export interface GroupEnd {
  readonly finished: FinishedRun[];
  readonly series: TimeSeries[];
}

/** One strategy's result on a multi-queue host: the totals, each queue, and the imbalance. */
export function combineQueues(
  factory: RxStrategyFactory,
  finished: readonly FinishedRun[],
  series: readonly TimeSeries[],
  pageSize: number,
  t: HostTotals,
): StrategyResult {
  const metrics = finished.map((f) => f.metrics);
  const flowsPerQueue = new Array<number>(finished.length).fill(0);
  for (let f = 0; f < t.flowQueue.length; f++) if (t.flowArrivals[f] > 0) flowsPerQueue[t.flowQueue[f]]++;
  const queues: QueueResult[] = finished.map((f, q) => ({
    queue: q,
    napiCpu: t.napiCpu[q],
    flows: flowsPerQueue[q],
    metrics: f.metrics,
    strategyStats: f.strategyStats,
    residentPages: series[q].residentPages,
  }));
  const stats: Record<string, number> = {};
  for (const f of finished) for (const [k, v] of Object.entries(f.strategyStats)) stats[k] = (stats[k] ?? 0) + v;
  const balance: QueueImbalance = {
    packets: imbalance(metrics.map((m) => m.packetsArrived)),
    residentPages: imbalance(metrics.map((m) => m.meanResidentPages)),
  };
  return {
    strategy: factory.name,
    options: factory.options,
    metrics: totalMetrics(metrics, t, pageSize),
    strategyStats: stats,
    timeSeries: totalSeries(series),
    queues,
    imbalance: balance,
  };
}

/**
 * After the last event: each queue's series closed, its teardown run and its
 * metrics taken, as one queue's are (`finishRun`), at the run's end.
 */
export function finishQueues(
  worlds: readonly SimulationWorld[],
  L: LaneState,
  now: number,
  start: readonly CounterSnapshot[] | null,
  warmupEndNs: number,
): FinishedRun[] {
  return worlds.map((w, q) => {
    // Each queue's clock stands at its own last event: bring it to the end of the run, as one queue's is.
    w.clock.set(now);
    closeSeries(w, now);
    return finishRun(w, {
      now,
      stallNs: L.stallNs[q],
      residentArea: L.residentArea[q],
      start: start === null ? null : start[q],
      peak: L.peak[q],
      warmupEndNs,
      arrivedPackets: L.arrivedPackets[q],
      arrivedBytes: L.arrivedBytes[q],
      stallStartNs: L.stallStartNs[q],
      stalled: L.stalled[q] === 1,
      napiBusyNs: L.napiBusyNs[q],
    });
  });
}
