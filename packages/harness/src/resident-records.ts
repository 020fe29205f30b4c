/**
 * A multi-queue host spread over threads: each thread simulates a group of
 * queues and records, event by event, the pages its group holds. The host's
 * peaks (all queues at one instant) are then merged from every group's
 * records in the order the one-thread loop runs events, so they come out
 * exactly as that loop's.
 *
 * Why the order can be rebuilt: with no host page cap and no CPU shared
 * between groups, a queue's events depend on its own arrivals only; every
 * group reads the whole packet stream, so the number of arrivals before an
 * event is the same in every group. The one-thread loop runs the events
 * between two arrivals by time, then queue number; so (arrivals before it,
 * time, queue) orders every event of the host.
 */

/** Numbers per record: arrivals before the event, its time, its queue, the group's peak during it and its pages after it. */
export const RECORD_FIELDS = 5;

/** Where a group's loop reports an event that changed (or, within it, raised) its pages. */
export interface ResidentRecorder {
  /**
   * @param seq - arrivals so far (of every queue)
   * @param t - the event's time, ns
   * @param queue - the host's queue number
   * @param peak - most pages the group held during the event
   * @param after - pages the group holds after it
   */
  event(seq: number, t: number, queue: number, peak: number, after: number): void;
  /** Send what is recorded so far. */
  flush(): void;
}

/** One group of a host spread over threads: which queues it simulates, and where it records its pages. */
export interface QueueGroup {
  /** The host's queue numbers, ascending. */
  readonly queues: readonly number[];
  readonly recorder: ResidentRecorder;
}

/** Records in fixed-size chunks; each full chunk (and each flush) is handed to `send`, which owns it. */
export class ResidentChunks implements ResidentRecorder {
  private chunk: Float64Array;
  private count = 0;

  constructor(
    private readonly send: (chunk: Float64Array, count: number) => void,
    private readonly capacity = 8192,
  ) {
    this.chunk = new Float64Array(capacity * RECORD_FIELDS);
  }

  event(seq: number, t: number, queue: number, peak: number, after: number): void {
    const c = this.chunk;
    const i = this.count * RECORD_FIELDS;
    c[i] = seq;
    c[i + 1] = t;
    c[i + 2] = queue;
    c[i + 3] = peak;
    c[i + 4] = after;
    if (++this.count === this.capacity) this.flush();
  }

  flush(): void {
    if (this.count === 0) return;
    this.send(this.chunk, this.count);
    this.chunk = new Float64Array(this.capacity * RECORD_FIELDS);
    this.count = 0;
  }
}

/** The host's peaks, merged from its groups' records. */
export interface MergedPeaks {
  /** Most pages at once after an event, from the end of the warm-up (the one-thread loop's `hostPeak`). */
  readonly hostPeak: number;
  /** Most pages at once at any moment of the run, start-up included. */
  readonly hostPeakRun: number;
}

/**
 * Merges groups' records as they arrive: a record is applied once no group
 * still running can send an earlier one, so only the lead of the fastest
 * group waits in memory.
 */
export class ResidentMerge {
  private readonly pending: Float64Array[][];
  private readonly counts: number[][];
  /** Read position in each group's first pending chunk (records). */
  private readonly cursor: number[];
  private readonly open: boolean[];
  private readonly resident: number[];
  private sum = 0;
  private runPeak = 0;
  /** -1 until the warm-up ends. */
  private measured = -1;

  /**
   * @param initial - each group's pages after start-up (its queues' first posts)
   * @param warmup - arrivals in the warm-up; 0 measures from the start
   */
  constructor(
    initial: readonly number[],
    private readonly warmup: number,
  ) {
    const n = initial.length;
    this.pending = Array.from({ length: n }, () => []);
    this.counts = Array.from({ length: n }, () => []);
    this.cursor = new Array<number>(n).fill(0);
    this.open = new Array<boolean>(n).fill(true);
    this.resident = initial.slice();
    for (const r of initial) this.sum += r;
    // Start-up only allocates, so its peak is where it ends.
    this.runPeak = this.sum;
    if (warmup === 0) this.measured = this.sum;
  }

  /** Group `g`'s next chunk of `count` records. */
  push(g: number, chunk: Float64Array, count: number): void {
    if (!this.open[g]) throw new Error(`group ${g} sent records after its end`);
    this.pending[g].push(chunk);
    this.counts[g].push(count);
    this.drain();
  }

  /** Group `g` has sent all its records. */
  close(g: number): void {
    this.open[g] = false;
    this.drain();
  }

  /**
   * Every group closed: the peaks.
   * @param measuring - the warm-up ended (the stream had more arrivals than it)
   * @param endPages - pages of the whole host after the run's teardown, the one-thread loop's `hostPeak` when the warm-up never ended
   */
  finish(measuring: boolean, endPages: number): MergedPeaks {
    if (this.open.some((o) => o)) throw new Error("a group has not sent all its records");
    this.drain();
    if (this.pending.some((p) => p.length > 0)) throw new Error("records left unmerged");
    if (measuring && this.measured < 0) this.measured = this.sum;
    return { hostPeak: measuring ? this.measured : endPages, hostPeakRun: this.runPeak };
  }

  private drain(): void {
    const n = this.pending.length;
    for (;;) {
      let best = -1;
      let bestAt = 0;
      for (let g = 0; g < n; g++) {
        if (this.pending[g].length === 0) {
          // A group still running may yet send an earlier record: wait for it.
          if (this.open[g]) return;
          continue;
        }
        const at = this.cursor[g] * RECORD_FIELDS;
        if (best < 0 || before(this.pending[g][0], at, this.pending[best][0], bestAt)) {
          best = g;
          bestAt = at;
        }
      }
      if (best < 0) return;
      this.apply(best, this.pending[best][0], bestAt);
      if (++this.cursor[best] === this.counts[best][0]) {
        this.pending[best].shift();
        this.counts[best].shift();
        this.cursor[best] = 0;
      }
    }
  }

  private apply(g: number, c: Float64Array, i: number): void {
    const seq = c[i];
    // The warm-up ends at arrival number `warmup`, after the events before it.
    if (this.measured < 0 && seq > this.warmup) this.measured = this.sum;
    const others = this.sum - this.resident[g];
    if (others + c[i + 3] > this.runPeak) this.runPeak = others + c[i + 3];
    this.resident[g] = c[i + 4];
    this.sum = others + c[i + 4];
    if (this.measured >= 0 && this.sum > this.measured) this.measured = this.sum;
  }
}

/** Record `a[i]` comes before record `b[j]`: by arrivals before it, then time, then queue. */
function before(a: Float64Array, i: number, b: Float64Array, j: number): boolean {
  if (a[i] !== b[j]) return a[i] < b[j];
  if (a[i + 1] !== b[j + 1]) return a[i + 1] < b[j + 1];
  return a[i + 2] < b[j + 2];
}
