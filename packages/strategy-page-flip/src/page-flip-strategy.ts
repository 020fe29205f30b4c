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
import { USHRT_MAX } from "./constants.js";
import {
  type PageFlipGeometry,
  type PageFlipOptions,
  pageFlipGeometry,
  type ResolvedPageFlipOptions,
  resolvePageFlipOptions,
} from "./options.js";
import { nextOffset, ReuseVerdict, reuseVerdict } from "./reuse-check.js";
import { ReuseRing } from "./reuse-ring.js";

/** The strategy's name in tables and logs. */
export const PAGE_FLIP_NAME = "page-flip";

/**
 * The Intel ixgbe/i40e/ice receive buffer reuse: every ring slot owns a page
 * stocked with `USHRT_MAX` references; a fragment spends one with a plain
 * decrement, and the page goes back to the ring flipped to its other half
 * (4 KiB pages) or walked forward (larger pages) while the stack lets go in
 * time. Otherwise its remaining references are drained in one atomic and the
 * slot gets a fresh page at the next refill.
 */
export function createPageFlipStrategy(options: PageFlipOptions = {}): RxStrategyFactory<ResolvedPageFlipOptions> {
  const resolved = resolvePageFlipOptions(options);
  return defineStrategyFactory(PAGE_FLIP_NAME, resolved, PageFlipStrategy);
}

class PageFlipStrategy implements RxStrategy {
  readonly contractVersion = RX_STRATEGY_CONTRACT_VERSION;
  readonly name = PAGE_FLIP_NAME;
  readonly copybreak: number;
  private readonly env: RxStrategyEnv;
  private readonly g: PageFlipGeometry;
  private readonly truesizeStride: boolean;
  private readonly nonReusableFraction: number;
  /**
   * The posted buffers' `rx_buffer_info`: page and `page_offset` per buffer id
   * in the table, `pagecnt_bias` and `dev_page_is_reusable` (1 or 0) in the
   * two arrays beside it.
   *
   * In ixgbe the buffer id is the descriptor slot. rxsim's device may complete
   * out of order (gve DQO semantics), so the ring slot the driver refills next
   * can belong to a buffer the device still holds. Ids therefore come from a
   * FIFO of free ids, seeded 0, 1, 2, …: ids are handed out in ring order and
   * come back in completion order, so with in-order completion (ixgbe's
   * hardware) every buffer's id equals its ring slot, and with out-of-order
   * completion no id is ever posted twice.
   */
  private readonly ids: BufferIdTable;
  private readonly bias: Int32Array;
  private readonly reusable: Uint8Array;
  private readonly ring: ReuseRing;

  // Counters, named after i40e's `page_*_count` and ixgbe's `alloc_rx_page_failed`.
  private reuse = 0;
  private alloc = 0;
  private waive = 0;
  private busy = 0;
  private restock = 0;
  private rxBufAllocFail = 0;

  constructor(env: RxStrategyEnv, o: ResolvedPageFlipOptions) {
    this.env = env;
    this.g = pageFlipGeometry(o, env.config);
    this.copybreak = this.g.copybreak;
    this.truesizeStride = o.largePageStride === "truesize";
    this.nonReusableFraction = o.nonReusableFraction;
    this.ids = new BufferIdTable(env.config.bufqSlots, "fifo");
    this.bias = new Int32Array(env.config.bufqSlots);
    this.reusable = new Uint8Array(env.config.bufqSlots);
    this.ring = new ReuseRing(env.config.bufqSlots);
  }

  /** `ixgbe_alloc_rx_buffers`: reused pages first, then fresh ones; an allocation failure ends the refill. */
  refill(max: number): number {
    const env = this.env;
    const ids = this.ids;
    const ring = this.ring;
    let posted = 0;
    while (posted < max && ids.free > 0) {
      let page: number;
      let offset: number;
      let bias: number;
      let reusable: number;
      const fresh = ring.length === 0;
      if (!fresh) {
        // `ixgbe_alloc_mapped_page` finds the page `ixgbe_reuse_rx_page` left there.
        const i = ring.head;
        page = ring.page[i];
        offset = ring.offset[i];
        bias = ring.bias[i];
        reusable = ring.reusable[i];
        ring.shift();
        this.reuse++;
      } else {
        page = env.pages.alloc();
        if (page === NO_PAGE) {
          this.rxBufAllocFail++;
          break;
        }
        // `ixgbe_alloc_mapped_page`: map the page once; it stays mapped while the slot keeps it.
        env.dma.map(page);
        // One atomic stocks the references every later fragment spends with a plain decrement.
        env.pages.add(page, USHRT_MAX - 1);
        bias = USHRT_MAX;
        offset = 0;
        // Whether the page came from another node or the pfmemalloc reserve is fixed at allocation.
        const f = this.nonReusableFraction;
        reusable = f > 0 && env.rng.nextFloat() < f ? 0 : 1;
        this.alloc++;
      }
      const id = ids.take(page, offset);
      this.bias[id] = bias;
      this.reusable[id] = reusable;
      const len = this.g.bufferSize;
      if (env.log) env.log.line(`D post ${id} page=${page} off=${offset} len=${len} ${fresh ? "new" : "reuse"}`);
      // `ixgbe_alloc_rx_buffers` syncs every buffer it posts for the device (the map skipped the CPU sync).
      env.dma.syncForDevice(page);
      env.post(id, page, offset, len);
      posted++;
    }
    return posted;
  }

  complete(bufId: number, kind: CompletionKind, bytes: number): CompletionResult {
    const ids = this.ids;
    const page = ids.reclaim(bufId);
    if (page === NO_PAGE) return CompletionResult.Rejected;
    let offset = ids.offset(bufId);
    let bias = this.bias[bufId];
    const reusable = this.reusable[bufId];
    // `ixgbe_get_rx_buffer` syncs the received bytes for the CPU, whatever happens next.
    this.env.dma.syncForCpu(page);

    let verdict: ReuseVerdict;
    // The drivers build an skb for an errored packet too (copying it whole only when it is short),
    // and free it after ixgbe_put_rx_buffer: ixgbe_cleanup_headers, i40e_cleanup_headers, ice_clean_rx_irq.
    const errorFrag = kind === CompletionKind.Error && this.g.errorAsFragment && bytes > this.g.copybreak;
    if (kind === CompletionKind.Fragment || errorFrag) {
      // `ixgbe_get_rx_buffer`: read the count (4 KiB pages, or any page with ice), spend one
      // pre-paid reference for the skb's fragment without an atomic.
      const pgcnt = this.g.countCheck ? this.env.pages.count(page) : 0;
      bias--;
      offset = nextOffset(this.g, this.truesizeStride, offset, bytes);
      verdict = reuseVerdict(this.g, reusable === 1, pgcnt, bias, offset);
    } else if (kind === CompletionKind.NoMemory) {
      // The skb allocation failed before the buffer was touched: it stays as it was.
      verdict = ReuseVerdict.Reuse;
    } else {
      // Copybreak (and, short or `"simplified"`, rx errors) still pass `ixgbe_put_rx_buffer`;
      // nothing went up, so bias and offset are unchanged and only the page's origin matters.
      verdict = reusable === 1 ? ReuseVerdict.Reuse : ReuseVerdict.Waive;
    }

    const log = this.env.log;
    if (verdict === ReuseVerdict.Reuse) {
      if (bias === 1) {
        // The reserve is spent: restock it in one atomic (`unlikely(pagecnt_bias == 1)`).
        this.env.pages.add(page, USHRT_MAX - 1);
        bias = USHRT_MAX;
        this.restock++;
        if (log) log.line(`D restock page=${page}`);
      }
      this.ring.push(page, offset, bias, reusable);
      if (log) log.line(`D reuse ${bufId} page=${page} off=${offset}`);
    } else {
      // `__page_frag_cache_drain`: give back the unspent references in one
      // atomic; the page is freed when the stack drops its fragments.
      if (verdict === ReuseVerdict.Waive) this.waive++;
      else this.busy++; // i40e counts the large-page end as `page_busy_count` too.
      if (log) log.line(`D drain ${bufId} page=${page} bias=${bias} ${VERDICT_NAMES[verdict]}`);
      // `ixgbe_put_rx_buffer`: unmap, then drain.
      this.env.dma.unmap(page);
      this.env.pages.sub(page, bias);
    }
    if (errorFrag) {
      // dev_kfree_skb_any: the errored skb's fragment reference goes at once.
      if (log) log.line(`D rx-error-free page=${page}`);
      this.env.pages.put(page);
    }
    return CompletionResult.Accepted;
  }

  /** `ixgbe_clean_rx_ring`: drain every page still owned by a slot, posted or waiting to be posted. */
  teardown(): void {
    const { pages, dma } = this.env;
    const bias = this.bias;
    this.ids.releaseAll((id, page) => {
      dma.unmap(page);
      pages.sub(page, bias[id]);
    });
    const ring = this.ring;
    while (ring.length > 0) {
      dma.unmap(ring.page[ring.head]);
      pages.sub(ring.page[ring.head], ring.bias[ring.head]);
      ring.shift();
    }
  }

  stats(): Readonly<Record<string, number>> {
    return {
      reuse: this.reuse,
      alloc: this.alloc,
      waive: this.waive,
      busy: this.busy,
      restock: this.restock,
      rx_buf_alloc_fail: this.rxBufAllocFail,
      invalid_buf_id: this.ids.rejected,
    };
  }
}

const VERDICT_NAMES = ["reuse", "waive", "busy", "page-end"] as const;
