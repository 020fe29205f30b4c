import { NO_PAGE } from "./page-table.js";

/** The order in which a {@link BufferIdTable} hands released ids out again. */
export type BufferIdOrder = "lifo" | "fifo";

/** Marks an id that is not outstanding in the page array (pages are never negative). */
const FREE = NO_PAGE;

/**
 * The driver's per-buffer bookkeeping for buffer ids (`gve_rx_buf_state_dqo`
 * indices in gve, the WQE index in mlx5, the descriptor slot in ixgbe): which
 * ids are free to post, and the page and offset of each outstanding one.
 *
 * One flat typed array per field indexed by id, and the free ids in a typed
 * array used as a stack (`"lifo"`, like gve's `free_buf_states`) or as a ring
 * (`"fifo"`). Both start with every id free and hand out 0, 1, 2, … first;
 * they differ once ids come back: LIFO reuses the id released last, FIFO the
 * one free the longest. Nothing here allocates after construction, so
 * `take`, `isOutstanding` and `release` are safe on the hot path (`reclaim` too).
 *
 * Capacity is usually `bufqSlots`: the ring keeps one slot empty, so at most
 * `bufqSlots - 1` ids are ever outstanding.
 */
export class BufferIdTable {
  /** Number of ids: valid ids are `0 … capacity - 1`. */
  readonly capacity: number;
  /** The order released ids are handed out again. */
  readonly order: BufferIdOrder;
  private readonly pages: Int32Array;
  private readonly offsets: Int32Array;
  // Free ids. LIFO: a stack in freeIds[0, freeCount), top last. FIFO: a ring, oldest at freeHead.
  private readonly freeIds: Int32Array;
  private readonly fifo: boolean;
  private freeHead = 0;
  private freeCount: number;
  private rejectedCount = 0;

  /**
   * @param capacity - number of ids, a positive integer.
   * @param order - `"lifo"` or `"fifo"`, see {@link BufferIdOrder}.
   * @throws RangeError when `capacity` or `order` is invalid.
   */
  constructor(capacity: number, order: BufferIdOrder) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 24) {
      throw new RangeError(`BufferIdTable: capacity must be an integer in [1, ${1 << 24}], got ${capacity}`);
    }
    if (order !== "lifo" && order !== "fifo") {
      throw new RangeError(`BufferIdTable: order must be "lifo" or "fifo", got ${String(order)}`);
    }
    this.capacity = capacity;
    this.order = order;
    this.fifo = order === "fifo";
    this.pages = new Int32Array(capacity).fill(FREE);
    this.offsets = new Int32Array(capacity);
    this.freeIds = new Int32Array(capacity);
    // Stack: top (the end) holds 0. Ring: head holds 0. Either way 0, 1, 2, … come out first.
    for (let i = 0; i < capacity; i++) this.freeIds[i] = this.fifo ? i : capacity - 1 - i;
    this.freeCount = capacity;
  }

  /** Ids free to take. */
  get free(): number {
    return this.freeCount;
  }

  /** Ids taken and not yet released (posted buffers the device or driver still holds). */
  get outstanding(): number {
    return this.capacity - this.freeCount;
  }

  /** Ids {@link reclaim} refused: out of range or not outstanding (a strategy's `invalid_buf_id`). */
  get rejected(): number {
    return this.rejectedCount;
  }

  /**
   * Take a free id for a buffer at `page` and `offset` (a post).
   * @param page - the buffer's page, non-negative.
   * @param offset - the buffer's byte offset in the page.
   * @returns the id, or -1 when no id is free.
   */
  take(page: number, offset: number): number {
    if (this.freeCount === 0) return -1;
    if (page < 0) throw new RangeError(`BufferIdTable: page must be non-negative, got ${page}`);
    let id: number;
    if (this.fifo) {
      id = this.freeIds[this.freeHead];
      this.freeHead = this.freeHead + 1 === this.capacity ? 0 : this.freeHead + 1;
    } else {
      id = this.freeIds[this.freeCount - 1];
    }
    this.freeCount--;
    this.pages[id] = page;
    this.offsets[id] = offset;
    return id;
  }

  /** True when `id` is an integer in range and outstanding. Safe for untrusted ids. */
  isOutstanding(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.capacity && this.pages[id] !== FREE;
  }

  /** The page of outstanding buffer `id` (`NO_PAGE` when `id` is free). `id` must be in range. */
  page(id: number): number {
    return this.pages[id];
  }

  /**
   * The byte offset buffer `id` was taken with. Still readable after the id
   * is released, until it is taken again. `id` must be in range.
   */
  offset(id: number): number {
    return this.offsets[id];
  }

  /**
   * A completion returned buffer `id` (untrusted): when it is outstanding,
   * release it and return its page; otherwise count it in {@link rejected}
   * and return `NO_PAGE`, and the strategy answers `CompletionResult.Rejected`
   * (`gve_rx_dqo` drops the packet as `rx_desc_err_dropped_pkt`). Read the
   * buffer's offset afterwards with {@link offset}.
   */
  reclaim(id: number): number {
    if (!this.isOutstanding(id)) {
      this.rejectedCount++;
      return NO_PAGE;
    }
    return this.freeId(id);
  }

  /**
   * Forget buffer `id`'s page and make the id free again, behind (FIFO) or
   * on top of (LIFO) the other free ids. For ids known to be outstanding;
   * completions go through {@link reclaim}.
   * @returns the page the buffer had.
   * @throws Error when `id` is not outstanding (a second release would corrupt the free list).
   */
  release(id: number): number {
    if (!this.isOutstanding(id)) throw new Error(`BufferIdTable: release of id ${id}, which is not outstanding`);
    return this.freeId(id);
  }

  /** Free outstanding `id` (checked by the caller) and return its page. */
  private freeId(id: number): number {
    const page = this.pages[id];
    this.pages[id] = FREE;
    if (this.fifo) {
      let tail = this.freeHead + this.freeCount;
      if (tail >= this.capacity) tail -= this.capacity;
      this.freeIds[tail] = id;
    } else {
      this.freeIds[this.freeCount] = id;
    }
    this.freeCount++;
    return page;
  }

  /**
   * Call `fn` for every outstanding id in ascending id order, with its page and
   * offset. `fn` may release the id it is given. For teardown and reports, not
   * for hot paths (the caller's `fn` is usually a closure).
   */
  forEachOutstanding(fn: (id: number, page: number, offset: number) => void): void {
    const pages = this.pages;
    for (let id = 0; id < this.capacity; id++) {
      const page = pages[id];
      if (page !== FREE) fn(id, page, this.offsets[id]);
    }
  }

  /**
   * Teardown (`gve_rx_free_ring_dqo` and its kin): release every outstanding
   * id in ascending id order, then call `onRelease` with the id, page and
   * offset it had, so the caller can free the buffer's memory.
   */
  releaseAll(onRelease?: (id: number, page: number, offset: number) => void): void {
    const pages = this.pages;
    for (let id = 0; id < this.capacity; id++) {
      const page = pages[id];
      if (page === FREE) continue;
      this.freeId(id);
      onRelease?.(id, page, this.offsets[id]);
    }
  }
}
