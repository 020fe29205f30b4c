/**
 * What `stats()` of a dqo strategy returns. Driver names where the driver has
 * the counter; the rest count the recycler's decisions.
 */
export type DqoStats = {
  /** Refills cut short by a failed page allocation (`rx_buf_alloc_fail`). */
  readonly rx_buf_alloc_fail: number;
  /**
   * Completions whose buffer id this strategy rejected (out of range or not
   * allocated). The driver's `rx_desc_err_dropped_pkt` also counts `rx_error`
   * packets; core's driver counter of that name does.
   */
  readonly rx_desc_err_dropped_pkt: number;
  /** Buffers returned because the skb could not be allocated (`rx_skb_alloc_fail`, as seen by the strategy). */
  readonly rx_skb_alloc_fail: number;
  /** Buffers returned after a copybreak copy (`rx_copybreak_pkt`, as seen by the strategy). */
  readonly rx_copybreak_pkt: number;
  /** Posts taken from the head of the recycled list. */
  readonly recycled_hits: number;
  /** Posts taken from the used list with no stack reference (by the scan or the discard branch). */
  readonly used_hits: number;
  /** Used-list entries examined (`page_count` read), by the scan and the discard branch. */
  readonly used_scanned: number;
  /** Entries the scan put back on the used list's tail because the stack still referenced them. */
  readonly used_requeued: number;
  /** Times the discard branch freed a still-referenced page to get a state back on the free list. */
  readonly states_discarded: number;
  /** Pages allocated for posting: `gve_alloc_page_dqo` successes, or in QPL mode the pool's pages at create. */
  readonly pages_allocated: number;
  /** Pages released by the strategy: `gve_free_page_dqo` (discard and teardown), or in QPL mode the pool's pages at teardown. */
  readonly pages_freed: number;
  /** Bias restocks: the bias reached 0 and was refilled with one atomic add. */
  readonly bias_restocks: number;
  /** Posts of a state from the free list (with a fresh page, or in QPL mode a pool page assigned for the first time). */
  readonly fresh_states: number;
  /** Pages in the queue page list (0 when QPL mode is off). */
  readonly qpl_pages: number;
  /** QPL mode: refills cut short because no state was usable and every pool page was assigned (the driver counts nothing). */
  readonly qpl_exhausted: number;
  /** QPL copy on demand: fragments copied into a freshly allocated page (`rx_frag_alloc_cnt`). */
  readonly rx_frag_alloc_cnt: number;
  /** QPL copy on demand: copies whose page allocation failed (the driver drops the packet: `rx_skb_alloc_fail`). */
  readonly copy_alloc_fail: number;
  /** Header split: bytes of header buffers, one per bufq slot, in coherent DMA memory outside the page table. */
  readonly header_buf_bytes: number;
};
