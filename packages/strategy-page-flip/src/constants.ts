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
