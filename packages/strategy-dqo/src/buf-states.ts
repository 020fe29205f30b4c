import { NONE } from "./constants.js";

/** The two FIFOs of buffer states (`struct gve_index_list`). */
export const BufList = {
  /** `recycled_buf_states`: buffers known to be free at their current offset. */
  Recycled: 0,
  /** `used_buf_states`: buffers whose page may still be referenced by the stack. */
  Used: 1,
} as const;
/** One of {@link BufList}. */
export type BufList = (typeof BufList)[keyof typeof BufList];

/** Where every buffer state is, as lists of ids in list order (for tests and reports). */
export interface BufStateLists {
  /** The free list, head first. */
  readonly free: number[];
  /** The recycled FIFO, head first. */
  readonly recycled: number[];
  /** The used FIFO, head first. */
  readonly used: number[];
  /** States marked allocated (`next` equals the own index): posted to the device. */
  readonly allocated: number[];
}

/**
 * The driver's `buf_states` array (`struct gve_rx_buf_state_dqo`), one flat
 * typed array per field, indexed by buffer id, with its three index-linked
 * lists: the LIFO free list and the `recycled` and `used` FIFOs.
 *
 * A state whose `next` is its own index is allocated (`gve_buf_state_is_allocated`):
 * taking a state off any list marks it so, putting it on one clears the mark.
 */
export class BufStates {
  /** `num_buf_states`. */
  readonly size: number;
  /** Page of each state, {@link NONE} when it has none. */
  readonly page: Int32Array;
  /** `page_info.page_offset`: where the next buffer of the page starts. */
  readonly pageOffset: Int32Array;
  /** `page_info.pagecnt_bias`: page references the driver holds in reserve. */
  readonly pagecntBias: Int32Array;
  /** `last_single_ref_offset`: the offset at which the stack last held a single reference. */
  readonly lastSingleRefOffset: Int32Array;
  /** `next`: list link, {@link NONE} at a list's end, the own index when allocated. */
  readonly next: Int32Array;
  /** `free_buf_states`: head of the LIFO free list. */
  freeHead: number;
  /** Heads of the FIFOs, indexed by {@link BufList}. */
  readonly heads: Int32Array;
  /** Tails of the FIFOs, indexed by {@link BufList}. */
  readonly tails: Int32Array;

  /** Every state starts on the free list, linked 0 → 1 → … → size-1 (`gve_rx_alloc_ring_dqo`). */
  constructor(size: number) {
    this.size = size;
    this.page = new Int32Array(size).fill(NONE);
    this.pageOffset = new Int32Array(size);
    this.pagecntBias = new Int32Array(size);
    this.lastSingleRefOffset = new Int32Array(size);
    this.next = Int32Array.from({ length: size }, (_, i) => (i + 1 < size ? i + 1 : NONE));
    this.freeHead = 0;
    this.heads = new Int32Array(2).fill(NONE);
    this.tails = new Int32Array(2).fill(NONE);
  }

  /** `gve_buf_state_is_allocated`: `next` points at the state itself. `id` must be in range. */
  isAllocated(id: number): boolean {
    return this.next[id] === id;
  }

  /** `gve_alloc_buf_state`: pop the free list's head and mark it allocated; {@link NONE} when empty. */
  allocState(): number {
    const id = this.freeHead;
    if (id === NONE) return NONE;
    this.freeHead = this.next[id];
    this.next[id] = id;
    return id;
  }

  /** `gve_free_buf_state`: push `id` on the free list (LIFO). */
  freeState(id: number): void {
    this.next[id] = this.freeHead;
    this.freeHead = id;
  }

  /** `gve_enqueue_buf_state`: append `id` at the list's tail. */
  enqueue(list: BufList, id: number): void {
    this.next[id] = NONE;
    if (this.heads[list] === NONE) {
      this.heads[list] = id;
    } else {
      this.next[this.tails[list]] = id;
    }
    this.tails[list] = id;
  }

  /** `gve_dequeue_buf_state`: take the list's head and mark it allocated; {@link NONE} when empty. */
  dequeue(list: BufList): number {
    const id = this.heads[list];
    if (id === NONE) return NONE;
    const after = this.next[id];
    this.heads[list] = after;
    if (after === NONE) this.tails[list] = NONE;
    this.next[id] = id;
    return id;
  }

  /** True when `list` holds no state. */
  isEmpty(list: BufList): boolean {
    return this.heads[list] === NONE;
  }

  /**
   * Walk every list (at most `size` steps each, so a corrupted link cannot
   * loop) and collect the allocated states. Not for hot paths.
   */
  lists(): BufStateLists {
    const walk = (head: number): number[] => {
      const out: number[] = [];
      for (let id = head; id !== NONE && out.length < this.size; id = this.next[id]) out.push(id);
      return out;
    };
    const allocated: number[] = [];
    this.next.forEach((next, id) => {
      if (next === id) allocated.push(id);
    });
    return {
      free: walk(this.freeHead),
      recycled: walk(this.heads[BufList.Recycled]),
      used: walk(this.heads[BufList.Used]),
      allocated,
    };
  }
}
