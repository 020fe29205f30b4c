import {
  CompletionKind,
  CompletionResult,
  NO_PAGE,
  type PageTable,
  RX_STRATEGY_CONTRACT_VERSION,
  type RxStrategy,
  type RxStrategyEnv,
  type RxStrategyFactory,
} from "@rxsim/core";
import { BufList, BufStates } from "./buf-states.js";
import { INT_MAX, NONE } from "./constants.js";
import {
  type FreeReason,
  logAllocFail,
  logFrag,
  logFreePage,
  logPost,
  logReject,
  logRestock,
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
import type { DqoStats } from "./stats.js";

/**
 * The gve DQO receive path's two-list page recycler (kernels before 2024):
 * buffer states indexed by buffer id, a LIFO free list, the `recycled` and
 * `used` FIFOs, and the `pagecnt_bias` that pre-pays page references.
 *
 * ```ts
 * const sq = createScriptedQueue({ factory: createDqoStrategy() });
 * ```
 * @throws RangeError when an option is out of range (named in the message).
 */
export function createDqoStrategy(options: DqoOptions = {}): RxStrategyFactory<ResolvedDqoOptions> {
  const resolved = resolveDqoOptions(options);
  const name = resolved.bias ? "dqo" : "dqo-nobias";
  return {
    contractVersion: RX_STRATEGY_CONTRACT_VERSION,
    name,
    options: resolved,
    create: (env) => new DqoStrategy(env, resolved, name),
  };
}

/**
 * One queue's DQO recycler. Created by {@link createDqoStrategy}; exported so
 * tests and reports can inspect its buffer states (`states`).
 */
export class DqoStrategy implements RxStrategy {
  /** {@inheritDoc RxStrategy.contractVersion} */
  readonly contractVersion = RX_STRATEGY_CONTRACT_VERSION;
  /** `"dqo"`, or `"dqo-nobias"` without the bias trick. */
  readonly name: string;
  /** {@inheritDoc RxStrategy.copybreak} */
  readonly copybreak: number;
  /** Page size, buffer size and state count in use. */
  readonly geometry: DqoGeometry;
  /** The buffer state array and its lists. */
  readonly states: BufStates;

  private readonly env: RxStrategyEnv;
  private readonly pages: PageTable;
  private readonly bufferSize: number;
  private readonly pageMask: number;
  private readonly scanLimit: number;
  private readonly useBias: boolean;
  /** `2 * buf_size > PAGE_SIZE`: one buffer per page, never reused at another offset. */
  private readonly onePerPage: boolean;
  /** Where the state last returned by getRecycledBufState came from. */
  private source: PostSource = PostSource.Free;

  private rxBufAllocFail = 0;
  private rxDescErrDroppedPkt = 0;
  private rxSkbAllocFail = 0;
  private rxCopybreakPkt = 0;
  private recycledHits = 0;
  private usedHits = 0;
  private usedScanned = 0;
  private usedRequeued = 0;
  private statesDiscarded = 0;
  private pagesAllocated = 0;
  private pagesFreed = 0;
  private biasRestocks = 0;
  private freshStates = 0;

  /** Use {@link createDqoStrategy}. */
  constructor(env: RxStrategyEnv, options: ResolvedDqoOptions, name: string) {
    this.env = env;
    this.pages = env.pages;
    this.name = name;
    const g = resolveDqoGeometry(options, env.config);
    this.geometry = g;
    this.copybreak = g.copybreak;
    this.bufferSize = g.bufferSize;
    this.pageMask = g.pageSize - 1;
    this.scanLimit = options.scanLimit;
    this.useBias = options.bias;
    this.onePerPage = 2 * g.bufferSize > g.pageSize;
    this.states = new BufStates(g.numBufStates);
  }

  /** `gve_rx_post_buffers_dqo`: post up to `max` buffers, reusing before allocating. */
  refill(max: number): number {
    const s = this.states;
    const log = this.env.log;
    let posted = 0;
    while (posted < max) {
      let id = this.getRecycledBufState();
      if (id === NONE) {
        id = s.allocState();
        if (id === NONE) break;
        if (!this.allocPage(id)) {
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
      this.env.post(id, page, offset, this.bufferSize);
      posted++;
    }
    return posted;
  }

  /** `gve_rx_dqo`'s share: validate the id, then take the buffer back. */
  complete(bufId: number, kind: CompletionKind, _bytes: number): CompletionResult {
    const s = this.states;
    const log = this.env.log;
    if (bufId < 0 || bufId >= s.size) {
      this.rxDescErrDroppedPkt++;
      if (log !== null) logReject(log, bufId, "range");
      return CompletionResult.Rejected;
    }
    if (!s.isAllocated(bufId)) {
      this.rxDescErrDroppedPkt++;
      if (log !== null) logReject(log, bufId, "not-allocated");
      return CompletionResult.Rejected;
    }
    if (kind === CompletionKind.Fragment) {
      this.decPagecntBias(bufId);
      this.tryRecycleBuf(bufId);
      return CompletionResult.Accepted;
    }
    // Copybreak, rx_error and a failed skb allocation: nothing references the
    // buffer, so it goes back on recycled at the same offset with the same bias.
    if (kind === CompletionKind.Copy) this.rxCopybreakPkt++;
    else if (kind === CompletionKind.NoMemory) this.rxSkbAllocFail++;
    s.enqueue(BufList.Recycled, bufId);
    if (log !== null) logReturn(log, bufId);
    return CompletionResult.Accepted;
  }

  /** `gve_rx_free_ring_dqo`: free the page of every state that has one. */
  teardown(): void {
    const page = this.states.page;
    for (let id = 0; id < this.states.size; id++) if (page[id] !== NONE) this.freePage(id, "teardown");
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
      pages_allocated: this.pagesAllocated,
      pages_freed: this.pagesFreed,
      bias_restocks: this.biasRestocks,
      fresh_states: this.freshStates,
    };
  }

  /** `gve_buf_ref_cnt`: references the stack holds, `page_count - pagecnt_bias` (one read). */
  private refCount(id: number): number {
    return this.pages.count(this.states.page[id]) - this.states.pagecntBias[id];
  }

  /**
   * `gve_get_recycled_buf_state`: the recycled head; else up to `scanLimit`
   * used entries with no stack reference; else, only when the free list is
   * empty, one more used entry, whose page is freed if still referenced.
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
      if (this.refCount(id) === 0) {
        this.usedHits++;
        this.source = PostSource.Used;
        return id;
      }
      s.enqueue(BufList.Used, id);
      this.usedRequeued++;
    }
    if (s.freeHead === NONE) {
      // No free state to allocate with: discard a used entry so one exists.
      id = s.dequeue(BufList.Used);
      this.usedScanned++;
      if (this.refCount(id) === 0) {
        this.usedHits++;
        this.source = PostSource.DiscardReuse;
        return id;
      }
      this.freePage(id, "discard");
      this.statesDiscarded++;
      s.freeState(id);
    }
    return NONE;
  }

  /**
   * `gve_alloc_page_dqo`: a fresh page (count 1) at offset 0, stocked with
   * `INT_MAX - 1` more references in one atomic add, bias `INT_MAX`. Without
   * the bias trick the driver keeps just the allocation's reference (bias 1).
   * @returns false when the allocation failed.
   */
  private allocPage(id: number): boolean {
    const page = this.pages.alloc();
    if (page === NO_PAGE) return false;
    const s = this.states;
    s.page[id] = page;
    s.pageOffset[id] = 0;
    s.lastSingleRefOffset[id] = 0;
    if (this.useBias) {
      this.pages.add(page, INT_MAX - 1);
      s.pagecntBias[id] = INT_MAX;
    } else {
      s.pagecntBias[id] = 1;
    }
    this.pagesAllocated++;
    return true;
  }

  /**
   * `gve_dec_pagecnt_bias`: the fragment handed to the skb spends one pre-paid
   * reference (no atomic). At 0 the bias is restocked: one `page_count` read
   * and one atomic add of `INT_MAX - page_count`. Without the bias trick: one
   * `get_page` per fragment.
   */
  private decPagecntBias(id: number): void {
    const s = this.states;
    const page = s.page[id];
    if (!this.useBias) {
      this.pages.get(page);
      return;
    }
    if (--s.pagecntBias[id] === 0) {
      const pagecount = this.pages.count(page);
      s.pagecntBias[id] = INT_MAX - pagecount;
      this.pages.add(page, INT_MAX - pagecount);
      this.biasRestocks++;
      const log = this.env.log;
      if (log !== null) logRestock(log, id, page);
    }
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
    const log = this.env.log;
    if (this.onePerPage) {
      s.enqueue(BufList.Used, id);
      // The driver reads no count here; the log peeks without counting a read.
      if (log !== null) logFrag(log, id, this.pages.peek(s.page[id]) - s.pagecntBias[id], true);
      return;
    }
    const refs = this.refCount(id);
    if (refs === 1) s.lastSingleRefOffset[id] = s.pageOffset[id];
    const offset = (s.pageOffset[id] + this.bufferSize) & this.pageMask;
    s.pageOffset[id] = offset;
    const toUsed = offset === s.lastSingleRefOffset[id];
    s.enqueue(toUsed ? BufList.Used : BufList.Recycled, id);
    if (log !== null) logFrag(log, id, refs, toUsed);
  }

  /**
   * `gve_free_page_dqo`: return the unspent bias (`page_ref_sub(bias - 1)`, one
   * atomic) and drop the driver's own reference (`put_page`). The page is freed
   * now, or when the stack drops its last reference. Without the bias trick
   * there is nothing to return: just the `put_page`.
   */
  private freePage(id: number, reason: FreeReason): void {
    const s = this.states;
    const page = s.page[id];
    const log = this.env.log;
    if (log !== null) logFreePage(log, page, id, reason);
    if (this.useBias) this.pages.sub(page, s.pagecntBias[id] - 1);
    this.pages.put(page);
    s.page[id] = NONE;
    this.pagesFreed++;
  }
}
