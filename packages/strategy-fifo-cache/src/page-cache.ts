import { NO_PAGE, type PageTable } from "@rxsim/core";

/**
 * mlx5's RX page cache (`struct mlx5e_page_cache`): a ring of page ids with a
 * head and a tail, one slot always empty. Pages enter at the tail holding the
 * driver's reference and leave from the head, and only the head is ever
 * looked at.
 */
export class FifoPageCache {
  /** `cache_reuse`: pages taken from the head for a new buffer. */
  reuse = 0;
  /** `cache_full`: puts refused because the ring was full. */
  full = 0;
  /** `cache_empty`: gets that found the ring empty. */
  empty = 0;
  /** `cache_busy`: gets that found the head page still referenced by an skb. */
  busy = 0;

  private readonly slots: Int32Array;
  private readonly mask: number;
  private head = 0;
  private tail = 0;

  /** @param size - slots, a power of two; the cache holds `size - 1` pages. */
  constructor(size: number) {
    this.slots = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Pages in the cache now. */
  get count(): number {
    return (this.tail - this.head) & this.mask;
  }

  /**
   * `mlx5e_rx_cache_put`: append `page` (with the driver's reference) at the
   * tail. Returns false and counts `cache_full` when the ring is full; the
   * caller then releases the page.
   */
  put(page: number): boolean {
    const next = (this.tail + 1) & this.mask;
    if (next === this.head) {
      this.full++;
      return false;
    }
    this.slots[this.tail] = page;
    this.tail = next;
    return true;
  }

  /**
   * `mlx5e_rx_cache_get`: if the head page has only the driver's reference
   * (`page_ref_count == 1`, one read), pop and return it. Otherwise return
   * `NO_PAGE`, counting `cache_empty` or `cache_busy` — a busy head blocks
   * every page behind it, free or not.
   */
  get(pages: PageTable): number {
    if (this.head === this.tail) {
      this.empty++;
      return NO_PAGE;
    }
    const page = this.slots[this.head];
    if (pages.count(page) !== 1) {
      this.busy++;
      return NO_PAGE;
    }
    this.head = (this.head + 1) & this.mask;
    this.reuse++;
    return page;
  }

  /** Remove and return the head page without any check (teardown), or `NO_PAGE` when empty. */
  shift(): number {
    if (this.head === this.tail) return NO_PAGE;
    const page = this.slots[this.head];
    this.head = (this.head + 1) & this.mask;
    return page;
  }
}
