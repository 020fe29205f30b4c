/**
 * @rxsim/harness/browser: the harness without file access, for bundlers that
 * target browsers and web workers. Nothing here imports a Node module:
 * `runComparison` and `runStrategy` read capture and trace traffic only from
 * `options.files` ({@link inMemoryTrafficFiles}); the file readers and writers
 * of the main entry (`readCapture`, `createTraceWriter`, `readTrace`,
 * `runComparisonFromTrace`…) are not here. Same seed, same numbers as the main entry.
 */
export { type Capture, CaptureError, parseCapture } from "./capture-reader.js";
export { ConfigError } from "./config-error.js";
export { HOLD_BATCHED, HOLD_IMMEDIATE } from "./hold-sampler.js";
export type { PacketSource } from "./packet-source.js";
export {
  type ComparisonResult,
  type Metrics,
  type PacketRatios,
  RESULT_SCHEMA_VERSION,
  type StrategyResult,
} from "./result.js";
export { type ComparisonOptions, runComparison, runStrategy } from "./run-comparison.js";
export type { RunOptions } from "./run-options.js";
export type {
  ArrivalProcess,
  HoldModel,
  RateUnit,
  ScenarioConfig,
  SizeModel,
  SyntheticTraffic,
  TrafficConfig,
} from "./scenario-config.js";
export { getScenario, listScenarios, scenarios } from "./scenarios.js";
export { applySetOverrides } from "./set-overrides.js";
export type { TimeSeries } from "./time-series.js";
export { TRACE_FORMAT_VERSION, TraceError, type TraceHeader, type TraceSink } from "./trace.js";
export { inMemoryTrafficFiles, NO_TRAFFIC_FILES, type TrafficFiles } from "./traffic-files.js";
export { validateScenarioConfig } from "./validate-config.js";
