import { describeFactoryProblem, type RxStrategyFactory } from "@rxsim/core";
import type { Capture } from "./capture-reader.js";
import { ConfigError } from "./config-error.js";
import { type ComparisonResult, type InputSummary, RESULT_SCHEMA_VERSION, type StrategyResult } from "./result.js";
import { openSource, prepareInputs } from "./run-inputs.js";
import type { RunOptions } from "./run-options.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { simulate } from "./simulate.js";
import { formatTraceEnd, formatTraceHeader, type TraceSink } from "./trace.js";
import { NO_TRAFFIC_FILES, type TrafficFiles } from "./traffic-files.js";
import { validateScenarioConfig } from "./validate-config.js";

/** Options of {@link runComparison}. */
export interface ComparisonOptions {
  /** Told how many arrivals were simulated so far, of how many (all strategies together). */
  onProgress?(done: number, total: number): void;
  /** Told before each strategy's run starts (a watchdog names the one that never finished). */
  onStrategyStart?(name: string, index: number): void;
  /**
   * Record the inputs (header, every arrival, end line) to this sink. The
   * inputs are the same for every strategy, so they are written once, during
   * the first strategy's run. Close a {@link createTraceWriter} writer afterwards.
   */
  recordTrace?: TraceSink;
  /**
   * Write the decision log of the (single) strategy here: its header line,
   * then every `I`/`D`/`P` line. Only for runs of one strategy.
   */
  decisionLog?: RunOptions["decisionLog"];
  /**
   * How capture and trace traffic files are read. The main entry reads them
   * from disk; the browser entry has no file access unless given one
   * ({@link inMemoryTrafficFiles}).
   */
  files?: TrafficFiles;
  /** Spread each multi-queue run over threads when it can be (same results; `createQueueThreads`). */
  queueThreads?: RunOptions["queueThreads"];
}

function checkFactories(factories: readonly RxStrategyFactory[]): void {
  if (factories.length === 0) throw new ConfigError("strategies", "give at least one strategy factory");
  const seen = new Map<string, number>();
  factories.forEach((f, i) => {
    const problem = describeFactoryProblem(f);
    if (problem !== null) throw new ConfigError(`strategies[${i}]`, problem);
    const earlier = seen.get(f.name);
    if (earlier !== undefined) {
      throw new ConfigError(
        `strategies[${i}]`,
        `two strategies are named "${f.name}" (also strategies[${earlier}]); names must be unique in one comparison`,
      );
    }
    seen.set(f.name, i);
  });
}

/**
 * Run every strategy, one after another, each in its own fresh world (page
 * table, queue, clock, random streams) on identical inputs, and collect the
 * results.
 * @param config - a scenario (validated here; partial configs take defaults).
 * @throws ConfigError for an invalid config, an invalid factory, two with one name, or a
 *   strategy that refuses the queue (its RangeError, under the path `strategies`);
 *   CaptureError / TraceError when the traffic file cannot be read.
 */
export function runComparison(
  config: ScenarioConfig,
  factories: readonly RxStrategyFactory[],
  options: ComparisonOptions = {},
): ComparisonResult {
  const cfg = validateScenarioConfig(config);
  checkFactories(factories);
  if (options.decisionLog && factories.length > 1) {
    throw new ConfigError("decisionLog", `a decision log records one strategy; ${factories.length} were given`);
  }
  checkRecordable(cfg, options.recordTrace);
  const inputs = prepareInputs(cfg, options.files ?? NO_TRAFFIC_FILES);
  const probe = openSource(cfg, inputs);
  const perRun = probe.total;
  probe.close();
  const total = perRun * factories.length;
  const results: StrategyResult[] = [];
  let warmupEndNs = 0;
  const trace = options.recordTrace;
  if (trace) trace.line(formatTraceHeader(cfg));
  factories.forEach((factory, i) => {
    options.onStrategyStart?.(factory.name, i);
    const recording = i === 0 && trace !== undefined;
    const outcome = simulate(
      cfg,
      factory,
      inputs,
      {
        onProgress: options.onProgress,
        recordTrace: recording ? trace : undefined,
        decisionLog: options.decisionLog,
        queueThreads: options.queueThreads,
      },
      { base: perRun * i, total },
    );
    if (recording) trace.line(formatTraceEnd(outcome.arrivals));
    results.push(outcome.result);
    warmupEndNs = outcome.warmupEndNs;
  });
  const input = summarizeInput(cfg, inputs.capture, perRun);
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: "rxsim",
    scenario: cfg.name,
    config: cfg,
    seed: cfg.seed,
    warmupEndNs,
    ...(input !== null ? { input } : {}),
    results,
  };
}

/** A trace records arrivals, not flows: a run of several queues could not be replayed from it. */
function checkRecordable(cfg: ScenarioConfig, trace: TraceSink | undefined): void {
  if (trace !== undefined && cfg.host.queues > 1) {
    throw new ConfigError(
      "recordTrace",
      `a trace records arrivals but not their flows, so a run of ${cfg.host.queues} queues cannot be recorded; record a one-queue run`,
    );
  }
}

/** What a comparison read its traffic from, or null for synthetic traffic. */
function summarizeInput(cfg: ScenarioConfig, capture: Capture | null, arrivals: number): InputSummary | null {
  const traffic = cfg.traffic;
  if (traffic.kind === "trace") return { kind: "trace", path: traffic.path, packets: arrivals };
  if (traffic.kind !== "capture" || capture === null) return null;
  return {
    kind: "capture",
    path: traffic.path,
    packets: capture.packets,
    format: capture.format,
    linkType: capture.linkType,
    backwardTimestamps: capture.backwardTimestamps,
  };
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
  const cfg = validateScenarioConfig(config);
  checkFactories([factory]);
  checkRecordable(cfg, options.recordTrace);
  const trace = options.recordTrace;
  if (trace) trace.line(formatTraceHeader(cfg));
  const outcome = simulate(cfg, factory, prepareInputs(cfg, options.files ?? NO_TRAFFIC_FILES), options);
  if (trace) trace.line(formatTraceEnd(outcome.arrivals));
  return outcome.result;
}
