import type { Clock } from "./clock.js";
import type { DecisionLogSink } from "./decision-log-sink.js";
import type { HostPageBudget } from "./host-page-budget.js";
import type { Rng } from "./rng.js";

/** Page id returned when an allocation fails. */
export const NO_PAGE = -1;

/** Page sizes rxsim models: 4 KiB (x86), 16 KiB and 64 KiB (some arm64 and ppc64 kernels). */
export const SUPPORTED_PAGE_SIZES = [4096, 16384, 65536] as const;

/** Ways to make page allocation fail, as `alloc_page(GFP_ATOMIC)` can under memory pressure. */
export interface AllocFailureOptions {
  /** Probability that any one allocation attempt fails, drawn from the page table's RNG stream. */
  probability?: number;
  /** 1-based ordinals of allocation attempts that fail (a scripted schedule). */
  attempts?: readonly number[];
  /** Simulated-time windows `[startNs, endNs)` during which every allocation fails. Needs a clock. */
  windows?: readonly (readonly [number, number])[];
}

/** Options of {@link createPageTable}. */
export interface PageTableOptions {
  /** Bytes per page: 4096 (default), 16384 or 65536. */
  pageSize?: number;
  /** Cap on pages allocated at once (a QPL's registered pool); allocations beyond it fail. Default: no cap. */
  maxPages?: number;
  /** Injected allocation failures. */
  failure?: AllocFailureOptions;
  /** Random stream for `failure.probability`. Required when a probability is set. */
  rng?: Rng;
  /** Simulated clock for `failure.windows`. Required when windows are set. */
  clock?: Clock;
  /** Initial capacity of the typed arrays (they grow as needed). */
  initialCapacity?: number;
  /** The host's shared allocator and cap, when several queues' tables draw from one host (default: none). */
  host?: HostPageBudget;
}

/**
 * Told when a watched page's reference count drops to the value it asked for
 * (page_pool learns this way that the stack let go of a page).
 */
export interface PageCountListener {
  /**
   * @param page - the page whose count dropped.
   * @param count - the count it dropped to (the watched value).
   * @param inNapi - true when the drop happened inside the owning NAPI poll
   *   (page_pool's "direct" recycling context), false from another context.
   */
  onPageCountDrop(page: number, count: number, inNapi: boolean): void;
}

/** Sees every page free and every count that goes below zero (the invariant checker). */
export interface PageObserver {
  /** `page` was freed back to the allocator (its count reached 0). */
  pageFreed(page: number): void;
  /** `page`'s reference count went below zero: someone dropped a reference it did not hold. */
  refUnderflow(page: number, count: number): void;
}

/** Counters of a page table. */
export interface PageTableCounters {
  /** Successful page allocations. */
  readonly allocs: number;
  /** Pages freed back to the allocator (count reached 0). */
  readonly frees: number;
  /** Failed allocation attempts (injected failures and the cap). */
  readonly allocFailures: number;
  /** Atomic reference operations: every get, put, add and sub is one. */
  readonly atomicOps: number;
  /** Plain reads of a page's reference count (`page_count()`). */
  readonly refReads: number;
  /** Pages allocated right now. */
  readonly resident: number;
  /** Most pages allocated at once. */
  readonly peakResident: number;
}

/**
 * The kernel's `struct page` reference counts, for every page the simulation
 * allocates, in flat typed arrays. Page ids are small integers reused after a
 * free (like pfns); no object exists per page.
 */
export interface PageTable extends PageTableCounters {
  /** Bytes per page. */
  readonly pageSize: number;
  /** The cap on allocated pages (Infinity when none). */
  readonly maxPages: number;
  /** True while the owning NAPI poll runs; passed to {@link PageCountListener}. Set by the driver. */
  inNapi: boolean;
  /**
   * Track which CPU touched each page last (off by default: no cost). When on,
   * an atomic outside NAPI leaves the page's line on the other CPU, and the
   * next atomic or count read inside NAPI is counted as remote.
   */
  trackRemote: boolean;
  /** Atomics inside NAPI on a page another CPU touched last (with {@link trackRemote}). */
  readonly remoteAtomicOps: number;
  /** Count reads inside NAPI of a page another CPU touched last (with {@link trackRemote}). */
  readonly remoteRefReads: number;
  /**
   * Allocate a page with reference count 1 (`alloc_page`). Returns its id, or
   * {@link NO_PAGE} when the allocation fails.
   * @param owner - a small integer naming who allocated it (0 by default).
   */
  alloc(owner?: number): number;
  /** `page_count()`: the current reference count. Counted as a read, not an atomic. */
  count(page: number): number;
  /** The count without counting a read: for checkers and reports, not for strategies. */
  peek(page: number): number;
  /** `get_page()`: one atomic increment. */
  get(page: number): void;
  /** `put_page()`: one atomic decrement; the page is freed when it reaches 0. */
  put(page: number): void;
  /** `page_ref_add()`: one atomic add of `n`. */
  add(page: number, n: number): void;
  /** `page_ref_sub()`: one atomic subtract of `n`; the page is freed when it reaches 0. */
  sub(page: number, n: number): void;
  /** True when `page` is currently allocated. */
  isAllocated(page: number): boolean;
  /** Who allocated `page`. */
  owner(page: number): number;
  /**
   * Ask to be told (through the listener) when `page`'s count drops to `value`.
   * One watch per page; `value` 0 or below clears it. The watch stays until cleared or the page is freed.
   */
  watch(page: number, value: number): void;
  /** Set the listener told of watched count drops (one per table: the strategy). */
  setListener(listener: PageCountListener | null): void;
  /** Set the observer told of frees and underflows (the invariant checker). */
  setObserver(observer: PageObserver | null): void;
  /** Log `P alloc`, `P alloc-fail` and `P free` lines to `sink` (null: off). */
  setLog(sink: DecisionLogSink | null): void;
  /** Ids of every page allocated now, ascending. For teardown reports. */
  allocatedPages(): number[];
  /** A snapshot of the counters. */
  counters(): PageTableCounters;
}

/** Create a page table. */
export function createPageTable(options: PageTableOptions = {}): PageTable {
  return new TypedPageTable(options);
}

class TypedPageTable implements PageTable {
  readonly pageSize: number;
  readonly maxPages: number;
  inNapi = false;
  trackRemote = false;
  remoteAtomicOps = 0;
  remoteRefReads = 0;
  allocs = 0;
  frees = 0;
  allocFailures = 0;
  atomicOps = 0;
  refReads = 0;
  resident = 0;
  peakResident = 0;

  private refcount: Int32Array;
  private ownerOf: Int32Array;
  private watchAt: Int32Array;
  private allocated: Uint8Array;
  /** 1 when another CPU (process context) touched the page last. */
  private remote: Uint8Array;
  /** LIFO stack of freed page ids, reused first (a warm allocator). */
  private freeIds: Int32Array;
  private freeTop = 0;
  private nextId = 0;
  private attempts = 0;
  private listener: PageCountListener | null = null;
  private observer: PageObserver | null = null;
  private log: DecisionLogSink | null = null;
  private readonly host: HostPageBudget | null;

  private readonly failProbability: number;
  /** Some allocation can fail (a cap, a host budget or an injected failure): else alloc asks nothing. */
  private readonly mayFail: boolean;
  private readonly failAttempts: Set<number> | null;
  private readonly failWindows: readonly (readonly [number, number])[];
  private readonly rng: Rng | undefined;
  private readonly clock: Clock | undefined;

  constructor(options: PageTableOptions) {
    const pageSize = options.pageSize ?? 4096;
    if (!(SUPPORTED_PAGE_SIZES as readonly number[]).includes(pageSize)) {
      throw new RangeError(`pageSize must be one of ${SUPPORTED_PAGE_SIZES.join(", ")}, got ${pageSize}`);
    }
    this.pageSize = pageSize;
    const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
    if (!(maxPages > 0)) throw new RangeError(`maxPages must be positive, got ${maxPages}`);
    this.maxPages = maxPages;
    const cap = Math.max(16, options.initialCapacity ?? 1024);
    this.refcount = new Int32Array(cap);
    this.ownerOf = new Int32Array(cap);
    this.watchAt = new Int32Array(cap);
    this.allocated = new Uint8Array(cap);
    this.remote = new Uint8Array(cap);
    this.freeIds = new Int32Array(cap);

    const failure = options.failure ?? {};
    const p = failure.probability ?? 0;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`failure.probability must be in [0, 1], got ${p}`);
    this.failProbability = p;
    this.failAttempts = failure.attempts && failure.attempts.length > 0 ? new Set(failure.attempts) : null;
    this.failWindows = failure.windows ?? [];
    this.rng = options.rng;
    this.clock = options.clock;
    this.host = options.host ?? null;
    if (p > 0 && !this.rng) throw new TypeError("failure.probability needs an rng stream");
    if (this.failWindows.length > 0 && !this.clock) throw new TypeError("failure.windows needs a clock");
    this.mayFail =
      Number.isFinite(maxPages) ||
      this.host !== null ||
      this.failAttempts !== null ||
      this.failWindows.length > 0 ||
      p > 0;
  }

  alloc(owner = 0): number {
    const attempt = ++this.attempts;
    if (this.mayFail && this.shouldFail(attempt)) {
      this.allocFailures++;
      if (this.log !== null) this.log.line(`P alloc-fail ${attempt}`);
      return NO_PAGE;
    }
    let page: number;
    if (this.freeTop > 0) {
      page = this.freeIds[--this.freeTop];
    } else {
      page = this.nextId++;
      if (page >= this.refcount.length) this.grow();
    }
    this.refcount[page] = 1;
    this.ownerOf[page] = owner;
    this.watchAt[page] = 0;
    this.allocated[page] = 1;
    this.remote[page] = 0;
    this.allocs++;
    if (++this.resident > this.peakResident) this.peakResident = this.resident;
    const host = this.host;
    if (host !== null && ++host.resident > host.peakResident) host.peakResident = host.resident;
    if (this.log !== null) this.log.line(`P alloc ${page}`);
    return page;
  }

  private shouldFail(attempt: number): boolean {
    if (this.resident >= this.maxPages) return true;
    if (this.host !== null && this.host.resident >= this.host.maxPages) {
      this.host.capFailures++;
      return true;
    }
    if (this.failAttempts?.has(attempt)) return true;
    if (this.failWindows.length > 0) {
      const t = (this.clock as Clock).now();
      for (const [start, end] of this.failWindows) if (t >= start && t < end) return true;
    }
    // Draw only when a probability is set, so a table without one consumes no randomness.
    if (this.failProbability > 0 && (this.rng as Rng).nextFloat() < this.failProbability) return true;
    return false;
  }

  private grow(): void {
    const cap = this.refcount.length * 2;
    this.refcount = growInt32(this.refcount, cap);
    this.ownerOf = growInt32(this.ownerOf, cap);
    this.watchAt = growInt32(this.watchAt, cap);
    this.freeIds = growInt32(this.freeIds, cap);
    const a = new Uint8Array(cap);
    a.set(this.allocated);
    this.allocated = a;
    const r = new Uint8Array(cap);
    r.set(this.remote);
    this.remote = r;
  }

  count(page: number): number {
    this.refReads++;
    if (this.trackRemote && this.inNapi && this.remote[page] !== 0) {
      this.remote[page] = 0;
      this.remoteRefReads++;
    }
    return this.refcount[page];
  }

  /** Which CPU touches the page: outside NAPI marks it remote, inside NAPI pays once to bring it back. */
  private touch(page: number): void {
    if (!this.inNapi) this.remote[page] = 1;
    else if (this.remote[page] !== 0) {
      this.remote[page] = 0;
      this.remoteAtomicOps++;
    }
  }

  peek(page: number): number {
    return this.refcount[page];
  }

  get(page: number): void {
    this.atomicOps++;
    if (this.trackRemote) this.touch(page);
    this.refcount[page]++;
  }

  put(page: number): void {
    this.atomicOps++;
    if (this.trackRemote) this.touch(page);
    // The stack's put_page on every released fragment: the usual case (count
    // still positive, nobody watching) stays here without a further call.
    const count = this.refcount[page] - 1;
    if (count > 0 && this.watchAt[page] !== count) {
      this.refcount[page] = count;
      return;
    }
    this.dropTo(page, count);
  }

  add(page: number, n: number): void {
    this.atomicOps++;
    if (this.trackRemote) this.touch(page);
    this.refcount[page] += n;
  }

  sub(page: number, n: number): void {
    this.atomicOps++;
    if (this.trackRemote) this.touch(page);
    this.dropTo(page, this.refcount[page] - n);
  }

  private dropTo(page: number, count: number): void {
    this.refcount[page] = count;
    if (count <= 0) {
      if (count < 0 || this.allocated[page] === 0) {
        this.observer?.refUnderflow(page, count);
        return;
      }
      this.free(page);
      return;
    }
    if (this.watchAt[page] === count && this.listener !== null) {
      this.listener.onPageCountDrop(page, count, this.inNapi);
    }
  }

  private free(page: number): void {
    this.allocated[page] = 0;
    this.watchAt[page] = 0;
    this.frees++;
    this.resident--;
    if (this.host !== null) this.host.resident--;
    this.freeIds[this.freeTop++] = page;
    if (this.log !== null) this.log.line(`P free ${page}`);
    this.observer?.pageFreed(page);
  }

  isAllocated(page: number): boolean {
    return page >= 0 && page < this.nextId && this.allocated[page] === 1;
  }

  owner(page: number): number {
    return this.ownerOf[page];
  }

  watch(page: number, value: number): void {
    this.watchAt[page] = Math.max(value, 0);
  }

  setListener(listener: PageCountListener | null): void {
    this.listener = listener;
  }

  setObserver(observer: PageObserver | null): void {
    this.observer = observer;
  }

  setLog(sink: DecisionLogSink | null): void {
    this.log = sink;
  }

  allocatedPages(): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.nextId; p++) if (this.allocated[p] === 1) out.push(p);
    return out;
  }

  counters(): PageTableCounters {
    return {
      allocs: this.allocs,
      frees: this.frees,
      allocFailures: this.allocFailures,
      atomicOps: this.atomicOps,
      refReads: this.refReads,
      resident: this.resident,
      peakResident: this.peakResident,
    };
  }
}

function growInt32(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
