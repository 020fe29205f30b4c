import { NONE } from "./constants.js";

/**
 * The posted buffers' `rx_buffer_info` (page, `page_offset`, `pagecnt_bias`
 * and whether the page may be reused), one flat typed array per field,
 * indexed by buffer id, and a FIFO of the free ids.
 *
 * In ixgbe the buffer id is the descriptor slot. rxsim's device may complete
 * out of order (gve DQO semantics), so the ring slot the driver refills next
 * can belong to a buffer the device still holds. Ids therefore come from a
 * FIFO of free ids, seeded 0, 1, 2, …: ids are handed out in ring order and
 * come back in completion order, so with in-order completion (ixgbe's
 * hardware) every buffer's id equals its ring slot, and with out-of-order
 * completion no id is ever posted twice.
 */
export class BufferIds {
  /** Number of ids: the buffer queue's slot count (at most `slots - 1` are ever outstanding). */
  readonly size: number;
  /** Page of each outstanding buffer; {@link NONE} when the id is free. */
  readonly page: Int32Array;
  /** `page_offset` of each outstanding buffer. */
  readonly offset: Int32Array;
  /** `pagecnt_bias`: references of the page the driver holds in reserve. */
  readonly bias: Int32Array;
  /** 1 when `dev_page_is_reusable` holds for the page. */
  readonly reusable: Uint8Array;
  private readonly freeRing: Int32Array;
  private freeHead = 0;
  private freeCount: number;

  constructor(size: number) {
    this.size = size;
    this.page = new Int32Array(size).fill(NONE);
    this.offset = new Int32Array(size);
    this.bias = new Int32Array(size);
    this.reusable = new Uint8Array(size);
    this.freeRing = new Int32Array(size);
    for (let i = 0; i < size; i++) this.freeRing[i] = i;
    this.freeCount = size;
  }

  /** Ids free to post. */
  get free(): number {
    return this.freeCount;
  }

  /** True when `id` is in range and posted (the device holds it). Safe for untrusted ids. */
  isOutstanding(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.size && this.page[id] !== NONE;
  }

  /** Take the oldest free id. The caller checks {@link free} first. */
  take(): number {
    const id = this.freeRing[this.freeHead];
    this.freeHead = (this.freeHead + 1) % this.size;
    this.freeCount--;
    return id;
  }

  /** The device returned `id`: forget its page and queue the id behind the other free ones. */
  release(id: number): void {
    this.page[id] = NONE;
    this.freeRing[(this.freeHead + this.freeCount) % this.size] = id;
    this.freeCount++;
  }
}
