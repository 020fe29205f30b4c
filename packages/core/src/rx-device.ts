import { CompletionStage } from "./completion-stage.js";
import { COMPL_EOP, COMPL_RSC, COMPL_RX_ERROR, COMPL_SIM_SKB_ALLOC_FAIL } from "./descriptors.js";
import type { BufferQueue, CompletionQueue } from "./rings.js";
import type { Rng } from "./rng.js";
import type { RxQueueCounters } from "./rx-queue-types.js";

// Module constants for the per-packet path: under a module runner (vitest) every
// read of an imported binding is a getter call.
const EOP = COMPL_EOP;
const RX_ERROR = COMPL_RX_ERROR;
const SKB_FAIL = COMPL_SIM_SKB_ALLOC_FAIL;
const RSC = COMPL_RSC;

/**
 * The NIC's side of one RX queue: it takes posted buffers from the bufq in
 * order and writes one completion per buffer to the complq, in order or,
 * with an out-of-order window, holding packets back and writing them in a
 * random order (each packet's descriptors kept together).
 */
export class RxDevice {
  /** True once the queue is torn down: the device receives nothing more. */
  stopped = false;
  private readonly bufq: BufferQueue;
  private readonly complq: CompletionQueue;
  private readonly counters: RxQueueCounters;
  private readonly oooWindow: number;
  private readonly rng: Rng | null;
  private readonly stage: CompletionStage;

  /**
   * @param oooWindow - packets the device may hold back (1: in order).
   * @param rng - the device's random stream; needed when `oooWindow > 1`.
   * @throws RangeError / TypeError for a bad window or a missing stream.
   */
  constructor(
    bufq: BufferQueue,
    complq: CompletionQueue,
    counters: RxQueueCounters,
    oooWindow: number,
    rng: Rng | null,
  ) {
    if (!Number.isInteger(oooWindow) || oooWindow < 1) {
      throw new RangeError(`oooWindow must be an integer ≥ 1, got ${oooWindow}`);
    }
    if (oooWindow > 1 && !rng) throw new TypeError("oooWindow > 1 needs a deviceRng stream");
    this.bufq = bufq;
    this.complq = complq;
    this.counters = counters;
    this.oooWindow = oooWindow;
    this.rng = rng;
    this.stage = new CompletionStage(oooWindow);
  }

  /**
   * Receive a packet of `len` bytes: take posted buffers from the bufq head
   * until it fits and write one completion per buffer. With too few visible
   * buffers the packet is dropped (`rx_no_buffer`). Returns true when received.
   */
  receive(len: number, flags: number, cookie: number): boolean {
    const bufq = this.bufq;
    if (this.stopped) return false;
    let visible = bufq.visibleToDevice();
    // Most packets fit the next buffer: one completion, straight to the complq (in-order device).
    if (visible !== 0 && this.oooWindow === 1 && len <= bufq.len[bufq.hwHead]) {
      const s = bufq.hwHead;
      bufq.hwHead = (s + 1) & bufq.mask;
      this.complq.write(bufq.bufId[s], len, EOP | (flags & (RX_ERROR | SKB_FAIL | RSC)), cookie);
      return true;
    }
    // Find how many buffers the packet needs, without taking any yet.
    let need = 0;
    let covered = 0;
    let slot = bufq.hwHead;
    while (covered < len) {
      if (visible === 0) {
        this.counters.rx_no_buffer++;
        return false;
      }
      covered += bufq.len[slot];
      slot = (slot + 1) & bufq.mask;
      visible--;
      need++;
    }
    if (need === 0) need = 1; // a zero-length packet still uses a buffer
    let remaining = len;
    const staging = this.oooWindow > 1;
    let stageSlot = 0;
    if (staging) stageSlot = this.stage.open(need);
    for (let i = 0; i < need; i++) {
      const s = bufq.hwHead;
      bufq.hwHead = (s + 1) & bufq.mask;
      const bytes = Math.min(remaining, bufq.len[s]);
      remaining -= bytes;
      const last = i === need - 1;
      let f = last ? EOP | (flags & RX_ERROR) : 0;
      if (i === 0) f |= flags & SKB_FAIL;
      // Every descriptor of a hardware RSC aggregate carries the rsc bit.
      f |= flags & RSC;
      if (staging) this.stage.put(stageSlot, i, bufq.bufId[s], bytes, f, cookie);
      else this.complq.write(bufq.bufId[s], bytes, f, cookie);
    }
    if (staging && this.stage.count > this.oooWindow) {
      this.stage.emit((this.rng as Rng).nextInt(this.stage.count), this.complq);
    }
    return true;
  }

  /** Write every held-back completion now, in random order (end of a burst, before a poll). */
  flush(): void {
    const stage = this.stage;
    while (stage.count > 0) stage.emit(stage.count === 1 ? 0 : (this.rng as Rng).nextInt(stage.count), this.complq);
  }

  /** Forget held-back completions (teardown: the device hands every posted buffer back). */
  clear(): void {
    this.stage.clear();
  }
}
