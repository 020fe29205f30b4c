import { COMPL_RX_ERROR, type ManualClock, type PageTable, type RxQueue, type RxStrategyFactory } from "@rxsim/core";
import type { HoldTable } from "./hold-table.js";
import { LaneStack } from "./host-lanes.js";
import { type CounterSnapshot, takeSnapshot } from "./metrics.js";
import type { MisbehavingDevice } from "./misbehaving-device.js";
import { type NapiSettings, napiSettings } from "./napi-settings.js";
import type { PacketSource } from "./packet-source.js";
import type { ReleaseHeap } from "./release-heap.js";
import type { ProgressSpan, RunOptions, SimulationOutcome } from "./run-options.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { closeSeries, finishRun } from "./simulation-finish.js";
import { createWorld } from "./simulation-world.js";
import type { TimeSeriesRecorder } from "./time-series.js";
import { formatTraceArrival, type TraceSink } from "./trace.js";

// Imported bindings copied to module constants for the hot loop: under a module
// runner such as vitest's, every read of an imported binding is a getter call.
const RX_ERROR = COMPL_RX_ERROR;

const INF = Number.POSITIVE_INFINITY;
const NAPI_IDLE = 0;
const NAPI_SCHEDULED = 1;
const NAPI_BUSY = 2;
const PROGRESS_EVERY = 65536;

/**
 * The discrete-event loop. Events are kept as a handful of "next time"
 * scalars (arrival, NAPI, starvation timer, time-series sample) plus a
 * typed-array heap of stack releases; nothing is allocated per packet.
 * At equal times: sample, then releases, then NAPI, then the timer, then the arrival.
 *
 * The loop's state lives in fields and each event is one call of {@link step}
 * (a run of arrivals one call of {@link arrivals}): V8 optimizes a function
 * that is called often as soon as it is hot, and again right after a deopt,
 * whereas one long-running loop waits for on-stack replacement, which on
 * Node 20 can leave a whole run in unoptimized code.
 */
export class Simulation {
  private readonly config: ScenarioConfig;
  private readonly factory: RxStrategyFactory;
  private readonly source: PacketSource;
  private readonly options: RunOptions;
  private readonly progress: ProgressSpan;
  private readonly clock: ManualClock;
  private readonly pages: PageTable;
  private readonly queue: RxQueue;
  private readonly bufq: RxQueue["bufq"];
  private readonly heap: ReleaseHeap;
  private readonly world: ReturnType<typeof createWorld>;
  private readonly holds: HoldTable;
  private readonly series: TimeSeriesRecorder;
  /** The misbehaving device, or null for a well-behaved one (the usual case: no cost). */
  private readonly misbehave: MisbehavingDevice | null;
  private readonly record: TraceSink | null;
  private readonly onProgress: ((done: number, total: number) => void) | undefined;
  private readonly progressTotal: number;
  /** False when every hold is immediate: the stack then needs no per-packet lookup. */
  private readonly trackHolds: boolean;
  /** Where polls deliver skbs: released at once or at their hold's end. */
  private readonly stack: LaneStack;
  private readonly budget: number;
  /** NAPI timing and warm-up, from the config. */
  private readonly napi: NapiSettings;

  // ---- the loop's state ----
  private now = 0;
  private napiState = NAPI_IDLE;
  private napiAt = INF;
  private irqWhileBusy = false;
  private timerAt = INF;
  private stalled = false;
  private stallNs = 0;
  /** When the queue first stalled (-1: never), whole run. */
  private stallStartNs = -1;
  /** Integral of resident pages over time (page·ns). */
  private residentArea = 0;
  private peak = 0;
  private arrivedPackets = 0;
  private arrivedBytes = 0;
  /** Arrivals simulated so far, warm-up included (the device's cookie of the next one). */
  private seq = 0;
  private start: CounterSnapshot | null = null;
  private warmupEndNs = 0;
  /** NAPI CPU time spent in polls (priced work plus driver.pollCostNs/packetCostNs). */
  private napiBusyNs = 0;
  private arrivalAt = INF;

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
    this.trackHolds = !source.allImmediate;
    // The stack is the host loop's LaneStack too: RxQueue.poll's call to deliver then sees one
    // class whether a process runs one queue or many (two would make it polymorphic for both).
    this.stack = new LaneStack(this.trackHolds, config.stack.batchIntervalNs);
    const world = createWorld(config, factory, this.stack, options.decisionLog ?? null);
    this.stack.world = world;
    this.clock = world.clock;
    this.pages = world.pages;
    this.queue = world.queue;
    this.bufq = world.queue.bufq;
    this.heap = world.heap;
    this.holds = world.holds;
    this.series = world.series;
    this.misbehave = world.misbehave;
    this.world = world;
    this.record = options.recordTrace ?? null;
    this.onProgress = options.onProgress;
    this.progressTotal = progress.total > 0 ? progress.total : source.total;
    this.budget = world.queue.config.budget;
    this.napi = napiSettings(config);
  }

  run(): SimulationOutcome {
    const queue = this.queue;
    const pages = this.pages;
    const bufq = this.bufq;
    if (this.napi.warmup === 0) this.start = takeSnapshot(queue, pages, 0, 0, 0, 0, 0);
    queue.refill();
    if (this.napi.timerOn && bufq.availableToHardware() < this.napi.timerThreshold)
      this.timerAt = this.napi.timerPeriodNs;
    this.peak = pages.resident;
    // A first refill that posted too little to ring the doorbell leaves the device with nothing from t = 0.
    this.stalled = ((bufq.doorbellTail - bufq.hwHead) & bufq.mask) === 0;
    if (this.stalled) this.stallStartNs = 0;
    this.arrivalAt = this.source.next() ? this.source.timeNs : INF;

    while (this.step()) {}

    const now = this.now;
    const series = this.series;
    const heap = this.heap;
    const holds = this.holds;
    closeSeries(this.world, now);
    if (this.onProgress) this.onProgress(this.progress.base + this.seq, this.progressTotal);
    const done = finishRun(this.world, {
      now,
      stallNs: this.stallNs,
      residentArea: this.residentArea,
      start: this.start,
      peak: this.peak,
      warmupEndNs: this.warmupEndNs,
      arrivedPackets: this.arrivedPackets,
      arrivedBytes: this.arrivedBytes,
      stallStartNs: this.stallStartNs,
      stalled: this.stalled,
      napiBusyNs: this.napiBusyNs,
    });
    this.options.inspect?.({
      releaseHeapCapacity: heap.capacity,
      holdTableCapacity: holds.capacity,
      timeSeriesCapacity: series.capacity,
      skbTableCapacity: queue.skbs.capacity,
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
      arrivals: this.seq,
    };
  }

  /** Run the next event (or the run of arrivals before it). Returns false when nothing is left. */
  private step(): boolean {
    if (this.arrivalAt === INF && this.napiState === NAPI_IDLE) return false;
    const queue = this.queue;
    const bufq = this.bufq;
    const heap = this.heap;
    const series = this.series;
    const now = this.now;
    // The earliest event other than an arrival; later checks win ties, giving the documented order.
    let t = this.timerAt;
    let ev = 1;
    if (this.napiAt <= t) {
      t = this.napiAt;
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

    if (this.arrivalAt < t) {
      this.arrivals(t);
      return true;
    }

    if (t > now) {
      const dt = t - now;
      this.residentArea += this.pages.resident * dt;
      if (this.stalled) this.stallNs += dt;
      this.now = t;
      this.clock.set(t);
    }
    // The event runs at the current time (an event already due keeps the time it is run at).
    const cur = this.now;

    if (ev === 2) this.napiEvent(cur);
    else if (ev === 3) {
      while (heap.size > 0 && heap.topTime() <= cur) queue.releaseSkb(heap.pop(), false);
    } else if (ev === 1) {
      // The starvation timer: re-schedule NAPI so a failed refill is retried.
      this.timerAt = INF;
      if (this.napiState === NAPI_IDLE && bufq.availableToHardware() < this.napi.timerThreshold) {
        this.napiState = NAPI_SCHEDULED;
        this.napiAt = cur;
      }
    } else {
      const counters = queue.counters;
      series.sample(
        cur,
        this.pages.resident,
        bufq.outstanding(),
        queue.skbs.live,
        this.pages.allocs,
        counters.rx_no_buffer,
        counters.rx_packets,
      );
    }
    if (this.pages.resident > this.peak) this.peak = this.pages.resident;
    this.stalled = this.napiState === NAPI_IDLE && ((bufq.doorbellTail - bufq.hwHead) & bufq.mask) === 0;
    if (this.stalled && this.stallStartNs < 0) this.stallStartNs = cur;
    return true;
  }

  /** NAPI's event at `now`: a scheduled poll runs, or a poll's CPU time ends. */
  private napiEvent(now: number): void {
    const queue = this.queue;
    if (this.napiState === NAPI_SCHEDULED) {
      // gve_rx_poll_dqo: up to budget packets, then one refill.
      if (this.napi.ooo) queue.deviceFlush();
      const budget = this.budget;
      this.stack.now = now;
      const work = queue.poll(budget);
      if (!queue.hasCompletions()) this.holds.epoch++;
      if (this.napi.timerOn && this.timerAt === INF && this.bufq.availableToHardware() < this.napi.timerThreshold) {
        this.timerAt = now + this.napi.timerPeriodNs;
      }
      // With a cost profile the poll takes the priced time of its work, refill included.
      const cost = this.napi.pollCostNs + work * this.napi.packetCostNs + queue.lastPollNs;
      this.napiBusyNs += cost;
      if (work >= budget) {
        // Budget exhausted: NAPI stays scheduled and polls again.
        this.napiAt = now + cost;
      } else if (cost > 0) {
        this.napiState = NAPI_BUSY;
        this.napiAt = now + cost;
        this.irqWhileBusy = false;
      } else {
        this.napiState = NAPI_IDLE;
        this.napiAt = INF;
      }
    } else if (this.irqWhileBusy || queue.hasCompletions()) {
      // The poll's CPU time is over: napi_complete_done re-arms the interrupt.
      this.napiState = NAPI_SCHEDULED;
      this.napiAt = now + this.napi.coalesceNs;
    } else {
      this.napiState = NAPI_IDLE;
      this.napiAt = INF;
    }
  }

  /**
   * The arrivals before `t`, the next other event. Between them only the
   * device moves: resident pages cannot change, and neither can the stall
   * state (a received packet schedules NAPI; a dropped one means the device
   * already had no buffer). Nothing reads the simulated clock meanwhile, so it
   * is set once, to the last arrival.
   */
  private arrivals(t: number): void {
    const queue = this.queue;
    const source = this.source;
    const holds = this.holds;
    const record = this.record;
    const misbehave = this.misbehave;
    const trackHolds = this.trackHolds;
    const warmup = this.napi.warmup;
    const onProgress = this.onProgress;
    const resident = this.pages.resident;
    const stalledNow = this.stalled;
    let now = this.now;
    let arrivalAt = this.arrivalAt;
    let residentArea = this.residentArea;
    let stallNs = this.stallNs;
    let seq = this.seq;
    let arrivedPackets = this.arrivedPackets;
    let arrivedBytes = this.arrivedBytes;
    let napiState = this.napiState;
    do {
      const dt = arrivalAt - now;
      residentArea += resident * dt;
      if (stalledNow) stallNs += dt;
      now = arrivalAt;
      if (seq === warmup && this.start === null) this.endWarmup(now, stallNs, residentArea, resident);
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
          const at = now + this.napi.coalesceNs;
          this.napiAt = at;
          if (at <= t) t = at;
        } else if (napiState === NAPI_BUSY) {
          this.irqWhileBusy = true;
        }
      }
      seq++;
      if ((seq & (PROGRESS_EVERY - 1)) === 0 && onProgress) onProgress(this.progress.base + seq, this.progressTotal);
      arrivalAt = source.next() ? source.timeNs : INF;
    } while (arrivalAt < t);
    this.now = now;
    this.clock.set(now);
    this.arrivalAt = arrivalAt;
    this.residentArea = residentArea;
    this.stallNs = stallNs;
    this.seq = seq;
    this.arrivedPackets = arrivedPackets;
    this.arrivedBytes = arrivedBytes;
    this.napiState = napiState;
    const bufq = this.bufq;
    this.stalled = napiState === NAPI_IDLE && ((bufq.doorbellTail - bufq.hwHead) & bufq.mask) === 0;
    if (this.stalled && this.stallStartNs < 0) this.stallStartNs = now;
  }

  /** The warm-up ends at the arrival at `now`: snapshot the counters the metrics start from. */
  private endWarmup(now: number, stallNs: number, residentArea: number, resident: number): void {
    this.now = now;
    this.start = takeSnapshot(
      this.queue,
      this.pages,
      now,
      stallNs,
      residentArea,
      this.misbehave ? this.misbehave.written : 0,
      this.napiBusyNs,
    );
    this.peak = resident;
    this.warmupEndNs = now;
  }
}
