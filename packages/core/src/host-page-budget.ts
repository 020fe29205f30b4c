/**
 * The pages of one host, shared by the page tables of all its RX queues: one
 * allocator, one cap. Each queue keeps its own `PageTable` (its strategy's
 * listener, its checker, its NAPI context), and every table given the same
 * budget counts its allocations and frees here, so the cap is the host's
 * (`memory.maxPages`): a queue whose pages are held long can make another
 * queue's `alloc_page` fail, as under real memory pressure.
 */
export interface HostPageBudget {
  /** Most pages the host's queues may hold at once (Infinity: no cap). */
  readonly maxPages: number;
  /** Pages allocated now, all queues together. */
  resident: number;
  /** Most pages allocated at once, all queues together. */
  peakResident: number;
  /** Allocation attempts refused because the host was at its cap. */
  capFailures: number;
}

/** A budget for one host; `maxPages` null or undefined for no cap. */
export function createHostPageBudget(maxPages?: number | null): HostPageBudget {
  const cap = maxPages ?? Number.POSITIVE_INFINITY;
  if (!(cap > 0)) throw new RangeError(`maxPages must be positive, got ${cap}`);
  return { maxPages: cap, resident: 0, peakResident: 0, capFailures: 0 };
}
