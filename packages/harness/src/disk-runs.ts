// The main (Node) entry's runs: run-comparison.ts with capture and trace files read from disk.
import type { RxStrategyFactory } from "@rxsim/core";
import { DISK_TRAFFIC_FILES } from "./disk-traffic-files.js";
import type { ComparisonResult, StrategyResult } from "./result.js";
import * as portable from "./run-comparison.js";
import type { RunOptions } from "./run-options.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { readTraceHeader } from "./trace-file.js";

/**
 * Run every strategy, one after another, each in its own fresh world (page
 * table, queue, clock, random streams) on identical inputs, and collect the
 * results. Capture and trace traffic is read from disk unless `options.files` says otherwise.
 * @param config - a scenario (validated here; partial configs take defaults).
 * @throws ConfigError for an invalid config, an invalid factory, two with one name, or a
 *   strategy that refuses the queue (its RangeError, under the path `strategies`);
 *   CaptureError / TraceError when the traffic file cannot be read.
 */
export function runComparison(
  config: ScenarioConfig,
  factories: readonly RxStrategyFactory[],
  options: portable.ComparisonOptions = {},
): ComparisonResult {
  return portable.runComparison(config, factories, { files: DISK_TRAFFIC_FILES, ...options });
}

/**
 * Run one strategy: {@link runComparison} with one factory, returning its result.
 * `options.inspect` receives the run's internal array sizes (diagnostics).
 */
export function runStrategy(
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  options: RunOptions = {},
): StrategyResult {
  return portable.runStrategy(config, factory, { files: DISK_TRAFFIC_FILES, ...options });
}

/**
 * Replay a recorded trace: the recording run's configuration (from the
 * trace's header) with its traffic replaced by the trace, so every strategy
 * sees exactly the recorded arrivals, sizes, flags and holds, and the same
 * seed drives the failure schedule, device and strategy streams. Replaying
 * the strategies that were recorded gives identical metrics.
 * @param overrides - optional changes to the header's config (e.g. a different queue), applied before the trace traffic.
 */
export function runComparisonFromTrace(
  path: string,
  factories: readonly RxStrategyFactory[],
  options: portable.ComparisonOptions = {},
  overrides: (config: ScenarioConfig) => ScenarioConfig = (c) => c,
): ComparisonResult {
  const header = readTraceHeader(path);
  const config = overrides(header.config);
  return runComparison({ ...config, traffic: { kind: "trace", path } }, factories, options);
}
