import {
  COMPL_RX_ERROR,
  createHostPageBudget,
  type HostPageBudget,
  isQueueCannotStart,
  type RxStrategyFactory,
} from "@rxsim/core";
import { HOLD_IMMEDIATE } from "./hold-sampler.js";
import { LaneStack, LaneState } from "./host-lanes.js";
import { combineQueues } from "./host-metrics.js";
import { HostTraffic } from "./host-traffic.js";
import { type CounterSnapshot, takeSnapshot } from "./metrics.js";
import { notStartedOutcome } from "./not-started.js";
import type { PacketSource } from "./packet-source.js";
import { openSource, type PreparedInputs } from "./run-inputs.js";
import type { ScenarioConfig } from "./scenario-config.js";
import type { ProgressSpan, RunOptions, SimulationOutcome } from "./simulation.js";
import { closeSeries, type FinishedRun, finishRun } from "./simulation-finish.js";
import { createWorld, type SimulationWorld } from "./simulation-world.js";
import { formatTraceArrival } from "./trace.js";

const RX_ERROR = COMPL_RX_ERROR;
const IMMEDIATE = HOLD_IMMEDIATE;
const NAPI_IDLE = 0;
const NAPI_SCHEDULED = 1;
const NAPI_BUSY = 2;
const PROGRESS_EVERY = 65536;
const INF = Number.POSITIVE_INFINITY;

/**
 * One strategy on a host of `config.host.queues` RX queues: each queue its
 * own world (rings, NAPI, strategy instance from its own `factory.create`,
 * page table, clock, release heap), all page tables drawing from one
 * {@link HostPageBudget}. Used for more than one queue; one queue runs the
 * single-queue loop of `simulation.ts`, unchanged.
 */
export function simulateHost(
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  inputs: PreparedInputs,
  options: RunOptions,
  progress: ProgressSpan,
): SimulationOutcome {
  const source = openSource(config, inputs);
  try {
    const traffic = new HostTraffic(config, inputs.capture);
    let sim: HostSimulation;
    try {
      sim = new HostSimulation(config, factory, source, traffic, options, progress);
    } catch (e) {
      if (!isQueueCannotStart(e)) throw e;
      return notStartedOutcome(config, factory.name, factory.options, source, options, progress, e.message);
    }
    return sim.run();
  } finally {
    source.close();
  }
}

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
 */
class HostSimulation {
  private readonly worlds: SimulationWorld[] = [];
  private readonly stacks: LaneStack[] = [];
  private readonly budget: HostPageBudget;
  private readonly trackHolds: boolean;

  constructor(
    private readonly config: ScenarioConfig,
    private readonly factory: RxStrategyFactory,
    private readonly source: PacketSource,
    private readonly traffic: HostTraffic,
    private readonly options: RunOptions,
    private readonly progress: ProgressSpan,
  ) {
    this.budget = createHostPageBudget(config.memory.maxPages);
    this.trackHolds = !source.allImmediate || traffic.changesHolds;
    for (let q = 0; q < config.host.queues; q++) {
      const stack = new LaneStack(this.trackHolds, config.stack.batchIntervalNs);
      // The decision log records queue 0 (a log is one strategy instance's decisions).
      const log = q === 0 ? (options.decisionLog ?? null) : null;
      const world = createWorld(config, factory, stack, log, { queue: q, budget: this.budget });
      stack.world = world;
      this.worlds.push(world);
      this.stacks.push(stack);
    }
  }

  run(): SimulationOutcome {
    const { config, worlds, stacks, source, traffic, budget } = this;
    const n = worlds.length;
    const L = new LaneState(n);
    const record = this.options.recordTrace ?? null;
    const onProgress = this.options.onProgress;
    const progressTotal = this.progress.total > 0 ? this.progress.total : source.total;
    const budgetPerPoll = worlds[0].queue.config.budget;
    const { coalesceNs, pollCostNs, packetCostNs, starvationTimer: timerOn } = config.driver;
    const timerPeriodNs = config.driver.starvationTimerMs * 1e6;
    const timerThreshold = config.driver.starvationThreshold;
    const ooo = config.device.oooWindow > 1;
    const warmup = config.warmupPackets;
    const trackHolds = this.trackHolds;
    const { flowQueue, flowRemote, flowStuck, stuckHoldNs, napiCpu } = traffic;
    const cpuFreeAt = new Float64Array(Math.max(...napiCpu) + 1);
    const laneSeq = new Float64Array(n);

    let now = 0;
    let seq = 0;
    let active = 0;
    let hostPeak = 0;
    let start: CounterSnapshot[] | null = null;
    let warmupEndNs = 0;

    const flush = (q: number, t: number) => {
      const dt = t - L.lastT[q];
      if (dt > 0) {
        L.residentArea[q] += worlds[q].pages.resident * dt;
        if (L.stalled[q] === 1) L.stallNs[q] += dt;
        L.lastT[q] = t;
      }
    };
    const snapshots = (t: number) =>
      worlds.map((w, q) => {
        flush(q, t);
        return takeSnapshot(w.queue, w.pages, t, L.stallNs[q], L.residentArea[q], 0, L.napiBusyNs[q]);
      });
    const updateStall = (q: number, at: number) => {
      const b = worlds[q].queue.bufq;
      const s = L.napiState[q] === NAPI_IDLE && ((b.doorbellTail - b.hwHead) & b.mask) === 0;
      L.stalled[q] = s ? 1 : 0;
      if (s && L.stallStartNs[q] < 0) L.stallStartNs[q] = at;
    };
    const recompute = (q: number) => {
      const w = worlds[q];
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
    };
    const earliest = () => {
      let best = 0;
      for (let q = 1; q < n; q++) if (L.nextAt[q] < L.nextAt[best]) best = q;
      return best;
    };

    if (warmup === 0) start = snapshots(0);
    for (let q = 0; q < n; q++) {
      const w = worlds[q];
      w.queue.refill();
      if (timerOn && w.queue.bufq.availableToHardware() < timerThreshold) L.timerAt[q] = timerPeriodNs;
      L.peak[q] = w.pages.resident;
      updateStall(q, 0);
      recompute(q);
    }
    hostPeak = budget.resident;
    let minQ = earliest();
    let arrivalAt = source.next() ? source.timeNs : INF;

    for (;;) {
      if (arrivalAt === INF && active === 0) break;
      const t = L.nextAt[minQ];
      if (arrivalAt < t) {
        now = arrivalAt;
        if (seq === warmup && start === null) {
          start = snapshots(now);
          for (let q = 0; q < n; q++) L.peak[q] = worlds[q].pages.resident;
          hostPeak = budget.resident;
          warmupEndNs = now;
        }
        const flow = traffic.flowOf(source);
        const q = flowQueue[flow];
        const w = worlds[q];
        flush(q, now);
        w.clock.set(now);
        const size = source.size;
        const flags = source.flags;
        if (record !== null) record.line(formatTraceArrival(now, size, flags, source.holdNs));
        if (seq >= warmup) {
          L.arrivedPackets[q]++;
          L.arrivedBytes[q] += size;
        }
        const cookie = laneSeq[q]++;
        const raised = w.queue.deviceReceive(size, flags, cookie);
        if (raised && trackHolds && (flags & RX_ERROR) === 0) {
          let hold = source.holdNs;
          // A stuck reader holds every skb; a reader on another CPU releases at once, but remotely.
          if (flowStuck[flow] === 1) hold = stuckHoldNs;
          else if (flowRemote[flow] === 1 && hold === IMMEDIATE) hold = 0;
          w.holds.put(cookie, hold);
        }
        if (raised) {
          if (L.napiState[q] === NAPI_IDLE) {
            L.napiState[q] = NAPI_SCHEDULED;
            L.napiAt[q] = now + coalesceNs;
            active++;
            recompute(q);
            const m = L.nextAt[minQ];
            if (L.nextAt[q] < m || (L.nextAt[q] === m && q < minQ)) minQ = q;
          } else if (L.napiState[q] === NAPI_BUSY) {
            L.irqWhileBusy[q] = 1;
          }
        }
        updateStall(q, now);
        seq++;
        if ((seq & (PROGRESS_EVERY - 1)) === 0 && onProgress) onProgress(this.progress.base + seq, progressTotal);
        arrivalAt = source.next() ? source.timeNs : INF;
        continue;
      }

      const q = minQ;
      const w = worlds[q];
      const queue = w.queue;
      const bufq = queue.bufq;
      if (t > now) now = t;
      flush(q, now);
      w.clock.set(now);
      const ev = L.nextEv[q];
      if (ev === 2) {
        const cpu = napiCpu[q];
        if (L.napiState[q] === NAPI_SCHEDULED && cpuFreeAt[cpu] > now) {
          // Another queue's NAPI holds this CPU: the poll runs when it is done.
          L.napiAt[q] = cpuFreeAt[cpu];
        } else if (L.napiState[q] === NAPI_SCHEDULED) {
          stacks[q].now = now;
          if (ooo) queue.deviceFlush();
          const work = queue.poll(budgetPerPoll);
          if (!queue.hasCompletions()) w.holds.epoch++;
          if (timerOn && L.timerAt[q] === INF && bufq.availableToHardware() < timerThreshold) {
            L.timerAt[q] = now + timerPeriodNs;
          }
          const cost = pollCostNs + work * packetCostNs + queue.lastPollNs;
          L.napiBusyNs[q] += cost;
          if (cost > 0) cpuFreeAt[cpu] = now + cost;
          if (work >= budgetPerPoll) {
            L.napiAt[q] = now + cost;
          } else if (cost > 0) {
            L.napiState[q] = NAPI_BUSY;
            L.napiAt[q] = now + cost;
            L.irqWhileBusy[q] = 0;
          } else {
            L.napiState[q] = NAPI_IDLE;
            L.napiAt[q] = INF;
            active--;
          }
        } else if (L.irqWhileBusy[q] === 1 || queue.hasCompletions()) {
          L.napiState[q] = NAPI_SCHEDULED;
          L.napiAt[q] = now + coalesceNs;
        } else {
          L.napiState[q] = NAPI_IDLE;
          L.napiAt[q] = INF;
          active--;
        }
      } else if (ev === 3) {
        const heap = w.heap;
        while (heap.size > 0 && heap.topTime() <= now) queue.releaseSkb(heap.pop(), false);
      } else if (ev === 1) {
        L.timerAt[q] = INF;
        if (L.napiState[q] === NAPI_IDLE && bufq.availableToHardware() < timerThreshold) {
          L.napiState[q] = NAPI_SCHEDULED;
          L.napiAt[q] = now;
          active++;
        }
      } else {
        const p = w.pages;
        const c = queue.counters;
        w.series.sample(now, p.resident, bufq.outstanding(), queue.skbs.live, p.allocs, c.rx_no_buffer, c.rx_packets);
      }
      if (w.pages.resident > L.peak[q]) L.peak[q] = w.pages.resident;
      if (budget.resident > hostPeak) hostPeak = budget.resident;
      updateStall(q, now);
      recompute(q);
      minQ = earliest();
    }

    for (let q = 0; q < n; q++) flush(q, now);
    if (onProgress) onProgress(this.progress.base + seq, progressTotal);
    const finished: FinishedRun[] = worlds.map((w, q) => {
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
    const result = combineQueues(this.factory, finished, worlds, {
      hostPeak: start === null ? budget.resident : hostPeak,
      hostPeakRun: budget.peakResident,
      napiCpu,
      flowQueue,
      flowArrivals: traffic.flowArrivals,
    });
    return { result, warmupEndNs: finished[0].warmupEndNs, arrivals: seq };
  }
}
