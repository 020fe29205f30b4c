import {
  COMPL_RX_ERROR,
  type DecisionLogSink,
  isQueueCannotStart,
  type ManualClock,
  type PageTable,
  type RxQueue,
  type RxStrategyFactory,
  type StackSink,
} from "@rxsim/core";
import { HOLD_BATCHED, HOLD_IMMEDIATE } from "./hold-sampler.js";
import type { HoldTable } from "./hold-table.js";
import { simulateHost } from "./host-simulation.js";
import { type CounterSnapshot, takeSnapshot } from "./metrics.js";
import type { MisbehavingDevice } from "./misbehaving-device.js";
import { notStartedOutcome } from "./not-started.js";
import type { PacketSource } from "./packet-source.js";
import type { ReleaseHeap } from "./release-heap.js";
import type { StrategyResult } from "./result.js";
import { openSource, type PreparedInputs } from "./run-inputs.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { closeSeries, finishRun } from "./simulation-finish.js";
import { createWorld } from "./simulation-world.js";
import type { TimeSeriesRecorder } from "./time-series.js";
import { formatTraceArrival, type TraceSink } from "./trace.js";
import type { TrafficFiles } from "./traffic-files.js";

// Imported bindings copied to module constants for the hot loop: under a module
// runner such as vitest's, every read of an imported binding is a getter call.
const RX_ERROR = COMPL_RX_ERROR;
const IMMEDIATE = HOLD_IMMEDIATE;
const BATCHED = HOLD_BATCHED;

/** Options of {@link runStrategy} (and, per run, of `runComparison`). */
export interface RunOptions {
  /** Told how many arrivals were simulated so far, of how many (every 65,536 arrivals and at the end). */
  onProgress?(done: number, total: number): void;
  /** Record the run's inputs to this trace sink (see `createTraceWriter`). */
  recordTrace?: TraceSink;
  /** Write the strategy's decision log here: a header line, then the queue's log lines. */
  decisionLog?: DecisionLogSink;
  /** How capture and trace traffic files are read (default: from disk; none in the browser entry). */
  files?: TrafficFiles;
  /** Diagnostics: called after the run with the sizes of the harness's internal arrays. */
  inspect?(internals: RunInternals): void;
}

/** Internal array sizes after a run: they must depend on the scenario, never on the number of packets. */
export interface RunInternals {
  /** Slots of the pending-release heap. */
  readonly releaseHeapCapacity: number;
  /** Slots of the in-flight hold table. */
  readonly holdTableCapacity: number;
  /** Slots of the time-series arrays. */
  readonly timeSeriesCapacity: number;
  /** Records of core's skb table (grows with skbs held at once). */
  readonly skbTableCapacity: number;
  /** The queue after teardown (for deeper inspection in tests). */
  readonly queue: RxQueue;
  /** The page table. */
  readonly pages: PageTable;
}

const NAPI_IDLE = 0;
const NAPI_SCHEDULED = 1;
const NAPI_BUSY = 2;
const PROGRESS_EVERY = 65536;

/** Progress reporting across the strategies of one comparison. */
export interface ProgressSpan {
  /** Arrivals simulated by earlier strategies. */
  readonly base: number;
  /** Arrivals in the whole comparison (0: use this run's own total). */
  readonly total: number;
}

/** One strategy's run and the warm-up boundary it saw. */
export interface SimulationOutcome {
  readonly result: StrategyResult;
  readonly warmupEndNs: number;
  /** Arrivals simulated, warm-up included. */
  readonly arrivals: number;
}

/**
 * One strategy in its own fresh world: its own clock, page table, queue and
 * packet source, all seeded from `config.seed`. `config` must be validated.
 */
export function simulate(
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  inputs: PreparedInputs,
  options: RunOptions = {},
  progress: ProgressSpan = { base: 0, total: 0 },
): SimulationOutcome {
  // Several queues share one host (host-simulation.ts); one queue is this file's loop, as before.
  if (config.host.queues > 1) return simulateHost(config, factory, inputs, options, progress);
  const source = openSource(config, inputs);
  try {
    let simulation: Simulation;
    try {
      simulation = new Simulation(config, factory, source, options, progress);
    } catch (e) {
      if (!isQueueCannotStart(e)) throw e;
      return notStartedOutcome(config, factory.name, factory.options, source, options, progress, e.message);
    }
    return simulation.run();
  } finally {
    source.close();
  }
}

/**
 * The discrete-event loop. Events are kept as a handful of "next time"
 * scalars (arrival, NAPI, starvation timer, time-series sample) plus a
 * typed-array heap of stack releases; nothing is allocated per packet.
 * At equal times: sample, then releases, then NAPI, then the timer, then the arrival.
 */
class Simulation implements StackSink {
  private readonly config: ScenarioConfig;
  private readonly factory: RxStrategyFactory;
  private readonly source: PacketSource;
  private readonly options: RunOptions;
  private readonly progress: ProgressSpan;
  private readonly clock: ManualClock;
  private readonly pages: PageTable;
  private readonly queue: RxQueue;
  private readonly heap: ReleaseHeap;
  private readonly world: ReturnType<typeof createWorld>;
  private readonly holds: HoldTable;
  private readonly series: TimeSeriesRecorder;
  /** The misbehaving device, or null for a well-behaved one (the usual case: no cost). */
  private readonly misbehave: MisbehavingDevice | null;
  private readonly batchIntervalNs: number;
  private readonly trackHolds: boolean;
  private now = 0;

  constructor(
    config: ScenarioConfig,
    factory: RxStrategyFactory,
    source: PacketSource,
    options: RunOptions,
    progress: ProgressSpan,
  ) {
    this.config = config;
    this.factory = factory;
    this.source = source;
    this.options = options;
    this.progress = progress;
    this.batchIntervalNs = config.stack.batchIntervalNs;
    this.trackHolds = !source.allImmediate;
    const world = createWorld(config, factory, this, options.decisionLog ?? null);
    this.clock = world.clock;
    this.pages = world.pages;
    this.queue = world.queue;
    this.heap = world.heap;
    this.holds = world.holds;
    this.series = world.series;
    this.misbehave = world.misbehave;
    this.world = world;
  }

  /** The stack receives an skb (called by `RxQueue.poll`): release it now or schedule its release. */
  deliver(skb: number, cookie: number): void {
    // A negative cookie marks a bogus completion a broken strategy accepted: it has no hold.
    if (!this.trackHolds || cookie < 0) {
      this.queue.releaseSkb(skb, true);
      return;
    }
    const hold = this.holds.take(cookie);
    if (hold === IMMEDIATE) {
      this.queue.releaseSkb(skb, true);
      return;
    }
    const at = hold === BATCHED ? Math.ceil(this.now / this.batchIntervalNs) * this.batchIntervalNs : this.now + hold;
    this.heap.push(at, skb);
  }

  run(): SimulationOutcome {
    const config = this.config;
    const queue = this.queue;
    const pages = this.pages;
    const clock = this.clock;
    const heap = this.heap;
    const holds = this.holds;
    const series = this.series;
    const source = this.source;
    const bufq = queue.bufq;
    const counters = queue.counters;
    const record = this.options.recordTrace ?? null;
    const onProgress = this.options.onProgress;
    const progressTotal = this.progress.total > 0 ? this.progress.total : source.total;
    const budget = queue.config.budget;
    const coalesceNs = config.driver.coalesceNs;
    const pollCostNs = config.driver.pollCostNs;
    const packetCostNs = config.driver.packetCostNs;
    const timerOn = config.driver.starvationTimer;
    const timerPeriodNs = config.driver.starvationTimerMs * 1e6;
    const timerThreshold = config.driver.starvationThreshold;
    const ooo = config.device.oooWindow > 1;
    const warmup = config.warmupPackets;
    // With every hold immediate, the stack needs no per-packet lookup.
    const trackHolds = this.trackHolds;
    const misbehave = this.misbehave;
    const INF = Number.POSITIVE_INFINITY;

    let now = 0;
    let napiState = NAPI_IDLE;
    let napiAt = INF;
    let irqWhileBusy = false;
    let timerAt = INF;
    let stalled = false;
    let stallNs = 0;
    // When the queue first stalled (-1: never), whole run.
    let stallStartNs = -1;
    let residentArea = 0;
    let peak = 0;
    let arrivedPackets = 0;
    let arrivedBytes = 0;
    let seq = 0;
    let start: CounterSnapshot | null = null;
    let warmupEndNs = 0;

    // No closure may capture these mutable locals: a captured double is boxed on every write.
    // NAPI CPU time spent in polls (priced work plus driver.pollCostNs/packetCostNs).
    let napiBusyNs = 0;
    if (warmup === 0) start = takeSnapshot(queue, pages, now, stallNs, residentArea, 0, 0);
    queue.refill();
    if (timerOn && bufq.availableToHardware() < timerThreshold) timerAt = now + timerPeriodNs;
    peak = pages.resident;
    // A first refill that posted too little to ring the doorbell leaves the device with nothing from t = 0.
    stalled = ((bufq.doorbellTail - bufq.hwHead) & bufq.mask) === 0;
    if (stalled) stallStartNs = 0;
    let arrivalAt = source.next() ? source.timeNs : INF;

    for (;;) {
      if (arrivalAt === INF && napiState === NAPI_IDLE) break;
      // The earliest event other than an arrival; later checks win ties, giving the documented order.
      let t = timerAt;
      let ev = 1;
      if (napiAt <= t) {
        t = napiAt;
        ev = 2;
      }
      const releaseAt = heap.size > 0 ? heap.topTime() : INF;
      if (releaseAt <= t) {
        t = releaseAt;
        ev = 3;
      }
      if (series.nextAt <= t) {
        t = series.nextAt;
        ev = 4;
      }

      if (arrivalAt < t) {
        // A run of arrivals before the next other event. Between them only the
        // device moves: resident pages cannot change, and neither can the stall
        // state (a received packet schedules NAPI; a dropped one means the
        // device already had no buffer).
        const resident = pages.resident;
        const stalledNow = stalled;
        do {
          const dt = arrivalAt - now;
          residentArea += resident * dt;
          if (stalledNow) stallNs += dt;
          now = arrivalAt;
          clock.set(now);
          if (seq === warmup && start === null) {
            this.now = now;
            start = takeSnapshot(
              queue,
              pages,
              now,
              stallNs,
              residentArea,
              misbehave ? misbehave.written : 0,
              napiBusyNs,
            );
            peak = resident;
            warmupEndNs = now;
          }
          const size = source.size;
          const flags = source.flags;
          if (record !== null) record.line(formatTraceArrival(now, size, flags, source.holdNs));
          if (seq >= warmup) {
            arrivedPackets++;
            arrivedBytes += size;
          }
          const mark = misbehave !== null ? misbehave.mark() : 0;
          let raised = queue.deviceReceive(size, flags, seq);
          // An rx_error packet never reaches the stack.
          if (raised && trackHolds && (flags & RX_ERROR) === 0) holds.put(seq, source.holdNs);
          // Bogus completions raise the interrupt too; the coins are drawn for every arrival.
          if (misbehave?.afterArrival(mark)) raised = true;
          if (raised) {
            if (napiState === NAPI_IDLE) {
              // The first completion after idle raises the interrupt; the poll runs after coalescing.
              napiState = NAPI_SCHEDULED;
              napiAt = now + coalesceNs;
              if (napiAt <= t) t = napiAt;
            } else if (napiState === NAPI_BUSY) {
              irqWhileBusy = true;
            }
          }
          seq++;
          if ((seq & (PROGRESS_EVERY - 1)) === 0 && onProgress) onProgress(this.progress.base + seq, progressTotal);
          arrivalAt = source.next() ? source.timeNs : INF;
        } while (arrivalAt < t);
        this.now = now;
        stalled = napiState === NAPI_IDLE && ((bufq.doorbellTail - bufq.hwHead) & bufq.mask) === 0;
        if (stalled && stallStartNs < 0) stallStartNs = now;
        continue;
      }

      if (t > now) {
        const dt = t - now;
        residentArea += pages.resident * dt;
        if (stalled) stallNs += dt;
        now = t;
        this.now = t;
        clock.set(t);
      }

      if (ev === 2) {
        if (napiState === NAPI_SCHEDULED) {
          // gve_rx_poll_dqo: up to budget packets, then one refill.
          if (ooo) queue.deviceFlush();
          const work = queue.poll(budget);
          if (!queue.hasCompletions()) holds.epoch++;
          if (timerOn && timerAt === INF && bufq.availableToHardware() < timerThreshold) timerAt = now + timerPeriodNs;
          // With a cost profile the poll takes the priced time of its work, refill included.
          const cost = pollCostNs + work * packetCostNs + queue.lastPollNs;
          napiBusyNs += cost;
          if (work >= budget) {
            // Budget exhausted: NAPI stays scheduled and polls again.
            napiAt = now + cost;
          } else if (cost > 0) {
            napiState = NAPI_BUSY;
            napiAt = now + cost;
            irqWhileBusy = false;
          } else {
            napiState = NAPI_IDLE;
            napiAt = INF;
          }
        } else {
          // The poll's CPU time is over: napi_complete_done re-arms the interrupt.
          if (irqWhileBusy || queue.hasCompletions()) {
            napiState = NAPI_SCHEDULED;
            napiAt = now + coalesceNs;
          } else {
            napiState = NAPI_IDLE;
            napiAt = INF;
          }
        }
      } else if (ev === 3) {
        while (heap.size > 0 && heap.topTime() <= now) queue.releaseSkb(heap.pop(), false);
      } else if (ev === 1) {
        // The starvation timer: re-schedule NAPI so a failed refill is retried.
        timerAt = INF;
        if (napiState === NAPI_IDLE && bufq.availableToHardware() < timerThreshold) {
          napiState = NAPI_SCHEDULED;
          napiAt = now;
        }
      } else {
        series.sample(
          now,
          pages.resident,
          bufq.outstanding(),
          queue.skbs.live,
          pages.allocs,
          counters.rx_no_buffer,
          counters.rx_packets,
        );
      }
      if (pages.resident > peak) peak = pages.resident;
      stalled = napiState === NAPI_IDLE && ((bufq.doorbellTail - bufq.hwHead) & bufq.mask) === 0;
      if (stalled && stallStartNs < 0) stallStartNs = now;
    }

    closeSeries(this.world, now);
    if (onProgress) onProgress(this.progress.base + seq, progressTotal);
    const done = finishRun(this.world, {
      now,
      stallNs,
      residentArea,
      start,
      peak,
      warmupEndNs,
      arrivedPackets,
      arrivedBytes,
      stallStartNs,
      stalled,
      napiBusyNs,
    });
    this.options.inspect?.({
      releaseHeapCapacity: heap.capacity,
      holdTableCapacity: holds.capacity,
      timeSeriesCapacity: series.capacity,
      skbTableCapacity: queue.skbs.fragHead.length,
      queue,
      pages,
    });
    return {
      result: {
        strategy: this.factory.name,
        options: this.factory.options,
        metrics: done.metrics,
        strategyStats: done.strategyStats,
        timeSeries: series.toJSON(),
      },
      warmupEndNs: done.warmupEndNs,
      arrivals: seq,
    };
  }
}
