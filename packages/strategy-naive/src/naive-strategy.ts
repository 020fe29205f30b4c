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
  resolveBufferSizes,
} from "@rxsim/core";

/** Options of {@link createNaiveStrategy}. */
export interface NaiveOptions {
  /** Bytes per posted buffer. Default: the queue's `bufferSize` (2048). */
  bufferSize?: number;
  /**
   * Carve each fresh page into `pageSize / bufferSize` buffers (each holding
   * one page reference) instead of one buffer per page. Pages are still never
   * reused: a page is freed when its last buffer's reference drops.
   */
  splitPages?: boolean;
  /** Copybreak threshold in bytes. Default: the queue's `copybreak` (256). */
  copybreak?: number;
}

/** The options after defaults that do not depend on the queue. */
export interface ResolvedNaiveOptions {
  bufferSize: number | "queue";
  splitPages: boolean;
  copybreak: number | "queue";
}

const NONE = -1;

/**
 * The baseline: allocate a page for every posted buffer and never reuse one.
 * The allocation's reference goes up with the fragment, so the page is freed
 * when the stack releases the skb; copybreak and dropped packets free it at once.
 */
export function createNaiveStrategy(options: NaiveOptions = {}): RxStrategyFactory<ResolvedNaiveOptions> {
  const resolved: ResolvedNaiveOptions = {
    bufferSize: options.bufferSize ?? "queue",
    splitPages: options.splitPages ?? false,
    copybreak: options.copybreak ?? "queue",
  };
  return defineStrategyFactory(resolved.splitPages ? "naive-split" : "naive", resolved, NaiveStrategy);
}

class NaiveStrategy implements RxStrategy {
  readonly contractVersion = RX_STRATEGY_CONTRACT_VERSION;
  readonly name: string;
  readonly copybreak: number;
  private readonly env: RxStrategyEnv;
  private readonly bufferSize: number;
  private readonly piecesPerPage: number;

  // Page and offset per buffer id; free ids form a LIFO stack.
  private readonly ids: BufferIdTable;

  // The page being carved (split mode) and its next piece.
  private carvePage = NONE;
  private carveNext = 0;

  // Pieces of each mapped page the device may still write (posted, or not yet carved).
  private readonly piecesMapped = new PieceCounts();

  private rxBufAllocFail = 0;
  private pagesAllocated = 0;
  private buffersPosted = 0;
  private buffersDropped = 0;

  constructor(env: RxStrategyEnv, o: ResolvedNaiveOptions) {
    this.env = env;
    this.name = o.splitPages ? "naive-split" : "naive";
    const sizes = resolveBufferSizes("naive", o, env.config, 1);
    this.bufferSize = sizes.bufferSize;
    this.copybreak = sizes.copybreak;
    this.piecesPerPage = o.splitPages ? Math.floor(env.config.pageSize / this.bufferSize) : 1;
    // At most bufq slots - 1 buffers are ever outstanding.
    this.ids = new BufferIdTable(env.config.bufqSlots, "lifo");
  }

  refill(max: number): number {
    const env = this.env;
    const pages = env.pages;
    const ids = this.ids;
    let posted = 0;
    while (posted < max && ids.free > 0) {
      if (this.carvePage === NONE) {
        const page = pages.alloc();
        if (page === NO_PAGE) {
          this.rxBufAllocFail++;
          break;
        }
        this.pagesAllocated++;
        // A page-per-buffer driver maps each page as it allocates it (e1000e's
        // `dma_map_page` in its alloc routine) and unmaps it once the device is done.
        env.dma.map(page);
        // One reference per piece, taken once (a single atomic add).
        if (this.piecesPerPage > 1) pages.add(page, this.piecesPerPage - 1);
        this.piecesMapped.set(page, this.piecesPerPage);
        this.carvePage = page;
        this.carveNext = 0;
      }
      const page = this.carvePage;
      const offset = this.carveNext * this.bufferSize;
      if (++this.carveNext === this.piecesPerPage) this.carvePage = NONE;
      const id = ids.take(page, offset);
      if (env.log) env.log.line(`D post ${id} page=${page} off=${offset} len=${this.bufferSize} new`);
      env.post(id, page, offset, this.bufferSize);
      posted++;
    }
    this.buffersPosted += posted;
    return posted;
  }

  complete(bufId: number, kind: CompletionKind, _bytes: number): CompletionResult {
    const page = this.ids.reclaim(bufId);
    if (page === NO_PAGE) return CompletionResult.Rejected;
    // The device is done with this piece: once it is done with every piece, unmap
    // (before the stack or the put below can free the page). Unmap implies the CPU sync.
    this.pieceDone(page);
    if (kind !== CompletionKind.Fragment) {
      // Nothing went up with a page reference: drop the buffer's own.
      this.buffersDropped++;
      this.env.pages.put(page);
    }
    // A fragment takes the buffer's reference with it; the stack's put frees the page.
    return CompletionResult.Accepted;
  }

  teardown(): void {
    const pages = this.env.pages;
    this.ids.releaseAll((_id, page) => {
      this.pieceDone(page);
      pages.put(page);
    });
    if (this.carvePage !== NONE) {
      // Pieces never posted still hold their references and their share of the mapping.
      const left = this.piecesPerPage - this.carveNext;
      if (this.piecesMapped.sub(this.carvePage, left) === 0) this.env.dma.unmap(this.carvePage);
      pages.sub(this.carvePage, left);
      this.carvePage = NONE;
    }
  }

  private pieceDone(page: number): void {
    if (this.piecesMapped.sub(page, 1) === 0) this.env.dma.unmap(page);
  }

  stats(): Readonly<Record<string, number>> {
    return {
      rx_buf_alloc_fail: this.rxBufAllocFail,
      pages_allocated: this.pagesAllocated,
      buffers_posted: this.buffersPosted,
      buffers_dropped: this.buffersDropped,
      invalid_buf_id: this.ids.rejected,
    };
  }
}

/** A count per page id in a growable typed array (no object per page). */
class PieceCounts {
  private n = new Int32Array(1024);

  set(page: number, count: number): void {
    if (page >= this.n.length) {
      let cap = this.n.length;
      while (cap <= page) cap *= 2;
      const b = new Int32Array(cap);
      b.set(this.n);
      this.n = b;
    }
    this.n[page] = count;
  }

  /** Subtract `k` and return what is left. */
  sub(page: number, k: number): number {
    this.n[page] -= k;
    return this.n[page];
  }
}
