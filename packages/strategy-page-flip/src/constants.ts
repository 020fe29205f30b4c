/**
 * `USHRT_MAX`: the Intel drivers stock a fresh page with this many references
 * in one atomic (`page_ref_add(page, USHRT_MAX - 1)` on top of the
 * allocation's one) and set `pagecnt_bias = USHRT_MAX`
 * (`ixgbe_alloc_mapped_page`, `i40e_alloc_mapped_page`, `ice_alloc_mapped_page`).
 */
export const USHRT_MAX = 65535;

/**
 * The drivers flip halves only when `PAGE_SIZE < 8192`; on larger pages the
 * offset walks forward instead (`#if (PAGE_SIZE < 8192)` in
 * `ixgbe_add_rx_frag` and `ixgbe_can_reuse_rx_page`).
 */
export const FLIP_PAGE_SIZE_LIMIT = 8192;

/**
 * `SMP_CACHE_BYTES` on x86-64 and arm64: `SKB_DATA_ALIGN(size)` rounds a
 * fragment's true size up to it when the offset walks forward by truesize.
 */
export const CACHE_LINE_BYTES = 64;

/**
 * `SKB_DATA_ALIGN(sizeof(struct skb_shared_info))` on x86-64 with
 * `MAX_SKB_FRAGS` 17 (include/linux/skbuff.h): 320 bytes, 64-byte aligned.
 * `SKB_WITH_OVERHEAD(PAGE_SIZE)` is `PAGE_SIZE` minus this, the room build_skb
 * leaves for the shared info at the end of a buffer.
 */
export const SKB_SHARED_INFO_SIZE = 320;

/** `IXGBE_RXBUFFER_3K` (ixgbe.h), `ICE_RXBUF_3072` (ice_txrx.h): the 3 KiB buffer the last offset keeps room for. */
export const RXBUFFER_3K = 3072;

/** `I40E_RXBUFFER_2048` (i40e_txrx.h). */
export const RXBUFFER_2K = 2048;
