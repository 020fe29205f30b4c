import { COST_OPERATIONS, type CostOperation, type CostTable } from "./cost-profile.js";
import type { DmaTable } from "./dma-table.js";
import type { PageTable } from "./page-table.js";

/**
 * Work a strategy reports that the page table cannot see: which allocations
 * were part of a bulk batch, and page_pool's own cache and ring operations.
 * Plain counters the strategy increments (`env.work`); only page_pool uses them.
 */
export interface PoolWork {
  /** Pages allocated as part of an `alloc_pages_bulk` batch (also counted in the page table's allocs). */
  bulkAllocs: number;
  /** page_pool allocations served from the lockless cache. */
  poolFastAllocs: number;
  /** Pages moved from the ptr_ring into the cache. */
  poolRingRefills: number;
  /** Pages recycled into the ptr_ring. */
  poolRingRecycles: number;
}

/** A fresh {@link PoolWork}, all zero. */
export function createPoolWork(): PoolWork {
  return { bulkAllocs: 0, poolFastAllocs: 0, poolRingRefills: 0, poolRingRecycles: 0 };
}

const N = COST_OPERATIONS.length;
const I = Object.fromEntries(COST_OPERATIONS.map((op, i) => [op, i])) as Record<CostOperation, number>;
const PAGE_ALLOC = I.pageAlloc;
const PAGE_ALLOC_BULK = I.pageAllocBulk;
const PAGE_FREE = I.pageFree;
const POOL_FAST = I.poolFastAlloc;
const RING_REFILL = I.poolRingRefill;
const RING_RECYCLE = I.poolRingRecycle;
const ATOMIC_LOCAL = I.atomicLocal;
const ATOMIC_REMOTE = I.atomicRemote;
const READ_LOCAL = I.refRead;
const READ_REMOTE = I.refReadRemote;
const DMA_MAP = I.dmaMap;
const DMA_UNMAP = I.dmaUnmap;
const DMA_SYNC = I.dmaSync;
const PACKET = I.packet;
const POLL = I.poll;

/**
 * Prices the work of each NAPI poll: the driver calls {@link CostMeter.begin}
 * before it and {@link CostMeter.end} after, and the difference of every
 * counter times its cost is the poll's CPU time. Work outside polls (the
 * stack's releases from process context) is never charged. Per poll, not per
 * operation: the hot paths only count, as they always did.
 */
export class CostMeter {
  /** ns per operation, in {@link COST_OPERATIONS} order. */
  readonly costs: Float64Array;
  /** Operations counted inside polls so far, per operation. */
  readonly counts = new Float64Array(N);
  /** ns charged so far, per operation. */
  readonly ns = new Float64Array(N);
  /** Total ns charged so far (the NAPI CPU's busy time). */
  busyNs = 0;
  private readonly at = new Float64Array(N);
  private readonly now = new Float64Array(N);
  private readonly pages: PageTable;
  private readonly dma: DmaTable;
  private readonly work: PoolWork;

  constructor(costs: CostTable, pages: PageTable, dma: DmaTable, work: PoolWork) {
    this.costs = Float64Array.from(COST_OPERATIONS, (op) => costs[op]);
    this.pages = pages;
    this.dma = dma;
    this.work = work;
  }

  /** A poll starts. */
  begin(): void {
    this.read(this.at);
  }

  /**
   * The poll that began last is over.
   * @param packets - packets it completed.
   * @returns its CPU time in ns.
   */
  end(packets: number): number {
    const now = this.now;
    this.read(now);
    now[PACKET] = packets;
    now[POLL] = 1;
    const at = this.at;
    const costs = this.costs;
    let total = 0;
    for (let i = 0; i < N; i++) {
      const d = i === PACKET || i === POLL ? now[i] : now[i] - at[i];
      if (d === 0) continue;
      this.counts[i] += d;
      const t = d * costs[i];
      this.ns[i] += t;
      total += t;
    }
    this.busyNs += total;
    return total;
  }

  /** The charged ns per operation, as an object (for reports). */
  breakdown(): Record<CostOperation, number> {
    return Object.fromEntries(COST_OPERATIONS.map((op, i) => [op, this.ns[i]])) as Record<CostOperation, number>;
  }

  /** Cumulative counters now, in operation order (packet and poll are per call). */
  private read(into: Float64Array): void {
    const p = this.pages;
    const w = this.work;
    into[PAGE_ALLOC] = p.allocs - w.bulkAllocs;
    into[PAGE_ALLOC_BULK] = w.bulkAllocs;
    into[PAGE_FREE] = p.frees;
    into[POOL_FAST] = w.poolFastAllocs;
    into[RING_REFILL] = w.poolRingRefills;
    into[RING_RECYCLE] = w.poolRingRecycles;
    into[ATOMIC_LOCAL] = p.atomicOps - p.remoteAtomicOps;
    into[ATOMIC_REMOTE] = p.remoteAtomicOps;
    into[READ_LOCAL] = p.refReads - p.remoteRefReads;
    into[READ_REMOTE] = p.remoteRefReads;
    const d = this.dma;
    into[DMA_MAP] = d.dmaMaps;
    into[DMA_UNMAP] = d.dmaUnmaps;
    into[DMA_SYNC] = d.dmaSyncs;
  }
}
