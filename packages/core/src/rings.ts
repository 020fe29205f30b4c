import { COMPL_GENERATION } from "./descriptors.js";

/** Module constant: imported bindings can be getters under a module runner. */
const GEN = COMPL_GENERATION;

/** `GVE_RX_BUF_THRESH_DQO`: the driver writes the doorbell every 32 posted buffers. */
export const DEFAULT_DOORBELL_THRESHOLD = 32;

function assertPowerOfTwo(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0 || n > 1 << 20) {
    throw new RangeError(`${name} must be a power of two between 2 and 1048576, got ${n}`);
  }
}

/**
 * The buffer queue (bufq): a ring of posted buffer descriptors.
 *
 * The driver writes at `tail`. Its own `head` advances once per completion it
 * consumes, as `gve_rx_poll_dqo` does, so `(tail - head) & mask` is the number
 * of buffers outstanding and one slot always stays empty. The device sees only
 * what the last doorbell exposed and reads from `hwHead`.
 */
export class BufferQueue {
  readonly slots: number;
  readonly mask: number;
  readonly doorbellThreshold: number;
  readonly bufId: Int32Array;
  readonly page: Int32Array;
  readonly offset: Int32Array;
  readonly len: Int32Array;
  /** Driver's next slot to fill. */
  tail = 0;
  /** Driver's view of the oldest outstanding slot (advanced per completion). */
  head = 0;
  /** Device's next slot to read. */
  hwHead = 0;
  /** Tail value last written to the doorbell: the device sees slots up to here. */
  doorbellTail = 0;
  /** Doorbell writes so far. */
  doorbells = 0;

  constructor(slots: number, doorbellThreshold = DEFAULT_DOORBELL_THRESHOLD) {
    assertPowerOfTwo("bufq slots", slots);
    const t = doorbellThreshold;
    if (!Number.isInteger(t) || t < 1 || (t & (t - 1)) !== 0 || t > slots) {
      throw new RangeError(`doorbell threshold must be a power of two between 1 and ${slots}, got ${t}`);
    }
    this.slots = slots;
    this.mask = slots - 1;
    this.doorbellThreshold = doorbellThreshold;
    this.bufId = new Int32Array(slots);
    this.page = new Int32Array(slots);
    this.offset = new Int32Array(slots);
    this.len = new Int32Array(slots);
  }

  /** Slots the driver may still fill: `mask - full`. */
  freeSlots(): number {
    return this.mask - ((this.tail - this.head) & this.mask);
  }

  /** Buffers posted and not yet completed. */
  outstanding(): number {
    return (this.tail - this.head) & this.mask;
  }

  /** Write one descriptor at the tail; rings the doorbell on every threshold boundary. */
  write(bufId: number, page: number, offset: number, len: number): void {
    const t = this.tail;
    this.bufId[t] = bufId;
    this.page[t] = page;
    this.offset[t] = offset;
    this.len[t] = len;
    this.tail = (t + 1) & this.mask;
    if ((this.tail & (this.doorbellThreshold - 1)) === 0) {
      this.doorbellTail = this.tail;
      this.doorbells++;
    }
  }

  /** Buffers the device can see and has not taken yet. */
  visibleToDevice(): number {
    return (this.doorbellTail - this.hwHead) & this.mask;
  }

  /**
   * Buffers visible to the hardware as the driver computes it after a refill
   * (`num_bufs_avail_to_hw`): the tail rounded down to the doorbell threshold, minus head.
   */
  availableToHardware(): number {
    return ((this.tail & ~(this.doorbellThreshold - 1)) - this.head) & this.mask;
  }
}

/**
 * The completion queue (complq): a ring the device writes.
 *
 * The device writes at `tail` with its generation bit, which it flips each time
 * its tail wraps. The driver owns the entry at `head` while its generation
 * differs from `curGenBit`, and flips `curGenBit` when its head wraps
 * (`gve_rx_poll_dqo`). `numFreeSlots` limits how many buffers may be posted.
 */
export class CompletionQueue {
  readonly slots: number;
  readonly mask: number;
  readonly bufId: Int32Array;
  readonly packetLen: Int32Array;
  readonly flags: Uint8Array;
  readonly rscSegLen: Uint16Array;
  readonly headerLen: Uint16Array;
  readonly cookie: Float64Array;
  /** Driver's next entry to read. */
  head = 0;
  /** Driver's generation: an entry whose bit equals this is not yet written. */
  curGenBit = 0;
  /** Completions the ring can still take for buffers yet to be posted. */
  numFreeSlots: number;
  /** Device's next entry to write. */
  tail = 0;
  /** Device's generation bit, written into each entry. */
  devGenBit = 1;

  constructor(slots: number) {
    assertPowerOfTwo("complq slots", slots);
    this.slots = slots;
    this.mask = slots - 1;
    this.numFreeSlots = slots;
    this.bufId = new Int32Array(slots);
    this.packetLen = new Int32Array(slots);
    this.flags = new Uint8Array(slots);
    this.rscSegLen = new Uint16Array(slots);
    this.headerLen = new Uint16Array(slots);
    this.cookie = new Float64Array(slots);
  }

  /** Device side: write a completion at the tail with the current generation bit. */
  write(bufId: number, packetLen: number, flags: number, cookie: number, rscSegLen = 0, headerLen = 0): void {
    const t = this.tail;
    this.bufId[t] = bufId;
    this.packetLen[t] = packetLen;
    this.flags[t] = (flags & ~GEN) | (this.devGenBit ? GEN : 0);
    this.rscSegLen[t] = rscSegLen;
    this.headerLen[t] = headerLen;
    this.cookie[t] = cookie;
    this.tail = (t + 1) & this.mask;
    if (this.tail === 0) this.devGenBit ^= 1;
  }

  /** Driver side: true when the entry at `head` is a new completion the driver owns. */
  hasNext(): boolean {
    const gen = (this.flags[this.head] & GEN) !== 0 ? 1 : 0;
    return gen !== this.curGenBit;
  }

  /** Driver side: release the entry at `head`; flips the generation on wrap. */
  advance(): void {
    this.head = (this.head + 1) & this.mask;
    this.numFreeSlots++;
    this.curGenBit ^= this.head === 0 ? 1 : 0;
  }
}
