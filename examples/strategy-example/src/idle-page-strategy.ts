import {
  BufferIdTable,
  CompletionKind,
  CompletionResult,
  defineStrategyFactory,
  NO_PAGE,
  RX_STRATEGY_CONTRACT_VERSION,
  type RxStrategy,
  type RxStrategyEnv,
  type RxStrategyFactory,
} from "@rxsim/core";

/** Options of {@link createIdlePageStrategy}. */
export interface IdlePageOptions {
  /** Spare pages examined per posted buffer before allocating a new one. Default 4. */
  scan?: number;
}

const NONE = -1;

/**
 * One buffer per page. After a page's data went up the stack the driver keeps
 * its own reference (`get_page`, one atomic) and queues the page as a spare;
 * a refill reuses the first spare whose count is back to 1 (only the driver
 * holds it), looking at up to `scan` spares, and otherwise allocates.
 */
export function createIdlePageStrategy(options: IdlePageOptions = {}): RxStrategyFactory<Required<IdlePageOptions>> {
  const resolved = { scan: options.scan ?? 4 };
  if (!Number.isInteger(resolved.scan) || resolved.scan < 0) {
    throw new RangeError(`idle-page: scan must be a non-negative integer, got ${options.scan}`);
  }
  return defineStrategyFactory("idle-page", resolved, IdlePageStrategy);
}

class IdlePageStrategy implements RxStrategy {
  readonly contractVersion = RX_STRATEGY_CONTRACT_VERSION;
  readonly name = "idle-page";
  readonly copybreak: number;
  private readonly env: RxStrategyEnv;
  private readonly scan: number;
  // Page per buffer id, free ids in a LIFO stack: core's bookkeeping, allocation-free.
  private readonly ids: BufferIdTable;
  private readonly spares: number[] = [];
  private reused = 0;
  private allocated = 0;

  constructor(env: RxStrategyEnv, options: Required<IdlePageOptions>) {
    this.env = env;
    this.scan = options.scan;
    this.copybreak = env.config.copybreak;
    this.ids = new BufferIdTable(env.config.bufqSlots, "lifo");
  }

  private takeSpare(): number {
    const n = Math.min(this.scan, this.spares.length);
    for (let i = 0; i < n; i++) {
      const page = this.spares[i];
      if (this.env.pages.count(page) === 1) {
        this.spares.splice(i, 1);
        this.reused++;
        return page;
      }
    }
    return NONE;
  }

  refill(max: number): number {
    let posted = 0;
    while (posted < max && this.ids.free > 0) {
      let page = this.takeSpare();
      if (page === NONE) {
        page = this.env.pages.alloc();
        if (page === NO_PAGE) break;
        this.allocated++;
        // Map once when the page is allocated; it stays mapped while the driver keeps it.
        this.env.dma.map(page);
      }
      const id = this.ids.take(page, 0);
      this.env.post(id, page, 0, this.env.config.bufferSize);
      posted++;
    }
    return posted;
  }

  complete(bufId: number, kind: CompletionKind): CompletionResult {
    const page = this.ids.reclaim(bufId);
    if (page === NO_PAGE) return CompletionResult.Rejected;
    // The skb takes the allocation's reference; the driver keeps one of its own to reuse the page later.
    if (kind === CompletionKind.Fragment) this.env.pages.get(page);
    this.spares.push(page);
    return CompletionResult.Accepted;
  }

  teardown(): void {
    const { dma, pages } = this.env;
    this.ids.releaseAll((_id, page) => {
      dma.unmap(page);
      pages.put(page);
    });
    for (const page of this.spares) {
      dma.unmap(page);
      pages.put(page);
    }
    this.spares.length = 0;
  }

  stats(): Readonly<Record<string, number>> {
    return { pages_reused: this.reused, pages_allocated: this.allocated, spares: this.spares.length };
  }
}
