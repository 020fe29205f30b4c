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
import { NONE } from "./constants.js";
import {
  type OracleGeometry,
  type OracleOptions,
  oracleGeometry,
  type ResolvedOracleOptions,
  resolveOracleOptions,
} from "./options.js";
import { PieceMap } from "./piece-map.js";

/** The strategy's name in tables and logs. */
export const ORACLE_NAME = "oracle";

/**
 * The bound: a recycler told, through `onFragmentRelease`, exactly which
 * bytes the stack frees. It cuts pages into buffer-sized pieces, posts any
 * free piece at once, allocates a page only when no piece is free anywhere and
 * gives pages back only at teardown. For the same traffic and the same posted
 * buffers, its allocations and its peak resident pages are the least any
 * recycler working in buffer-sized pieces can have (see the README).
 */
export function createOracleStrategy(options: OracleOptions = {}): RxStrategyFactory<ResolvedOracleOptions> {
  const resolved = resolveOracleOptions(options);
  return defineStrategyFactory(ORACLE_NAME, resolved, OracleStrategy);
}

class OracleStrategy implements RxStrategy {
  readonly contractVersion = RX_STRATEGY_CONTRACT_VERSION;
  readonly name = ORACLE_NAME;
  readonly copybreak: number;
  private readonly env: RxStrategyEnv;
  private readonly g: OracleGeometry;
  private readonly map: PieceMap;

  // Posted buffers: page and offset per buffer id, and a LIFO stack of free ids.
  private readonly ids: BufferIdTable;

  private piecesReused = 0;
  private pagesAllocated = 0;
  private pagesFreed = 0;
  private rxBufAllocFail = 0;

  constructor(env: RxStrategyEnv, o: ResolvedOracleOptions) {
    this.env = env;
    this.g = oracleGeometry(o, env.config);
    this.copybreak = this.g.copybreak;
    this.map = new PieceMap(this.g.piecesPerPage);
    // At most bufq slots - 1 buffers are ever outstanding.
    this.ids = new BufferIdTable(env.config.bufqSlots, "lifo");
  }

  refill(max: number): number {
    const env = this.env;
    const map = this.map;
    const ids = this.ids;
    const p = this.g.piecesPerPage;
    const len = this.g.bufferSize;
    let posted = 0;
    while (posted < max && ids.free > 0) {
      let piece = map.take();
      if (piece === NONE) {
        // No piece is free on any page held: only now is a page allocated.
        const page = env.pages.alloc();
        if (page === NO_PAGE) {
          this.rxBufAllocFail++;
          break;
        }
        this.pagesAllocated++;
        // Mapped once, for as long as the oracle holds the page.
        env.dma.map(page);
        map.addPage(page);
        piece = map.take();
      }
      const fresh = map.firstUse(piece);
      if (!fresh) this.piecesReused++;
      const page = Math.floor(piece / p);
      const offset = (piece - page * p) * len;
      const id = ids.take(page, offset);
      if (env.log) env.log.line(`D post ${id} page=${page} off=${offset} len=${len} ${fresh ? "new" : "reuse"}`);
      env.post(id, page, offset, len);
      posted++;
    }
    return posted;
  }

  complete(bufId: number, kind: CompletionKind, _bytes: number): CompletionResult {
    const page = this.ids.reclaim(bufId);
    if (page === NO_PAGE) return CompletionResult.Rejected;
    if (kind === CompletionKind.Fragment) {
      // The skb's reference: one honest atomic per fragment. The oracle bounds
      // pages, not atomics, so it needs no pre-paid bias.
      this.env.pages.get(page);
    } else {
      // Copybreak, rx error, skb allocation failure: nothing holds the piece
      // (posted offsets are whole pieces, so the division is exact).
      this.map.markFree(page, this.ids.offset(bufId) / this.g.bufferSize);
    }
    return CompletionResult.Accepted;
  }

  /** The stack dropped a fragment's reference: its piece is free from now on. */
  onFragmentRelease(page: number, offset: number, _len: number, _inNapi: boolean): void {
    // Pages not held (after teardown, none is) are ignored by the map.
    this.map.markFree(page, Math.floor(offset / this.g.bufferSize));
  }

  /** Drop the one reference the oracle keeps on each page; pages the stack still holds free on release. */
  teardown(): void {
    const { pages, dma } = this.env;
    for (const page of this.map.heldPages()) {
      dma.unmap(page);
      pages.put(page);
      this.pagesFreed++;
    }
    this.map.clear();
    this.ids.releaseAll();
  }

  stats(): Readonly<Record<string, number>> {
    return {
      pieces_reused: this.piecesReused,
      pages_allocated: this.pagesAllocated,
      pages_freed: this.pagesFreed,
      free_pieces: this.map.freePieces,
      rx_buf_alloc_fail: this.rxBufAllocFail,
      invalid_buf_id: this.ids.rejected,
    };
  }
}
