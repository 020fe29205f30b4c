/**
 * Buffer infos waiting at `next_to_alloc`: pages handed back to the ring by
 * `ixgbe_reuse_rx_page`, in the order they were cleaned. `ixgbe_alloc_rx_buffers`
 * posts them first (`ixgbe_alloc_mapped_page` finds the page already there) and
 * allocates only for the slots behind them. A FIFO in flat typed arrays.
 */
export class ReuseRing {
  /** Capacity: never more infos wait than there are free buffer ids. */
  readonly capacity: number;
  /** Page of each waiting info. */
  readonly page: Int32Array;
  /** `page_offset` the page will be posted at. */
  readonly offset: Int32Array;
  /** `pagecnt_bias` carried over (`new_buff->pagecnt_bias = old_buff->pagecnt_bias`). */
  readonly bias: Int32Array;
  /** 1 when `dev_page_is_reusable` holds for the page. */
  readonly reusable: Uint8Array;
  /** Index of the oldest waiting info. */
  head = 0;
  /** Infos waiting. */
  length = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.page = new Int32Array(capacity);
    this.offset = new Int32Array(capacity);
    this.bias = new Int32Array(capacity);
    this.reusable = new Uint8Array(capacity);
  }

  /** `ixgbe_reuse_rx_page`: store the info at `next_to_alloc`. */
  push(page: number, offset: number, bias: number, reusable: number): void {
    if (this.length === this.capacity) throw new Error("page-flip: reuse ring overflow (more pages than free ids)");
    const i = (this.head + this.length) % this.capacity;
    this.page[i] = page;
    this.offset[i] = offset;
    this.bias[i] = bias;
    this.reusable[i] = reusable;
    this.length++;
  }

  /** Drop the oldest info (read it at {@link head} first). */
  shift(): void {
    this.head = (this.head + 1) % this.capacity;
    this.length--;
  }
}
