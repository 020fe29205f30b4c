export { BufList, type BufStateLists, BufStates } from "./buf-states.js";
export { DEFAULT_SCAN_LIMIT, DEFAULT_STATE_MULTIPLIER, INT_MAX, MAX_BUF_STATES } from "./constants.js";
export { createDqoStrategy, DqoStrategy } from "./dqo-strategy.js";
export { type FreeReason, PostSource, type RejectReason, SOURCE_NAMES } from "./log-lines.js";
export { type DqoGeometry, type DqoOptions, type ResolvedDqoOptions, resolveDqoOptions } from "./options.js";
export type { DqoStats } from "./stats.js";
