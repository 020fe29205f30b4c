import {
  CompletionKind,
  CompletionResult,
  createManualClock,
  createPageTable,
  createPoolWork,
  createRng,
  DmaTable,
  type FragmentRedirect,
  type PageTable,
  type RxStrategy,
  type RxStrategyFactory,
  resolveRxQueueConfig,
} from "@rxsim/core";

/** Buffers completed between refills: the NAPI budget. */
const REFILL_EVERY = 64;
/** Outstanding buffers, as in a 1024-slot ring that keeps one slot empty. */
const RING = 1023;
const FRAGMENT = CompletionKind.Fragment;
const REJECTED = CompletionResult.Rejected;
const REDIRECTED = CompletionResult.Redirected;
const DROPPED = CompletionResult.Dropped;

/**
 * The strategy alone, driven as the native comparison drives the gve DQO
 * kernel functions: complete a 1500-byte buffer as a fragment, drop the
 * stack's page reference at once (`put_page`), refill every 64 completions.
 * No rings, no skbs, no harness: what is left is the strategy and the page table.
 * Buffers complete in posting order, one buffer per packet. The stack's
 * release is the queue's, inside NAPI: a strategy that listens hears of it
 * as it would from `RxQueue` (`onPageCountDrop` through the page table,
 * `onFragmentRelease` after the put), or page_pool and the oracle would never
 * get a page back and would allocate one per buffer.
 */
export class StrategyLoop {
  readonly strategy: RxStrategy;
  readonly pages: PageTable;
  private readonly redirect: FragmentRedirect = { page: -1, offset: 0 };
  // Posted buffers in posting order (a FIFO of RING + REFILL_EVERY slots), the page and offset of each.
  private readonly fifoId = new Int32Array(2048);
  private readonly fifoPage = new Int32Array(2048);
  private readonly fifoOffset = new Int32Array(2048);
  /** The strategy has `onFragmentRelease`. */
  private readonly notifyRelease: boolean;
  private head = 0;
  private tail = 0;
  private budget = 0;

  constructor(factory: RxStrategyFactory) {
    const config = resolveRxQueueConfig({});
    const clock = createManualClock();
    this.pages = createPageTable({ pageSize: config.pageSize, initialCapacity: 4096 });
    this.strategy = factory.create({
      config,
      pages: this.pages,
      post: (bufId, page, offset) => this.post(bufId, page, offset),
      // Mappings are counted, not checked: the loop measures the strategy's own work.
      dma: new DmaTable(),
      work: createPoolWork(),
      redirect: this.redirect,
      rng: createRng(1, "strategy"),
      clock,
      log: null,
    });
    if (typeof this.strategy.onPageCountDrop === "function")
      this.pages.setListener(this.strategy as Required<RxStrategy>);
    this.notifyRelease = typeof this.strategy.onFragmentRelease === "function";
    // Everything here happens inside the NAPI poll: refills, completions and the stack's puts.
    this.pages.inNapi = true;
    this.refill(RING);
  }

  private post(bufId: number, page: number, offset: number): void {
    if (this.budget-- <= 0) throw new Error(`strategy ${this.strategy.name} posted beyond the refill's limit`);
    const t = this.tail;
    this.fifoId[t] = bufId;
    this.fifoPage[t] = page;
    this.fifoOffset[t] = offset;
    this.tail = (t + 1) & 2047;
  }

  private refill(max: number): void {
    this.budget = max;
    this.strategy.refill(max);
    this.budget = 0;
  }

  /** Run `packets` completions; returns how many were taken (a strategy that runs dry stops early). */
  run(packets: number): number {
    // One call per refill interval rather than one long loop: V8 optimizes a function called
    // often as soon as it is hot, while a long loop waits for on-stack replacement.
    let done = 0;
    while (done < packets) {
      const n = this.interval(Math.min(REFILL_EVERY, packets - done));
      done += n;
      if (n < REFILL_EVERY) break;
      this.refill(RING - ((this.tail - this.head) & 2047));
    }
    return done;
  }

  /** Up to `count` completions, each followed by the stack's put; returns how many were taken. */
  private interval(count: number): number {
    const strategy = this.strategy;
    const pages = this.pages;
    const fifoId = this.fifoId;
    const fifoPage = this.fifoPage;
    const fifoOffset = this.fifoOffset;
    const notify = this.notifyRelease;
    let done = 0;
    while (done < count && this.head !== this.tail) {
      const h = this.head;
      this.head = (h + 1) & 2047;
      const r = strategy.complete(fifoId[h], FRAGMENT, 1500);
      if (r === REJECTED || r === DROPPED) throw new Error(`strategy ${strategy.name} refused its own buffer`);
      // The stack is done with the fragment: drop its page reference.
      const page = r === REDIRECTED ? this.redirect.page : fifoPage[h];
      pages.put(page);
      if (notify) {
        const offset = r === REDIRECTED ? this.redirect.offset : fifoOffset[h];
        (strategy as Required<RxStrategy>).onFragmentRelease(page, offset, 1500, true);
      }
      done++;
    }
    return done;
  }
}
