/**
 * @rxsim/bench/browser: the parts of the command line a page can use — the
 * built-in strategy registry and the comparison table's rows — with no Node
 * module behind them (apps/web runs `compare` in a browser with these).
 */
export { describeOverrides } from "./describe-overrides.js";
export { formatNumber, formatRatio, METRIC_ROWS, type MetricRow, tableRows } from "./metric-rows.js";
export { BUILTIN_STRATEGIES, type RegisteredStrategy } from "./registry.js";
