import {
  COMPL_RX_ERROR,
  createHostPageBudget,
  type HostPageBudget,
  type RxQueue,
  type RxStrategyFactory,
} from "@rxsim/core";
import { HOLD_IMMEDIATE } from "./hold-sampler.js";
import { LaneStack, LaneState, laneMap } from "./host-lanes.js";
import { combineQueues, finishQueues, type GroupEnd } from "./host-metrics.js";
import type { HostTraffic } from "./host-traffic.js";
import { type CounterSnapshot, takeSnapshot } from "./metrics.js";
import { type NapiSettings, napiSettings } from "./napi-settings.js";
import type { PacketSource } from "./packet-source.js";
import type { QueueGroup, ResidentRecorder } from "./resident-records.js";
import type { ProgressSpan, RunOptions, SimulationOutcome } from "./run-options.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { createWorld, type SimulationWorld } from "./simulation-world.js";
import type { StopKey } from "./stop-key.js";
import { formatTraceArrival, type TraceSink } from "./trace.js";

const RX_ERROR = COMPL_RX_ERROR;
const IMMEDIATE = HOLD_IMMEDIATE;
const NAPI_IDLE = 0;
const NAPI_SCHEDULED = 1;
const NAPI_BUSY = 2;
const PROGRESS_EVERY = 65536;
const INF = Number.POSITIVE_INFINITY;

/**
 * The multi-queue event loop: the single-queue loop's events (arrival, NAPI
 * poll and its CPU time, starvation timer, stack release, sample) per queue,
 * in one simulated time. Each queue's next event is kept in a typed array;
 * the earliest is found by a scan after each non-arrival event (an arrival
 * can only bring its own queue's NAPI earlier). Ties: lower queue first, and
 * within a queue the single-queue order (sample, releases, NAPI, timer), all
 * before an arrival at the same time. NAPI instances that share a CPU run one
 * at a time (`net_rx_action` polls them in turn): a poll due while its CPU is
 * busy waits for it.
 *
 * As in `simulation.ts`, the loop's state lives in fields and each event is
 * one call of {@link step} (a run of arrivals one call of {@link arrivals}),
 * so V8 optimizes them as soon as they are hot instead of waiting for
 * on-stack replacement of one long loop.
 */
export class HostSimulation {
  private readonly worlds: SimulationWorld[] = [];
  private readonly stacks: LaneStack[] = [];
  private readonly queues: RxQueue[] = [];
  private readonly budget: HostPageBudget;
  private readonly trackHolds: boolean;
  private readonly n: number;
  /** The host's queue number of each lane (lane = index into this loop's arrays). */
  private readonly laneQueue: Int32Array;
  /** The lane of each flow, -1 for a flow of a queue another group simulates. */
  private readonly flowLane: Int32Array;
  /** CPU of each lane's NAPI. */
  private readonly laneCpu: Int32Array;
  /** Set when this loop is one group of a host spread over threads: the host's resident pages, event by event. */
  private readonly recorder: ResidentRecorder | null;
  private readonly L: LaneState;
  private readonly cpuFreeAt: Float64Array;
  /** Each queue's own packet numbers: the device's cookies, dense per queue for its hold table. */
  private readonly laneSeq: Float64Array;
  private readonly record: TraceSink | null;
  private readonly onProgress: ((done: number, total: number) => void) | undefined;
  private readonly progressTotal: number;
  private readonly budgetPerPoll: number;
  /** NAPI timing and warm-up, from the config. */
  private readonly napi: NapiSettings;

  // ---- the loop's state ----
  private now = 0;
  private seq = 0;
  /** Queues whose NAPI is not idle. */
  private active = 0;
  private hostPeak = 0;
  private start: CounterSnapshot[] | null = null;
  private warmupEndNs = 0;
  /** The queue with the earliest next event. */
  private minQ = 0;
  private arrivalAt = INF;
  /** The last event run (time, queue; queue -1 for an arrival): where a group's loop stopped. */
  private lastT = 0;
  private lastQ = -1;

  constructor(
    private readonly config: ScenarioConfig,
    private readonly factory: RxStrategyFactory,
    private readonly source: PacketSource,
    private readonly traffic: HostTraffic,
    options: RunOptions,
    private readonly progress: ProgressSpan,
    group: QueueGroup | null = null,
  ) {
    this.budget = createHostPageBudget(config.memory.maxPages);
    this.trackHolds = !source.allImmediate || traffic.changesHolds;
    this.recorder = group === null ? null : group.recorder;
    const lanes = laneMap(group === null ? null : group.queues, config.host.queues, traffic);
    this.laneQueue = lanes.laneQueue;
    this.laneCpu = lanes.laneCpu;
    this.flowLane = lanes.flowLane;
    for (const q of lanes.laneQueue) {
      const stack = new LaneStack(this.trackHolds, config.stack.batchIntervalNs);
      // The decision log records queue 0 (a log is one strategy instance's decisions).
      const log = q === 0 ? (options.decisionLog ?? null) : null;
      const world = createWorld(config, factory, stack, log, { queue: q, budget: this.budget });
      stack.world = world;
      this.worlds.push(world);
      this.stacks.push(stack);
      this.queues.push(world.queue);
    }
    this.n = this.worlds.length;
    this.L = new LaneState(this.n);
    this.cpuFreeAt = new Float64Array(Math.max(...traffic.napiCpu) + 1);
    this.laneSeq = new Float64Array(this.n);
    this.record = options.recordTrace ?? null;
    this.onProgress = options.onProgress;
    this.progressTotal = progress.total > 0 ? progress.total : source.total;
    this.budgetPerPoll = this.queues[0].config.budget;
    this.napi = napiSettings(config);
  }

  run(): SimulationOutcome {
    this.begin();
    this.loop();
    const end = this.finish(this.now);
    const t = this.traffic;
    const result = combineQueues(this.factory, end.finished, end.series, this.worlds[0].pages.pageSize, {
      hostPeak: this.start === null ? this.budget.resident : this.hostPeak,
      hostPeakRun: this.budget.peakResident,
      napiCpu: t.napiCpu,
      flowQueue: t.flowQueue,
      flowArrivals: t.flowArrivals,
    });
    return { result, warmupEndNs: end.finished[0].warmupEndNs, arrivals: this.seq };
  }

  /** Post every queue's first buffers and find the first events. */
  begin(): void {
    const { worlds, L, n, budget } = this;
    if (this.napi.warmup === 0) this.start = this.snapshots(0);
    for (let q = 0; q < n; q++) {
      const w = worlds[q];
      w.queue.refill();
      if (this.napi.timerOn && w.queue.bufq.availableToHardware() < this.napi.timerThreshold)
        L.timerAt[q] = this.napi.timerPeriodNs;
      L.peak[q] = w.pages.resident;
      this.updateStall(q, 0);
      this.recompute(q);
    }
    this.hostPeak = budget.resident;
    this.minQ = this.earliest();
    this.arrivalAt = this.source.next() ? this.source.timeNs : INF;
  }

  /** Run every event and arrival. */
  loop(): void {
    while (this.step()) {}
    if (this.recorder !== null) this.recorder.flush();
  }

  /**
   * Where this loop stopped: its last event (time, host queue number) or, when
   * that was an arrival, the arrival (queue -1). The one-thread loop stops at
   * the latest of its groups' stops, in event order.
   */
  get stopKey(): StopKey {
    return { t: this.lastT, queue: this.lastQ };
  }

  /**
   * A group's events before `until` (the host's stop so far), run as the
   * one-thread loop would have run them while other groups' queues were still
   * busy; a NAPI that one of them wakes (a starvation timer) runs until it is
   * idle again, which may carry this group past `until`.
   */
  advance(until: StopKey): void {
    const L = this.L;
    for (;;) {
      const q = this.minQ;
      const t = L.nextAt[q];
      if (this.active === 0 && !(t < until.t || (t === until.t && this.laneQueue[q] < until.queue))) break;
      this.event(q, t);
    }
    if (this.recorder !== null) this.recorder.flush();
  }

  /** Arrivals so far (of every queue, this group's or not). */
  get arrivalCount(): number {
    return this.seq;
  }

  /** True once the warm-up has ended (counters are measured from there). */
  get measuring(): boolean {
    return this.start !== null;
  }

  /** Pages the host (or this group of queues) holds now. */
  get residentPages(): number {
    return this.budget.resident;
  }

  /**
   * Close the run at `now` (the host's last event, which may be another
   * group's): each queue's accounting brought to `now`, its series closed, its
   * teardown run and its metrics taken.
   */
  finish(now: number): GroupEnd {
    const { worlds, n } = this;
    this.now = now;
    for (let q = 0; q < n; q++) this.flush(q, now);
    if (this.onProgress) this.onProgress(this.progress.base + this.seq, this.progressTotal);
    const finished = finishQueues(worlds, this.L, now, this.start, this.warmupEndNs);
    return { finished, series: worlds.map((w) => w.series.toJSON()) };
  }

  /** Run the next event (or the run of arrivals before it). Returns false when nothing is left. */
  private step(): boolean {
    if (this.arrivalAt === INF && this.active === 0) return false;
    const q = this.minQ;
    const t = this.L.nextAt[q];
    if (this.arrivalAt < t) this.arrivals(t);
    else this.event(q, t);
    return true;
  }

  /** Account queue `q`'s resident pages and stall time up to `t`. */
  private flush(q: number, t: number): void {
    const L = this.L;
    const dt = t - L.lastT[q];
    if (dt > 0) {
      L.residentArea[q] += this.worlds[q].pages.resident * dt;
      if (L.stalled[q] === 1) L.stallNs[q] += dt;
      L.lastT[q] = t;
    }
  }

  private snapshots(t: number): CounterSnapshot[] {
    const L = this.L;
    return this.worlds.map((w, q) => {
      this.flush(q, t);
      return takeSnapshot(w.queue, w.pages, t, L.stallNs[q], L.residentArea[q], 0, L.napiBusyNs[q]);
    });
  }

  /** A queue is stalled when its NAPI is idle and the device sees no buffer. */
  private updateStall(q: number, at: number): void {
    const L = this.L;
    const b = this.queues[q].bufq;
    const s = L.napiState[q] === NAPI_IDLE && ((b.doorbellTail - b.hwHead) & b.mask) === 0;
    L.stalled[q] = s ? 1 : 0;
    if (s && L.stallStartNs[q] < 0) L.stallStartNs[q] = at;
  }

  /** Queue `q`'s next event other than an arrival; later checks win ties, giving the documented order. */
  private recompute(q: number): void {
    const L = this.L;
    const w = this.worlds[q];
    let t = L.timerAt[q];
    let ev = 1;
    if (L.napiAt[q] <= t) {
      t = L.napiAt[q];
      ev = 2;
    }
    const rel = w.heap.size > 0 ? w.heap.topTime() : INF;
    if (rel <= t) {
      t = rel;
      ev = 3;
    }
    if (w.series.nextAt <= t) {
      t = w.series.nextAt;
      ev = 4;
    }
    L.nextAt[q] = t;
    L.nextEv[q] = ev;
  }

  private earliest(): number {
    const next = this.L.nextAt;
    let best = 0;
    for (let q = 1; q < this.n; q++) if (next[q] < next[best]) best = q;
    return best;
  }

  /**
   * The arrivals before `t`, the next other event. Each goes to its flow's
   * queue; one that schedules that queue's NAPI earlier than `t` ends the run
   * of arrivals there. Nothing reads a queue's clock while its device
   * receives, so clocks are set by events only.
   */
  private arrivals(t: number): void {
    const { L, queues, worlds, source, traffic, record, trackHolds } = this;
    const warmup = this.napi.warmup;
    const { flowRemote, flowStuck, stuckHoldNs } = traffic;
    const flowLane = this.flowLane;
    const laneSeq = this.laneSeq;
    let arrivalAt = this.arrivalAt;
    let seq = this.seq;
    let now = this.now;
    do {
      now = arrivalAt;
      if (seq === warmup && this.start === null) this.endWarmup(now);
      const flow = traffic.flowOf(source);
      const q = flowLane[flow];
      if (q < 0) {
        // Another group's queue: that group simulates it; here it only advances the stream.
        seq++;
        if ((seq & (PROGRESS_EVERY - 1)) === 0) this.arrivalMark(seq);
        arrivalAt = source.next() ? source.timeNs : INF;
        continue;
      }
      const size = source.size;
      const flags = source.flags;
      if (record !== null) record.line(formatTraceArrival(now, size, flags, source.holdNs));
      if (seq >= warmup) {
        L.arrivedPackets[q]++;
        L.arrivedBytes[q] += size;
      }
      const cookie = laneSeq[q]++;
      const raised = queues[q].deviceReceive(size, flags, cookie);
      if (raised && trackHolds && (flags & RX_ERROR) === 0) {
        let hold = source.holdNs;
        // A stuck reader holds every skb; a reader on another CPU releases at once, but remotely.
        if (flowStuck[flow] === 1) hold = stuckHoldNs;
        else if (flowRemote[flow] === 1 && hold === IMMEDIATE) hold = 0;
        worlds[q].holds.put(cookie, hold);
      }
      if (raised) {
        if (L.napiState[q] === NAPI_IDLE) {
          // The first completion after idle raises the interrupt; the poll runs after coalescing.
          // Only this ends a stall (an arrival never changes resident pages): account the time before it.
          this.flush(q, now);
          L.napiState[q] = NAPI_SCHEDULED;
          L.napiAt[q] = now + this.napi.coalesceNs;
          this.active++;
          L.stalled[q] = 0;
          this.recompute(q);
          const m = L.nextAt[this.minQ];
          if (L.nextAt[q] < m || (L.nextAt[q] === m && q < this.minQ)) this.minQ = q;
          if (L.nextAt[q] < t) t = L.nextAt[q];
        } else if (L.napiState[q] === NAPI_BUSY) {
          L.irqWhileBusy[q] = 1;
        }
      } else if (L.napiState[q] === NAPI_IDLE && L.stalled[q] === 0) {
        // A dropped packet that took the last visible buffers leaves an idle queue stalled.
        const b = queues[q].bufq;
        if (((b.doorbellTail - b.hwHead) & b.mask) === 0) {
          this.flush(q, now);
          this.updateStall(q, now);
        }
      }
      seq++;
      if ((seq & (PROGRESS_EVERY - 1)) === 0) this.arrivalMark(seq);
      arrivalAt = source.next() ? source.timeNs : INF;
    } while (arrivalAt < t);
    this.now = now;
    this.seq = seq;
    this.arrivalAt = arrivalAt;
    this.lastT = now;
    this.lastQ = -1;
  }

  /** Every PROGRESS_EVERY arrivals: report progress; a group also sends what it recorded. */
  private arrivalMark(seq: number): void {
    if (this.onProgress) this.onProgress(this.progress.base + seq, this.progressTotal);
    if (this.recorder !== null) this.recorder.flush();
  }

  /** The warm-up ends at the arrival at `now`: snapshot every queue's counters. */
  private endWarmup(now: number): void {
    this.start = this.snapshots(now);
    for (let q = 0; q < this.n; q++) this.L.peak[q] = this.worlds[q].pages.resident;
    this.hostPeak = this.budget.resident;
    this.warmupEndNs = now;
  }

  /** Queue `q`'s next event, at `t`. */
  private event(q: number, t: number): void {
    const L = this.L;
    const w = this.worlds[q];
    const queue = this.queues[q];
    const bufq = queue.bufq;
    if (t > this.now) this.now = t;
    const now = this.now;
    this.lastT = t;
    this.lastQ = this.laneQueue[q];
    this.flush(q, now);
    w.clock.set(now);
    const budget = this.budget;
    const before = budget.resident;
    // A group records its pages event by event; the host's peak is merged from every group's.
    if (this.recorder !== null) budget.peakResident = before;
    const ev = L.nextEv[q];
    if (ev === 2) this.napiEvent(q, now);
    else if (ev === 3) {
      const heap = w.heap;
      while (heap.size > 0 && heap.topTime() <= now) queue.releaseSkb(heap.pop(), false);
    } else if (ev === 1) {
      // The starvation timer: re-schedule NAPI so a failed refill is retried.
      L.timerAt[q] = INF;
      if (L.napiState[q] === NAPI_IDLE && bufq.availableToHardware() < this.napi.timerThreshold) {
        L.napiState[q] = NAPI_SCHEDULED;
        L.napiAt[q] = now;
        this.active++;
      }
    } else {
      const p = w.pages;
      const c = queue.counters;
      w.series.sample(now, p.resident, bufq.outstanding(), queue.skbs.live, p.allocs, c.rx_no_buffer, c.rx_packets);
    }
    if (w.pages.resident > L.peak[q]) L.peak[q] = w.pages.resident;
    if (budget.resident > this.hostPeak) this.hostPeak = budget.resident;
    if (this.recorder !== null && (budget.resident !== before || budget.peakResident !== before)) {
      this.recorder.event(this.seq, now, this.laneQueue[q], budget.peakResident, budget.resident);
    }
    this.updateStall(q, now);
    this.recompute(q);
    this.minQ = this.earliest();
  }

  /** Queue `q`'s NAPI at `now`: a scheduled poll runs (when its CPU is free), or a poll's CPU time ends. */
  private napiEvent(q: number, now: number): void {
    const L = this.L;
    const queue = this.queues[q];
    const cpu = this.laneCpu[q];
    if (L.napiState[q] === NAPI_SCHEDULED) {
      if (this.cpuFreeAt[cpu] > now) {
        // Another queue's NAPI holds this CPU: the poll runs when it is done.
        L.napiAt[q] = this.cpuFreeAt[cpu];
        return;
      }
      // gve_rx_poll_dqo: up to budget packets, then one refill.
      this.stacks[q].now = now;
      if (this.napi.ooo) queue.deviceFlush();
      const budget = this.budgetPerPoll;
      const work = queue.poll(budget);
      if (!queue.hasCompletions()) this.worlds[q].holds.epoch++;
      if (this.napi.timerOn && L.timerAt[q] === INF && queue.bufq.availableToHardware() < this.napi.timerThreshold) {
        L.timerAt[q] = now + this.napi.timerPeriodNs;
      }
      // With a cost profile the poll takes the priced time of its work, refill included.
      const cost = this.napi.pollCostNs + work * this.napi.packetCostNs + queue.lastPollNs;
      L.napiBusyNs[q] += cost;
      if (cost > 0) this.cpuFreeAt[cpu] = now + cost;
      if (work >= budget) {
        // Budget exhausted: NAPI stays scheduled and polls again.
        L.napiAt[q] = now + cost;
      } else if (cost > 0) {
        L.napiState[q] = NAPI_BUSY;
        L.napiAt[q] = now + cost;
        L.irqWhileBusy[q] = 0;
      } else {
        L.napiState[q] = NAPI_IDLE;
        L.napiAt[q] = INF;
        this.active--;
      }
    } else if (L.irqWhileBusy[q] === 1 || queue.hasCompletions()) {
      // The poll's CPU time is over: napi_complete_done re-arms the interrupt.
      L.napiState[q] = NAPI_SCHEDULED;
      L.napiAt[q] = now + this.napi.coalesceNs;
    } else {
      L.napiState[q] = NAPI_IDLE;
      L.napiAt[q] = INF;
      this.active--;
    }
  }
}
