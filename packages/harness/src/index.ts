/**
 * @rxsim/harness: runs RX buffer recycling strategies side by side on
 * identical simulated traffic (time, traffic, the stack's hold times,
 * metrics, the scenario catalog and traces on top of `@rxsim/core`).
 */
export { readCapture } from "./capture-file.js";
export { type Capture, CaptureError, type CaptureOptions, DEFAULT_MAX_GAP_NS, parseCapture } from "./capture-reader.js";
export { ConfigError } from "./config-error.js";
export { runComparison, runComparisonFromTrace, runStrategy } from "./disk-runs.js";
export { FlowSet } from "./flow-set.js";
export { HOLD_BATCHED, HOLD_IMMEDIATE } from "./hold-sampler.js";
export {
  DEFAULT_FLOW_MIX,
  DEFAULT_HOST,
  DEFAULT_RSS,
  type FlowMixConfig,
  type FlowShares,
  type HostConfig,
  type RssConfig,
  type StuckReadersConfig,
} from "./host-config.js";
export { keysWithoutEffect } from "./keys-without-effect.js";
export { OUT_OF_RANGE_BUF_ID } from "./misbehaving-device.js";
export type { PacketSource } from "./packet-source.js";
export { createQueueThreads, type QueueThreadsOptions, type QueueThreadsReport } from "./queue-threads.js";
export {
  type ComparisonResult,
  type InputSummary,
  type Metrics,
  type PacketRatios,
  type QueueImbalance,
  type QueueResult,
  RESULT_SCHEMA_VERSION,
  type StrategyResult,
} from "./result.js";
export { RNG_STREAMS } from "./rng-streams.js";
export { type FlowSteering, indirectionTable, steerFlows } from "./rss.js";
export type { ComparisonOptions } from "./run-comparison.js";
export type { QueueThreads, RunInternals, RunOptions } from "./run-options.js";
export {
  type AllocFailureConfig,
  type ArrivalProcess,
  type CaptureTraffic,
  DEFAULT_DEVICE,
  DEFAULT_DRIVER,
  DEFAULT_MEMORY,
  DEFAULT_MISBEHAVE,
  DEFAULT_STACK,
  DEFAULT_SYNTHETIC_TRAFFIC,
  type DeviceConfig,
  type DriverConfig,
  type HoldModel,
  IMIX_HISTOGRAM,
  type MemoryConfig,
  type MisbehaveConfig,
  type RateUnit,
  type ScenarioConfig,
  type SizeModel,
  type StackConfig,
  type SyntheticTraffic,
  type TraceTraffic,
  type TrafficConfig,
} from "./scenario-config.js";
export { getScenario, listScenarios, scenarios } from "./scenarios.js";
export { applySetOverrides } from "./set-overrides.js";
export type { TimeSeries } from "./time-series.js";
export { DEFAULT_RSS_KEY, RSS_KEY_BYTES, toeplitzHash } from "./toeplitz.js";
export {
  TRACE_FORMAT_VERSION,
  TraceError,
  type TraceHeader,
  type TraceSink,
  type TraceSummary,
  type TraceWriter,
} from "./trace.js";
export { createTraceWriter, readTrace, readTraceHeader } from "./trace-file.js";
export { inMemoryTrafficFiles, NO_TRAFFIC_FILES, type TrafficFiles } from "./traffic-files.js";
export { DEFAULT_TOP_LEVEL, MAX_PACKET_BYTES, validateScenarioConfig } from "./validate-config.js";
export { MAX_QUEUES } from "./validate-host.js";
