/** `INT_MAX`: the page reference bias a fresh page is stocked with (`gve_alloc_page_dqo`). */
export const INT_MAX = 2147483647;

/** `S16_MAX`: buffer ids are `s16`, so a queue has at most this many buffer states. */
export const MAX_BUF_STATES = 32767;

/** Used-list entries `gve_get_recycled_buf_state` examines before giving up (the driver's literal 5). */
export const DEFAULT_SCAN_LIMIT = 5;

/** Buffer states per buffer-queue slot (`num_buf_states = 4 * bufq slots`). */
export const DEFAULT_STATE_MULTIPLIER = 4;

/** The driver's `-1`: ends an index-linked list, or marks a state without a page. */
export const NONE = -1;

/**
 * QPL pages per buffer-queue slot: `gve_get_rx_pages_per_qpl_dqo` returns
 * `2 * rx_desc_cnt` (kernel 6.9 on; 6.6–6.8 took the device's
 * `rx_pages_per_qpl`, 2048 by default, `DQO_QPL_DEFAULT_RX_PAGES`).
 */
export const QPL_PAGES_PER_SLOT = 2;

/** `GVE_DQO_QPL_ONDEMAND_ALLOC_THRESHOLD`: copy on demand once `used` is this close to `num_buf_states`. */
export const DEFAULT_QPL_ONDEMAND_THRESHOLD = 96;

/**
 * Allocation attempts per QPL page at ring setup before giving up. The driver
 * allocates the pool with `GFP_KERNEL` (it may wait and reclaim), so an
 * injected failure is retried; a page table that keeps failing (a cap, a
 * failure window at create time) makes setup fail, as `gve_alloc_queue_page_list` would.
 */
export const QPL_ALLOC_ATTEMPTS = 64;

/** Owner id the strategy gives pages it allocates for copy on demand (pool pages have owner 0). */
export const COPY_PAGE_OWNER = 1;

/** `GVE_MAX_RX_BUFFER_SIZE`: the data buffer size `gve_get_pkt_buf_size` picks with header split on. */
export const HDS_BUFFER_SIZE = 4096;

/** `GVE_DEFAULT_HEADER_BUFFER_SIZE`: bytes per header buffer when the queue configuration gives none. */
export const DEFAULT_HEADER_BUFFER_SIZE = 128;
