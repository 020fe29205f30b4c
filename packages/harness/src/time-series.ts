/**
 * Time series of one strategy's run, for charts. Point `i` describes the
 * interval `(tNs[i-1], tNs[i]]` (the first starts at 0): levels are sampled
 * at `tNs[i]`, rates are that interval's counts per second of simulated time.
 */
export interface TimeSeries {
  /** Sampling interval in ns after any coarsening (the last point may close a shorter interval: the run's end). */
  readonly intervalNs: number;
  /** Number of points. */
  readonly points: number;
  /** Simulated time of each point, ns. */
  readonly tNs: number[];
  /** Pages allocated at `tNs`. */
  readonly residentPages: number[];
  /** Buffers posted to the buffer queue and not yet completed at `tNs`. */
  readonly postedBuffers: number[];
  /** skbs the stack holds at `tNs`. */
  readonly heldSkbs: number[];
  /** Page allocations per second over the interval. */
  readonly allocsPerSec: number[];
  /** Packets dropped for lack of buffers (`rx_no_buffer`) per second over the interval. */
  readonly dropsPerSec: number[];
  /** Packets delivered to the stack per second over the interval. */
  readonly deliveredPerSec: number[];
}

/**
 * Records a bounded time series: at most `maxPoints` points in typed arrays.
 * When full, neighbouring points merge in pairs (levels keep the later sample,
 * counts add up) and the interval doubles, so memory never grows with the
 * length of the run.
 */
export class TimeSeriesRecorder {
  /** Simulated time of the next sample. */
  nextAt: number;
  /** Current interval, ns. */
  intervalNs: number;
  private readonly max: number;
  private n = 0;
  private readonly t: Float64Array;
  private readonly resident: Float64Array;
  private readonly posted: Float64Array;
  private readonly held: Float64Array;
  private readonly allocs: Float64Array;
  private readonly drops: Float64Array;
  private readonly delivered: Float64Array;
  private lastAllocs = 0;
  private lastDrops = 0;
  private lastDelivered = 0;

  constructor(intervalNs: number, maxPoints: number) {
    this.intervalNs = intervalNs;
    this.nextAt = intervalNs;
    this.max = maxPoints;
    this.t = new Float64Array(maxPoints);
    this.resident = new Float64Array(maxPoints);
    this.posted = new Float64Array(maxPoints);
    this.held = new Float64Array(maxPoints);
    this.allocs = new Float64Array(maxPoints);
    this.drops = new Float64Array(maxPoints);
    this.delivered = new Float64Array(maxPoints);
  }

  /** Points stored (never more than the cap). */
  get points(): number {
    return this.n;
  }

  /** Slots allocated (fixed: the cap). */
  get capacity(): number {
    return this.max;
  }

  /** Time of the last point, or 0. */
  get lastT(): number {
    return this.n > 0 ? this.t[this.n - 1] : 0;
  }

  /** Add a point at `tNs`. Counters are cumulative; the recorder keeps the differences. */
  sample(
    tNs: number,
    residentPages: number,
    postedBuffers: number,
    heldSkbs: number,
    allocsTotal: number,
    dropsTotal: number,
    deliveredTotal: number,
  ): void {
    const i = this.n++;
    this.t[i] = tNs;
    this.resident[i] = residentPages;
    this.posted[i] = postedBuffers;
    this.held[i] = heldSkbs;
    this.allocs[i] = allocsTotal - this.lastAllocs;
    this.drops[i] = dropsTotal - this.lastDrops;
    this.delivered[i] = deliveredTotal - this.lastDelivered;
    this.lastAllocs = allocsTotal;
    this.lastDrops = dropsTotal;
    this.lastDelivered = deliveredTotal;
    if (this.n === this.max) this.coarsen();
    this.nextAt = this.lastT + this.intervalNs;
  }

  private coarsen(): void {
    const half = this.n >> 1;
    for (let k = 0; k < half; k++) {
      const a = 2 * k;
      const b = a + 1;
      this.t[k] = this.t[b];
      this.resident[k] = this.resident[b];
      this.posted[k] = this.posted[b];
      this.held[k] = this.held[b];
      this.allocs[k] = this.allocs[a] + this.allocs[b];
      this.drops[k] = this.drops[a] + this.drops[b];
      this.delivered[k] = this.delivered[a] + this.delivered[b];
    }
    this.n = half;
    this.intervalNs *= 2;
  }

  /** The series as plain arrays (rates per second of simulated time). */
  toJSON(): TimeSeries {
    const n = this.n;
    const perSec = (counts: Float64Array) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const dt = this.t[i] - (i > 0 ? this.t[i - 1] : 0);
        out.push(dt > 0 ? (counts[i] * 1e9) / dt : 0);
      }
      return out;
    };
    const list = (a: Float64Array) => Array.from(a.subarray(0, n));
    return {
      intervalNs: this.intervalNs,
      points: n,
      tNs: list(this.t),
      residentPages: list(this.resident),
      postedBuffers: list(this.posted),
      heldSkbs: list(this.held),
      allocsPerSec: perSec(this.allocs),
      dropsPerSec: perSec(this.drops),
      deliveredPerSec: perSec(this.delivered),
    };
  }
}
