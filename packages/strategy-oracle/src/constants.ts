/** End of an index-linked list, "no page" or "no piece". */
export const NONE = -1;
