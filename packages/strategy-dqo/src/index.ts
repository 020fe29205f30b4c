export { BufList, type BufStateLists, BufStates } from "./buf-states.js";
export {
  COPY_PAGE_OWNER,
  DEFAULT_HEADER_BUFFER_SIZE,
  DEFAULT_QPL_ONDEMAND_THRESHOLD,
  DEFAULT_SCAN_LIMIT,
  DEFAULT_STATE_MULTIPLIER,
  HDS_BUFFER_SIZE,
  INT_MAX,
  MAX_BUF_STATES,
  QPL_ALLOC_ATTEMPTS,
  QPL_PAGES_PER_SLOT,
} from "./constants.js";
export { createDqoStrategy, DqoStrategy } from "./dqo-strategy.js";
export { type FreeReason, PostSource, type RejectReason, SOURCE_NAMES } from "./log-lines.js";
export {
  type DqoGeometry,
  type DqoOptions,
  type DqoQplOptions,
  type ResolvedDqoOptions,
  type ResolvedQplOptions,
  resolveDqoOptions,
} from "./options.js";
export type { DqoStats } from "./stats.js";
