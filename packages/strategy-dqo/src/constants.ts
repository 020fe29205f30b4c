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
