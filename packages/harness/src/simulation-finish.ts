import type { RxQueue } from "@rxsim/core";
import { type CounterSnapshot, computeMetrics, takeSnapshot } from "./metrics.js";
import type { Metrics } from "./result.js";
import type { SimulationWorld } from "./simulation-world.js";

/** What the event loop accumulated, handed over when the last event ran. */
export interface LoopTotals {
  /** Simulated time of the last event. */
  readonly now: number;
  readonly stallNs: number;
  /** Integral of resident pages over time (page·ns). */
  readonly residentArea: number;
  /** Snapshot at the end of the warm-up, or null when fewer packets arrived than the warm-up. */
  readonly start: CounterSnapshot | null;
  /** Peak resident pages after the warm-up. */
  readonly peak: number;
  readonly warmupEndNs: number;
  readonly arrivedPackets: number;
  readonly arrivedBytes: number;
  /** When the queue first stalled, -1 for never. */
  readonly stallStartNs: number;
  readonly stalled: boolean;
  /** NAPI CPU time spent in polls (priced work plus driver.pollCostNs/packetCostNs). */
  readonly napiBusyNs: number;
}

/** A finished run's numbers. */
export interface FinishedRun {
  readonly metrics: Metrics;
  readonly strategyStats: Record<string, number>;
  readonly warmupEndNs: number;
}

/** Close the time series at the end of the run (unless a sample already fell there). */
export function closeSeries(world: SimulationWorld, now: number): void {
  const { series, pages, queue } = world;
  if (now > series.lastT || series.points === 0) {
    series.sample(
      now,
      pages.resident,
      queue.bufq.outstanding(),
      queue.skbs.live,
      pages.allocs,
      queue.counters.rx_no_buffer,
      queue.counters.rx_packets,
    );
  }
}

function violationLines(queue: RxQueue): string[] {
  const checker = queue.checker;
  if (!checker) return [];
  return checker
    .list()
    .slice(0, 5)
    .map((v) => `${v.kind}: ${v.message}`);
}

/**
 * After the last event: take the end snapshot, tear the queue down and let
 * the stack release what it still holds at each skb's own time, count leaks,
 * and compute the metrics.
 */
export function finishRun(world: SimulationWorld, t: LoopTotals): FinishedRun {
  const { queue, pages, clock, heap, misbehave } = world;
  const now = t.now;
  const end = takeSnapshot(
    queue,
    pages,
    now,
    t.stallNs,
    t.residentArea,
    misbehave ? misbehave.written : 0,
    t.napiBusyNs,
  );
  let { start, peak, warmupEndNs } = t;
  if (start === null) {
    // Fewer packets arrived than the warm-up: the measured part is empty.
    start = end;
    peak = pages.resident;
    warmupEndNs = now;
  }
  const strategyStats = queue.strategyStats();

  // Teardown: the device stops and the strategy frees what it holds. Pages the stack's skbs
  // still reference stay in flight (page_pool's stalled shutdown) until each skb's release time
  // comes; then leaks are counted.
  queue.teardown();
  const teardownInflightPages = pages.resident;
  let lastReleaseNs = now;
  // The stack's releases, in time order with the strategy's deferred work (page_pool's release
  // retry); a release wins a tie. With no skb left, the work runs once more and then stops.
  let workAt = queue.teardownWorkAt();
  while (heap.size > 0 || workAt !== Number.POSITIVE_INFINITY) {
    if (heap.size > 0 && heap.topTime() <= workAt) {
      lastReleaseNs = Math.max(lastReleaseNs, heap.topTime());
      clock.set(lastReleaseNs);
      queue.releaseSkb(heap.pop(), false);
    } else {
      clock.set(Math.max(clock.now(), workAt));
      queue.runTeardownWork();
      if (heap.size === 0) break;
    }
    workAt = queue.teardownWorkAt();
  }
  const leaked = queue.checkLeaks().length;
  const metrics = computeMetrics({
    start,
    end,
    pageSize: queue.config.pageSize,
    arrivedPackets: t.arrivedPackets,
    arrivedBytes: t.arrivedBytes,
    peakResidentPages: peak,
    peakResidentPagesRun: pages.peakResident,
    peakHeldSkbs: queue.skbs.peakLive,
    peakMappedPages: queue.dma.peakMappedPages,
    violations: queue.checker ? queue.checker.violations : 0,
    violationMessages: violationLines(queue),
    leakedPages: leaked,
    stallStartNs: t.stallStartNs < 0 ? null : t.stallStartNs,
    stalledAtEnd: t.stalled,
    teardownInflightPages,
    teardownInflightNs: lastReleaseNs - now,
  });
  return { metrics, strategyStats, warmupEndNs };
}
