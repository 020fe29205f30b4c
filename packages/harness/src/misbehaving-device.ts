import { COMPL_EOP, COMPL_GENERATION, createRng, type Rng, type RxQueue } from "@rxsim/core";
import { RNG_STREAMS } from "./rng-streams.js";
import type { MisbehaveConfig } from "./scenario-config.js";

/** Buffer id of an out-of-range completion: one more than a 16-bit `buf_id` field can hold. */
export const OUT_OF_RANGE_BUF_ID = 0x10000;
/** Bytes a bogus completion claims (out-of-range and not-allocated ones; a duplicate copies its original). */
const BOGUS_BYTES = 1500;
/** Cookie of every bogus completion: negative, never a packet's sequence number. */
export const BOGUS_COOKIE = -1;

const EOP = COMPL_EOP;
const GEN = COMPL_GENERATION;

/**
 * A device that writes bogus completions besides the real ones
 * (`device.misbehave`): an out-of-range buffer id, a state that is not
 * allocated, or a packet's last completion twice. The driver must reject each
 * (`gve_rx_dqo` returns `-EINVAL`, `gve_rx_poll_dqo` counts
 * `rx_desc_err_dropped_pkt`).
 *
 * Each arriving packet draws its coins from the `device-misbehave` stream,
 * whatever happens to it, so every strategy sees the same draws. A bogus
 * completion is written only when the driver can still tell it is bogus when
 * it reads it: fewer than `budget` packets are ahead of it in the completion
 * ring, so the next poll reads it before its refill could post that id again
 * (after that, a real driver cannot tell a stale completion from a real one,
 * and neither could the simulation); and the ring has room for it beside the
 * completion of every buffer the device can fill before that poll.
 */
export class MisbehavingDevice {
  /** Bogus completions written so far. */
  written = 0;
  private readonly rng: Rng;
  private readonly outOfRangeRate: number;
  private readonly notAllocatedRate: number;
  private readonly duplicateRate: number;
  private readonly budget: number;
  private queue: RxQueue | null = null;
  // End-of-packet completions in the ring ahead of the next write: an upper bound on the packets a
  // poll counts against its budget before it reaches it.
  private eopAhead = 0;
  /** Ring slots the device may still fill with bogus completions before the next poll. */
  private room = 0;

  constructor(config: MisbehaveConfig, seed: number, budget: number) {
    this.rng = createRng(seed, RNG_STREAMS.misbehave);
    this.outOfRangeRate = config.outOfRangeRate;
    this.notAllocatedRate = config.notAllocatedRate;
    this.duplicateRate = config.duplicateRate;
    this.budget = budget;
  }

  /** True when any rate is set. */
  static isOn(config: MisbehaveConfig): boolean {
    return config.outOfRangeRate > 0 || config.notAllocatedRate > 0 || config.duplicateRate > 0;
  }

  /** The queue whose completion ring the device writes. */
  attach(queue: RxQueue): void {
    this.queue = queue;
  }

  /** The completion ring's write position, taken before a packet arrives. */
  mark(): number {
    const cq = (this.queue as RxQueue).complq;
    return cq.tail * 2 + cq.devGenBit;
  }

  /**
   * After a packet arrived (received or dropped): draw this packet's coins and
   * write the bogus completions they call for. `mark` is {@link mark} from
   * before the arrival. Returns true when anything was written (the interrupt fires).
   */
  afterArrival(mark: number): boolean {
    const rng = this.rng;
    // Every coin is drawn on every arrival, in a fixed order, so the stream never depends on the strategy.
    const duplicate = this.duplicateRate > 0 && rng.nextFloat() < this.duplicateRate;
    const notAllocated = this.notAllocatedRate > 0 && rng.nextFloat() < this.notAllocatedRate;
    const pick = this.notAllocatedRate > 0 ? rng.nextFloat() : 0;
    const outOfRange = this.outOfRangeRate > 0 && rng.nextFloat() < this.outOfRangeRate;
    if (!duplicate && !notAllocated && !outOfRange) return false;
    const queue = this.queue as RxQueue;
    const cq = queue.complq;
    this.scanRing();
    const before = this.written;
    // The duplicate first: it follows the completion the device just wrote for this packet.
    if (duplicate && this.mark() !== mark && this.canWrite()) {
      const last = (cq.tail - 1) & cq.mask;
      this.write(cq.bufId[last], cq.packetLen[last], cq.flags[last] & ~GEN);
    }
    if (notAllocated && this.canWrite()) {
      const id = this.pickNotOutstanding(pick);
      if (id >= 0) this.write(id, BOGUS_BYTES, EOP);
    }
    if (outOfRange && this.canWrite()) {
      this.write(Math.max(OUT_OF_RANGE_BUF_ID, queue.largestPostedId + 1), BOGUS_BYTES, EOP);
    }
    return this.written > before;
  }

  /**
   * An id the strategy does not have outstanding, at most one past the largest
   * it ever posted (a strategy with one id per ring slot keeps every id it used
   * outstanding between polls), scanning from `u × (largest id + 2)`.
   */
  private pickNotOutstanding(u: number): number {
    const queue = this.queue as RxQueue;
    const n = queue.largestPostedId + 2;
    const start = Math.floor(u * n);
    for (let k = 0; k < n; k++) {
      const id = (start + k) % n;
      if (!queue.isOutstanding(id)) return id;
    }
    return -1;
  }

  private scanRing(): void {
    const queue = this.queue as RxQueue;
    const cq = queue.complq;
    let n = (cq.tail - cq.head) & cq.mask;
    if (n === 0 && cq.hasNext()) n = cq.slots;
    let eop = 0;
    let bogus = 0;
    for (let k = 0, i = cq.head; k < n; k++, i = (i + 1) & cq.mask) {
      if ((cq.flags[i] & EOP) !== 0) eop++;
      if (cq.cookie[i] < 0) bogus++;
    }
    this.eopAhead = eop;
    // Until the next poll the device can write a completion for every buffer behind the last
    // doorbell that the driver has not consumed yet (posts happen only in a poll's refill).
    const bufq = queue.bufq;
    this.room = cq.slots - bogus - ((bufq.doorbellTail - bufq.head) & bufq.mask);
  }

  /** The ring has room, and the next poll reads the completion before it refills. */
  private canWrite(): boolean {
    return this.room > 0 && this.eopAhead < this.budget;
  }

  /** Write one bogus completion; each ends a packet (a duplicate copies a packet's last one). */
  private write(bufId: number, bytes: number, flags: number): void {
    (this.queue as RxQueue).deviceWriteRawCompletion(bufId, bytes, flags, BOGUS_COOKIE);
    this.written++;
    this.room--;
    this.eopAhead++;
  }
}
