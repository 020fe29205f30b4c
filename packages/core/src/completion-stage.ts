import type { CompletionQueue } from "./rings.js";

/**
 * Completions the device holds back to write them out of order
 * (`RxQueue`'s `oooWindow`): up to `window + 1` packets, each a run of
 * descriptors kept together, because the driver expects a packet's buffers
 * consecutively until end of packet. Typed arrays, no object per packet.
 */
export class CompletionStage {
  /** Packets held back. */
  count = 0;
  private readonly start: Int32Array;
  private readonly len: Int32Array;
  private bufId = new Int32Array(64);
  private bytes = new Int32Array(64);
  private flags = new Int32Array(64);
  private cookie = new Float64Array(64);
  private fill = 0;

  constructor(window: number) {
    this.start = new Int32Array(window + 1);
    this.len = new Int32Array(window + 1);
  }

  /** Hold back a packet of `need` descriptors; returns its slot for {@link put}. */
  open(need: number): number {
    const p = this.count++;
    if (this.fill + need > this.bufId.length) this.compact(need);
    this.start[p] = this.fill;
    this.len[p] = need;
    this.fill += need;
    return p;
  }

  /** Store descriptor `i` of the packet in slot `p`. */
  put(p: number, i: number, bufId: number, bytes: number, flags: number, cookie: number): void {
    const k = this.start[p] + i;
    this.bufId[k] = bufId;
    this.bytes[k] = bytes;
    this.flags[k] = flags;
    this.cookie[k] = cookie;
  }

  /** Write the packet in slot `p` to the completion ring and drop it from the stage. */
  emit(p: number, complq: CompletionQueue): void {
    const start = this.start[p];
    const n = this.len[p];
    for (let k = start; k < start + n; k++) complq.write(this.bufId[k], this.bytes[k], this.flags[k], this.cookie[k]);
    // Keep packet order of the rest: shift later packets down one place.
    for (let q = p + 1; q < this.count; q++) {
      this.start[q - 1] = this.start[q];
      this.len[q - 1] = this.len[q];
    }
    this.count--;
    if (this.count === 0) this.fill = 0;
  }

  /** Forget every held-back packet (the device stopped). */
  clear(): void {
    this.count = 0;
    this.fill = 0;
  }

  /** Move the held packets (all but the one being opened) to the front of arrays with room for `extra` more. */
  private compact(extra: number): void {
    let total = extra;
    for (let p = 0; p < this.count - 1; p++) total += this.len[p];
    const cap = Math.max(this.bufId.length, total * 2);
    const bufId = new Int32Array(cap);
    const bytes = new Int32Array(cap);
    const flags = new Int32Array(cap);
    const cookie = new Float64Array(cap);
    let fill = 0;
    for (let p = 0; p < this.count - 1; p++) {
      const s = this.start[p];
      const n = this.len[p];
      bufId.set(this.bufId.subarray(s, s + n), fill);
      bytes.set(this.bytes.subarray(s, s + n), fill);
      flags.set(this.flags.subarray(s, s + n), fill);
      cookie.set(this.cookie.subarray(s, s + n), fill);
      this.start[p] = fill;
      fill += n;
    }
    this.bufId = bufId;
    this.bytes = bytes;
    this.flags = flags;
    this.cookie = cookie;
    this.fill = fill;
  }
}
