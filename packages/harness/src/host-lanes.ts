import type { StackSink } from "@rxsim/core";
import { HOLD_BATCHED, HOLD_IMMEDIATE } from "./hold-sampler.js";
import type { SimulationWorld } from "./simulation-world.js";

/**
 * The stack side of one queue of a multi-queue host: receives the skbs its
 * NAPI poll builds and releases them now (inside the poll, NAPI context) or
 * schedules their release on the queue's own heap. A flow read on another CPU
 * has its immediate holds turned into a release at the same instant from that
 * CPU (hold 0: process context, remote) before it gets here.
 */
export class LaneStack implements StackSink {
  /** The simulated time of the poll running now (set by the loop). */
  now = 0;
  world!: SimulationWorld;
  private readonly trackHolds: boolean;
  private readonly batchIntervalNs: number;

  constructor(trackHolds: boolean, batchIntervalNs: number) {
    this.trackHolds = trackHolds;
    this.batchIntervalNs = batchIntervalNs;
  }

  deliver(skb: number, cookie: number): void {
    const w = this.world;
    if (!this.trackHolds || cookie < 0) {
      w.queue.releaseSkb(skb, true);
      return;
    }
    const hold = w.holds.take(cookie);
    if (hold === HOLD_IMMEDIATE) {
      w.queue.releaseSkb(skb, true);
      return;
    }
    const at =
      hold === HOLD_BATCHED ? Math.ceil(this.now / this.batchIntervalNs) * this.batchIntervalNs : this.now + hold;
    w.heap.push(at, skb);
  }
}

/**
 * Per-queue scalars of the event loop, in typed arrays indexed by queue (no
 * object per queue on the hot path).
 */
export class LaneState {
  readonly napiState: Uint8Array;
  readonly napiAt: Float64Array;
  readonly irqWhileBusy: Uint8Array;
  readonly timerAt: Float64Array;
  readonly stalled: Uint8Array;
  readonly stallNs: Float64Array;
  readonly stallStartNs: Float64Array;
  readonly residentArea: Float64Array;
  /** Time up to which `residentArea` and `stallNs` are accounted. */
  readonly lastT: Float64Array;
  readonly napiBusyNs: Float64Array;
  readonly peak: Float64Array;
  readonly arrivedPackets: Float64Array;
  readonly arrivedBytes: Float64Array;
  /** Each queue's next non-arrival event time, and which (1 timer, 2 NAPI, 3 release, 4 sample). */
  readonly nextAt: Float64Array;
  readonly nextEv: Uint8Array;

  constructor(n: number) {
    this.napiState = new Uint8Array(n);
    this.napiAt = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.irqWhileBusy = new Uint8Array(n);
    this.timerAt = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.stalled = new Uint8Array(n);
    this.stallNs = new Float64Array(n);
    this.stallStartNs = new Float64Array(n).fill(-1);
    this.residentArea = new Float64Array(n);
    this.lastT = new Float64Array(n);
    this.napiBusyNs = new Float64Array(n);
    this.peak = new Float64Array(n);
    this.arrivedPackets = new Float64Array(n);
    this.arrivedBytes = new Float64Array(n);
    this.nextAt = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.nextEv = new Uint8Array(n);
  }
}

/** Which host queue each lane of a loop simulates, its NAPI's CPU, and each flow's lane (-1: another group's queue). */
export interface LaneMap {
  readonly laneQueue: Int32Array;
  readonly laneCpu: Int32Array;
  readonly flowLane: Int32Array;
}

/** The lanes of a loop over `members` (null: all `queues` queues, lane = queue). */
export function laneMap(
  members: readonly number[] | null,
  queues: number,
  traffic: { readonly napiCpu: Int32Array; readonly flowQueue: Int32Array },
): LaneMap {
  const laneQueue = members === null ? Int32Array.from({ length: queues }, (_, q) => q) : Int32Array.from(members);
  const laneCpu = new Int32Array(laneQueue.length);
  const laneOfQueue = new Int32Array(queues).fill(-1);
  laneQueue.forEach((q, lane) => {
    laneOfQueue[q] = lane;
    laneCpu[lane] = traffic.napiCpu[q];
  });
  return { laneQueue, laneCpu, flowLane: traffic.flowQueue.map((q) => laneOfQueue[q]) };
}
