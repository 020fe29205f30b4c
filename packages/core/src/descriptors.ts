/**
 * Descriptor layouts of the DQO RX queues, as the simulation stores them.
 *
 * Rings keep one typed array per field (structure of arrays), so these
 * constants and types describe a slot rather than an object that exists.
 */

/** Completion flag: this buffer ends the packet (`end_of_packet`). */
export const COMPL_EOP = 1;
/** Completion flag: the device saw an error (`rx_error`); the packet is dropped. */
export const COMPL_RX_ERROR = 2;
/** Completion flag: the generation bit the device wrote. */
export const COMPL_GENERATION = 4;
/** Completion flag: a hardware RSC (LRO) aggregate (`rsc`). */
export const COMPL_RSC = 8;
/**
 * Simulation-only flag, never in a real descriptor: the skb allocation for
 * this packet fails (`napi_get_frags` returns NULL). The traffic source draws
 * it per packet so every strategy sees the same failures.
 */
export const COMPL_SIM_SKB_ALLOC_FAIL = 16;

/** A buffer-queue descriptor (`struct gve_rx_desc_dqo`): what the driver posts. */
export interface BufqDescriptor {
  /** Index of the driver's buffer state; echoed back in the completion. */
  readonly bufId: number;
  /** Page id of the buffer. With `offset`, the DMA address. */
  readonly page: number;
  /** Byte offset of the buffer inside the page. */
  readonly offset: number;
  /** Bytes the device may write (the queue's data buffer size). */
  readonly len: number;
}

/** A completion descriptor (`struct gve_rx_compl_desc_dqo`): what the device writes back. */
export interface ComplDescriptor {
  /** The posted buffer this completion returns. */
  readonly bufId: number;
  /** Bytes written into this buffer. */
  readonly packetLen: number;
  /** Flags: {@link COMPL_EOP}, {@link COMPL_RX_ERROR}, {@link COMPL_GENERATION}, {@link COMPL_RSC}. */
  readonly flags: number;
  /** RSC segment length (`rsc_seg_len`), 0 when not RSC. */
  readonly rscSegLen: number;
  /** Header length written to the header buffer when header split is on (`header_len`), else 0. */
  readonly headerLen: number;
  /** Simulation-only: the packet's sequence number, keying its per-packet input streams. */
  readonly cookie: number;
}
