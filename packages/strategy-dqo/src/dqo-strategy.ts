import {
  CompletionKind,
  CompletionResult,
  type DecisionLogSink,
  type DmaApi,
  defineStrategyFactory,
  type PageTable,
  RX_STRATEGY_CONTRACT_VERSION,
  type RxStrategy,
  type RxStrategyEnv,
  type RxStrategyFactory,
} from "@rxsim/core";
import { BufPages } from "./buf-pages.js";
import { BufList, BufStates } from "./buf-states.js";
import { NONE } from "./constants.js";
import { CopyOnDemand } from "./copy-on-demand.js";
import {
  logAllocFail,
  logFrag,
  logPost,
  logQplExhausted,
  logQplPool,
  logReject,
  logReturn,
  PostSource,
} from "./log-lines.js";
import {
  type DqoGeometry,
  type DqoOptions,
  type ResolvedDqoOptions,
  resolveDqoGeometry,
  resolveDqoOptions,
} from "./options.js";
import { QplPool } from "./qpl-pool.js";
import type { DqoStats } from "./stats.js";

// Module constants for the per-packet paths: under a module runner (vitest) every
// read of an imported binding is a getter call.
const K_ERROR = CompletionKind.Error;
const K_FRAGMENT = CompletionKind.Fragment;
const K_COPY = CompletionKind.Copy;
const K_NOMEM = CompletionKind.NoMemory;
const R_REJECTED = CompletionResult.Rejected;
const R_ACCEPTED = CompletionResult.Accepted;

/** The factory name: `dqo`, `-qpl` and `-hds` for the modes, `-nobias` without the bias trick. */
function strategyName(options: ResolvedDqoOptions): string {
  return `dqo${options.qpl !== null ? "-qpl" : ""}${options.headerSplit ? "-hds" : ""}${options.bias ? "" : "-nobias"}`;
}

/**
 * The gve DQO receive path's two-list page recycler (kernels before 2024):
 * buffer states indexed by buffer id, a LIFO free list, the `recycled` and
 * `used` FIFOs, and the `pagecnt_bias` that pre-pays page references. With
 * `qpl` it models the DQO-QPL format (a fixed registered pool, copy on
 * demand; kernel 6.6), with `headerSplit` header split (kernel 6.9).
 *
 * ```ts
 * const sq = createScriptedQueue({ factory: createDqoStrategy() });
 * ```
 * @throws RangeError when an option is out of range (named in the message).
 */
export function createDqoStrategy(options: DqoOptions = {}): RxStrategyFactory<ResolvedDqoOptions> {
  const resolved = resolveDqoOptions(options);
  return defineStrategyFactory(strategyName(resolved), resolved, DqoStrategy);
}

/**
 * One queue's DQO recycler. Created by {@link createDqoStrategy}; exported so
 * tests and reports can inspect its buffer states (`states`).
 */
export class DqoStrategy implements RxStrategy {
  /** {@inheritDoc RxStrategy.contractVersion} */
  readonly contractVersion = RX_STRATEGY_CONTRACT_VERSION;
  /** `"dqo"`, with `-qpl`, `-hds` and `-nobias` for QPL mode, header split and no bias trick. */
  readonly name: string;
  /** {@inheritDoc RxStrategy.copybreak} */
  readonly copybreak: number;
  /** Page size, buffer size and state count in use. */
  readonly geometry: DqoGeometry;
  /** The buffer state array and its lists. */
  readonly states: BufStates;

  private readonly pages: PageTable;
  // The env's members read per packet, held directly (one load instead of two).
  private readonly dma: DmaApi;
  private readonly log: DecisionLogSink | null;
  private readonly post: RxStrategyEnv["post"];
  private readonly bufferSize: number;
  private readonly pageMask: number;
  private readonly scanLimit: number;
  /** The pages behind the states and the driver's references on them. */
  private readonly bufPages: BufPages;
  /** `2 * buf_size > PAGE_SIZE`: one buffer per page, never reused at another offset. */
  private readonly onePerPage: boolean;
  /** Where the state last returned by getRecycledBufState came from. */
  private source: PostSource = PostSource.Free;
  /** The queue page list in QPL mode, else null. */
  private readonly qpl: QplPool | null;
  /** QPL mode's copy on demand, else null. */
  private readonly copier: CopyOnDemand | null;
  /** `used_buf_states_cnt`: kept as the driver keeps it (exact in QPL mode, where it is read). */
  private usedCount = 0;
  /** Copy on demand once `usedCount` reaches this: `num_buf_states - threshold` in QPL mode, else never. */
  private readonly ondemandFloor: number;

  private rxBufAllocFail = 0;
  private rxDescErrDroppedPkt = 0;
  private rxSkbAllocFail = 0;
  private rxCopybreakPkt = 0;
  private recycledHits = 0;
  private usedHits = 0;
  private usedScanned = 0;
  private usedRequeued = 0;
  private statesDiscarded = 0;
  private freshStates = 0;
  private qplExhausted = 0;
  private readonly headerBufBytes: number;

  /**
   * Use {@link createDqoStrategy}. In QPL mode this allocates the whole pool.
   * @throws RangeError when the buffer size does not fit the page, or the page table's cap is below the QPL's size.
   * @throws QueueCannotStartError when the pool cannot be allocated (the queue cannot start).
   */
  constructor(env: RxStrategyEnv, options: ResolvedDqoOptions, name: string) {
    this.pages = env.pages;
    this.dma = env.dma;
    this.log = env.log;
    this.post = env.post;
    this.name = name;
    const g = resolveDqoGeometry(options, env.config);
    this.geometry = g;
    this.copybreak = g.copybreak;
    this.bufferSize = g.bufferSize;
    this.pageMask = g.pageSize - 1;
    this.scanLimit = options.scanLimit;
    this.onePerPage = 2 * g.bufferSize > g.pageSize;
    this.states = new BufStates(g.numBufStates);
    this.headerBufBytes = g.headerBufferSize * env.config.bufqSlots;
    if (options.qpl === null) {
      this.qpl = null;
      this.copier = null;
      this.ondemandFloor = Number.POSITIVE_INFINITY;
      this.bufPages = new BufPages(this.states, env.pages, env.dma, env.log, options.bias, null);
      return;
    }
    if (env.pages.maxPages < g.qplPages) {
      throw new RangeError(
        `dqo: the queue page list needs ${g.qplPages} pages but the page table holds at most ${env.pages.maxPages} (maxPages)`,
      );
    }
    // gve_alloc_queue_page_list at ring setup: the whole pool, before any post.
    if (env.log !== null) logQplPool(env.log, g.qplPages);
    this.qpl = new QplPool(env.pages, g.qplPages);
    // gve_alloc_queue_page_list maps every page as it registers it (gve_alloc_page): once, for the ring's life.
    for (const page of this.qpl.pages) env.dma.map(page);
    this.copier = new CopyOnDemand(env, this.states);
    this.bufPages = new BufPages(this.states, env.pages, env.dma, env.log, options.bias, this.qpl);
    // gve_rx_should_trigger_copy_ondemand: used_buf_states_cnt >= num_buf_states - threshold.
    this.ondemandFloor = g.numBufStates - options.qpl.ondemandThreshold;
  }

  /**
   * `used_buf_states_cnt`: incremented when a state goes to used, decremented
   * when the scan takes one back (not by the discard branch, as in the driver,
   * so it is exact in QPL mode only, where copy on demand reads it).
   */
  get usedBufStatesCnt(): number {
    return this.usedCount;
  }

  /** `gve_rx_post_buffers_dqo`: post up to `max` buffers, reusing before allocating. */
  refill(max: number): number {
    const s = this.states;
    const log = this.log;
    let posted = 0;
    while (posted < max) {
      let id = this.getRecycledBufState();
      if (id === NONE) {
        id = s.allocState();
        if (id === NONE) {
          // Only in QPL mode (elsewhere the discard branch refills the free list):
          // every page is posted or held, and posting stops until one comes back.
          this.qplExhausted++;
          if (log !== null) logQplExhausted(log, posted, max);
          break;
        }
        if (!this.bufPages.alloc(id)) {
          this.rxBufAllocFail++;
          if (log !== null) logAllocFail(log, id);
          s.freeState(id);
          break;
        }
        this.freshStates++;
        this.source = PostSource.Free;
      }
      const page = s.page[id];
      const offset = s.pageOffset[id];
      if (log !== null) logPost(log, id, page, offset, this.bufferSize, this.source);
      this.post(id, page, offset, this.bufferSize);
      posted++;
    }
    return posted;
  }

  /** `gve_rx_dqo`'s share: validate the id, then take the buffer back. */
  complete(bufId: number, kind: CompletionKind, bytes: number): CompletionResult {
    const s = this.states;
    const log = this.log;
    if (bufId < 0 || bufId >= s.size) {
      this.rxDescErrDroppedPkt++;
      if (log !== null) logReject(log, bufId, "range");
      return R_REJECTED;
    }
    if (!s.isAllocated(bufId)) {
      this.rxDescErrDroppedPkt++;
      if (log !== null) logReject(log, bufId, "not-allocated");
      return R_REJECTED;
    }
    // gve_rx_dqo syncs the received bytes for the CPU after the rx_error check, before copybreak.
    if (kind !== K_ERROR) this.dma.syncForCpu(s.page[bufId]);
    if (kind === K_FRAGMENT) {
      // QPL, used list near the pool size (gve_rx_should_trigger_copy_ondemand): copy instead.
      if (this.usedCount >= this.ondemandFloor) return (this.copier as CopyOnDemand).copy(bufId, bytes, this.usedCount);
      this.bufPages.decBias(bufId);
      this.tryRecycleBuf(bufId);
      return R_ACCEPTED;
    }
    // Copybreak, rx_error and a failed skb allocation: nothing references the
    // buffer, so it goes back on recycled at the same offset with the same bias.
    if (kind === K_COPY) this.rxCopybreakPkt++;
    else if (kind === K_NOMEM) this.rxSkbAllocFail++;
    s.enqueue(BufList.Recycled, bufId);
    if (log !== null) logReturn(log, bufId);
    return R_ACCEPTED;
  }

  /**
   * `gve_rx_free_ring_dqo`: free the page of every state that has one. In QPL
   * mode a state only returns its unspent bias, then the QPL's own reference
   * of every pool page is dropped. Copy-on-demand pages are not the
   * strategy's: their one reference travels with the skb.
   */
  teardown(): void {
    const page = this.states.page;
    const qpl = this.qpl;
    for (let id = 0; id < this.states.size; id++) {
      if (page[id] === NONE) continue;
      if (qpl === null) this.bufPages.free(id, "teardown");
      else this.bufPages.unassignQpl(id);
    }
    if (qpl !== null) {
      // gve_free_queue_page_list unmaps each registered page before dropping the QPL's reference.
      for (const p of qpl.pages) this.dma.unmap(p);
      this.bufPages.pagesFreed += qpl.release(this.pages, this.log);
    }
  }

  /** The counters in {@link DqoStats}. */
  stats(): DqoStats {
    return {
      rx_buf_alloc_fail: this.rxBufAllocFail,
      rx_desc_err_dropped_pkt: this.rxDescErrDroppedPkt,
      rx_skb_alloc_fail: this.rxSkbAllocFail,
      rx_copybreak_pkt: this.rxCopybreakPkt,
      recycled_hits: this.recycledHits,
      used_hits: this.usedHits,
      used_scanned: this.usedScanned,
      used_requeued: this.usedRequeued,
      states_discarded: this.statesDiscarded,
      pages_allocated: this.bufPages.pagesAllocated,
      pages_freed: this.bufPages.pagesFreed,
      bias_restocks: this.bufPages.biasRestocks,
      fresh_states: this.freshStates,
      qpl_pages: this.geometry.qplPages,
      qpl_exhausted: this.qplExhausted,
      rx_frag_alloc_cnt: this.copier ? this.copier.fragAllocCnt : 0,
      copy_alloc_fail: this.copier ? this.copier.allocFail : 0,
      header_buf_bytes: this.headerBufBytes,
    };
  }

  /**
   * `gve_get_recycled_buf_state`: the recycled head; else up to `scanLimit`
   * used entries with no stack reference; else (not in QPL mode), only when
   * the free list is empty, one more used entry, whose page is freed if still referenced.
   * Sets `source`; returns {@link NONE} when the caller must allocate.
   */
  private getRecycledBufState(): number {
    const s = this.states;
    let id = s.dequeue(BufList.Recycled);
    if (id !== NONE) {
      this.recycledHits++;
      this.source = PostSource.Recycled;
      return id;
    }
    if (s.isEmpty(BufList.Used)) return NONE;
    // FIFO: the oldest used entry has had the longest time to lose its references.
    for (let i = 0; i < this.scanLimit; i++) {
      id = s.dequeue(BufList.Used);
      this.usedScanned++;
      if (this.bufPages.refCount(id) === 0) {
        this.usedCount--;
        this.usedHits++;
        this.source = PostSource.Used;
        return id;
      }
      s.enqueue(BufList.Used, id);
      this.usedRequeued++;
    }
    // QPL: no page may be freed or allocated; wait for used entries to come free.
    if (this.qpl !== null) return NONE;
    if (s.freeHead === NONE) {
      // No free state to allocate with: discard a used entry so one exists.
      id = s.dequeue(BufList.Used);
      this.usedScanned++;
      if (this.bufPages.refCount(id) === 0) {
        this.usedHits++;
        this.source = PostSource.DiscardReuse;
        return id;
      }
      this.bufPages.free(id, "discard");
      this.statesDiscarded++;
      s.freeState(id);
    }
    return NONE;
  }

  /**
   * `gve_try_recycle_buf`, after a fragment went up: a page holding one
   * buffer goes to used. Otherwise remember the offset if the stack holds just
   * this fragment (every other offset is free then), move to the next buffer
   * of the page, wrapping at `PAGE_SIZE`, and go to used only when that lands
   * on `last_single_ref_offset` (it may still be held), else to recycled.
   */
  private tryRecycleBuf(id: number): void {
    const s = this.states;
    const log = this.log;
    if (this.onePerPage) {
      s.enqueue(BufList.Used, id);
      this.usedCount++;
      // The driver reads no count here; the log peeks without counting a read.
      if (log !== null) logFrag(log, id, this.pages.peek(s.page[id]) - s.pagecntBias[id], true);
      return;
    }
    const refs = this.bufPages.refCount(id);
    if (refs === 1) s.lastSingleRefOffset[id] = s.pageOffset[id];
    const offset = (s.pageOffset[id] + this.bufferSize) & this.pageMask;
    s.pageOffset[id] = offset;
    const toUsed = offset === s.lastSingleRefOffset[id];
    s.enqueue(toUsed ? BufList.Used : BufList.Recycled, id);
    if (toUsed) this.usedCount++;
    if (log !== null) logFrag(log, id, refs, toUsed);
  }
}
