import { NO_PAGE } from "@rxsim/core";

/**
 * `SMP_CACHE_BYTES` on x86-64 and arm64 (64), over `sizeof(void *)` (8), times
 * two: the consumer clears consumed slots 16 at a time
 * (`__ptr_ring_set_size`, include/linux/ptr_ring.h, unchanged from v4.x to v6.18).
 */
export const PTR_RING_BATCH = (64 * 2) / 8;

const NULL_SLOT = NO_PAGE;

/**
 * The kernel's `ptr_ring` (include/linux/ptr_ring.h, v6.18) holding page ids,
 * as page_pool uses it for its ring.
 *
 * A slot is free only when it holds NULL. The producer writes at `producer`
 * and sees the ring full when that slot is not NULL (`__ptr_ring_produce`).
 * The consumer reads at `consumer_head` but, so as not to bounce the cache
 * line the producer writes, clears consumed slots only once `batch` of them
 * are consumed or it reaches the end of the array (`__ptr_ring_discard_one`).
 * So a producer can meet a consumed but not yet cleared slot and see the ring
 * full with up to `batch - 1` entries fewer than its size.
 */
export class PtrRing {
  /** Slots (`r->size`): page_pool's `pool_size`. */
  readonly size: number;
  /** Consumed slots cleared at once (`r->batch`): 16, or 1 when that is more than half the ring. */
  readonly batch: number;
  private readonly queue: Int32Array;
  private producer = 0;
  private consumerHead = 0;
  private consumerTail = 0;
  private entries = 0;

  /** @param size - slots (≥ 1). */
  constructor(size: number) {
    this.size = size;
    // __ptr_ring_set_size: batching more than half the ring would make it too bursty; then 1.
    this.batch = PTR_RING_BATCH > size / 2 ? 1 : PTR_RING_BATCH;
    this.queue = new Int32Array(size).fill(NULL_SLOT);
  }

  /** Entries produced and not yet consumed (`page_pool`'s `ring_count` stat). */
  get count(): number {
    return this.entries;
  }

  /** `__ptr_ring_empty`: nothing at `consumer_head`. */
  get empty(): boolean {
    return this.queue[this.consumerHead] === NULL_SLOT;
  }

  /**
   * `__ptr_ring_produce`: store `page` at `producer` unless that slot still
   * holds a pointer (an entry, or one consumed but not yet cleared).
   * @returns false when the ring is full (`-ENOSPC`).
   */
  produce(page: number): boolean {
    const q = this.queue;
    if (q[this.producer] !== NULL_SLOT) return false;
    q[this.producer] = page;
    this.producer = this.producer + 1 === this.size ? 0 : this.producer + 1;
    this.entries++;
    return true;
  }

  /**
   * `__ptr_ring_consume`: the entry at `consumer_head`, or `NO_PAGE` when the
   * ring is empty; then `__ptr_ring_discard_one`.
   */
  consume(): number {
    const q = this.queue;
    const head = this.consumerHead;
    const page = q[head];
    if (page === NULL_SLOT) return NULL_SLOT;
    let next = head + 1;
    // Clear in one go once a batch is consumed, or at the end of the array (not needed, but simpler).
    if (next - this.consumerTail >= this.batch || next >= this.size) {
      for (let i = head; i >= this.consumerTail; i--) q[i] = NULL_SLOT;
      this.consumerTail = next;
    }
    if (next >= this.size) {
      next = 0;
      this.consumerTail = 0;
    }
    this.consumerHead = next;
    this.entries--;
    return page;
  }
}
