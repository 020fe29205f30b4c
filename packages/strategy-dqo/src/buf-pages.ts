import { type DecisionLogSink, type DmaApi, NO_PAGE, type PageTable } from "@rxsim/core";
import type { BufStates } from "./buf-states.js";
import { INT_MAX, NONE } from "./constants.js";
import { type FreeReason, logFreePage, logQplUnassign, logRestock } from "./log-lines.js";
import type { QplPool } from "./qpl-pool.js";

/**
 * The pages behind the buffer states and the references the driver holds on
 * them: allocation with the `pagecnt_bias` stock (or one plain reference
 * without the bias trick), spending the bias per fragment, the stack's share
 * (`gve_buf_ref_cnt`), and freeing with the unspent bias returned. In QPL
 * mode pages come from the queue page list instead of the allocator.
 */
export class BufPages {
  /** Pages taken from the allocator (in QPL mode: the pool's, at create). */
  pagesAllocated = 0;
  /** Pages the driver let go of (the page itself is freed with its last reference). */
  pagesFreed = 0;
  /** Bias restocks: `pagecnt_bias` reached 0 and was topped up. */
  biasRestocks = 0;
  private readonly states: BufStates;
  private readonly pages: PageTable;
  private readonly dma: DmaApi;
  private readonly log: DecisionLogSink | null;
  private readonly useBias: boolean;
  private readonly qpl: QplPool | null;

  constructor(
    states: BufStates,
    pages: PageTable,
    dma: DmaApi,
    log: DecisionLogSink | null,
    useBias: boolean,
    qpl: QplPool | null,
  ) {
    this.states = states;
    this.pages = pages;
    this.dma = dma;
    this.log = log;
    this.useBias = useBias;
    this.qpl = qpl;
    if (qpl !== null) this.pagesAllocated = qpl.pages.length;
  }

  /** `gve_buf_ref_cnt`: references the stack holds, `page_count - pagecnt_bias` (one read). */
  refCount(id: number): number {
    return this.pages.count(this.states.page[id]) - this.states.pagecntBias[id];
  }

  /**
   * `gve_alloc_page_dqo`: a fresh page (count 1) at offset 0, stocked with
   * `INT_MAX - 1` more references in one atomic add, bias `INT_MAX`. Without
   * the bias trick the driver keeps just the allocation's reference (bias 1).
   * In QPL mode the page is the pool's next one (allocated at create) with
   * the same setup; that cannot fail (one state per pool page).
   * @returns false when the allocation failed.
   */
  alloc(id: number): boolean {
    let page: number;
    if (this.qpl === null) {
      page = this.pages.alloc();
      if (page === NO_PAGE) return false;
      this.pagesAllocated++;
      // gve_alloc_page: dma_map_page right after alloc_page.
      this.dma.map(page);
    } else {
      page = this.qpl.take();
    }
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
    return true;
  }

  /**
   * `gve_dec_pagecnt_bias`: the fragment handed to the skb spends one pre-paid
   * reference (no atomic). At 0 the bias is restocked: one `page_count` read
   * and one atomic add of `INT_MAX - page_count`. Without the bias trick: one
   * `get_page` per fragment.
   */
  decBias(id: number): void {
    const s = this.states;
    const page = s.page[id];
    if (!this.useBias) {
      this.pages.get(page);
      return;
    }
    if (--s.pagecntBias[id] === 0) this.restock(id, page);
  }

  private restock(id: number, page: number): void {
    const pagecount = this.pages.count(page);
    this.states.pagecntBias[id] = INT_MAX - pagecount;
    this.pages.add(page, INT_MAX - pagecount);
    this.biasRestocks++;
    if (this.log !== null) logRestock(this.log, id, page);
  }

  /**
   * `gve_free_page_dqo`: return the unspent bias (`page_ref_sub(bias - 1)`, one
   * atomic) and drop the driver's own reference (`put_page`). The page is freed
   * now, or when the stack drops its last reference. Without the bias trick
   * there is nothing to return: just the `put_page`.
   */
  free(id: number, reason: FreeReason): void {
    const s = this.states;
    const page = s.page[id];
    if (this.log !== null) logFreePage(this.log, page, id, reason);
    if (this.useBias) this.pages.sub(page, s.pagecntBias[id] - 1);
    // gve_free_page: dma_unmap_page, then put_page (the stack may still hold the page; it is unmapped all the same).
    this.dma.unmap(page);
    this.pages.put(page);
    s.page[id] = NONE;
    this.pagesFreed++;
  }

  /**
   * `gve_free_page_dqo(…, free_page = false)` at teardown in QPL mode: return
   * the unspent bias (`page_ref_sub(bias - 1)`) and forget the page, which
   * stays in the QPL until the QPL itself is released.
   */
  unassignQpl(id: number): void {
    const s = this.states;
    const page = s.page[id];
    if (this.log !== null) logQplUnassign(this.log, page, id);
    if (this.useBias) this.pages.sub(page, s.pagecntBias[id] - 1);
    s.page[id] = NONE;
  }
}
