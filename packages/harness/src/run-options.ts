import type { DecisionLogSink, PageTable, RxQueue, RxStrategyFactory } from "@rxsim/core";
import type { StrategyResult } from "./result.js";
import type { PreparedInputs } from "./run-inputs.js";
import type { ScenarioConfig } from "./scenario-config.js";
import type { TraceSink } from "./trace.js";
import type { TrafficFiles } from "./traffic-files.js";

/** Options of {@link runStrategy} (and, per run, of `runComparison`). */
export interface RunOptions {
  /** Told how many arrivals were simulated so far, of how many (every 65,536 arrivals and at the end). */
  onProgress?(done: number, total: number): void;
  /** Record the run's inputs to this trace sink (see `createTraceWriter`). */
  recordTrace?: TraceSink;
  /** Write the strategy's decision log here: a header line, then the queue's log lines. */
  decisionLog?: DecisionLogSink;
  /** How capture and trace traffic files are read (default: from disk; none in the browser entry). */
  files?: TrafficFiles;
  /** Diagnostics: called after the run with the sizes of the harness's internal arrays. */
  inspect?(internals: RunInternals): void;
  /**
   * Spread a multi-queue host over threads when it can be (no host page cap;
   * see `createQueueThreads` in the Node entry). The result is the same as in
   * one thread, byte for byte; only the time it takes differs.
   */
  queueThreads?: QueueThreads;
}

/** Internal array sizes after a run: they must depend on the scenario, never on the number of packets. */
/** Runs a multi-queue host over several threads (`createQueueThreads`). */
export interface QueueThreads {
  /**
   * Run one strategy on the host, or return null when this run is not spread
   * (it then runs in one thread): a page cap, too few packets or queues, a
   * decision log or trace being written, a factory the threads cannot load.
   */
  run(
    config: ScenarioConfig,
    factory: RxStrategyFactory,
    inputs: PreparedInputs,
    options: RunOptions,
    progress: ProgressSpan,
  ): SimulationOutcome | null;
}

export interface RunInternals {
  /** Slots of the pending-release heap. */
  readonly releaseHeapCapacity: number;
  /** Slots of the in-flight hold table. */
  readonly holdTableCapacity: number;
  /** Slots of the time-series arrays. */
  readonly timeSeriesCapacity: number;
  /** Records of core's skb table (grows with skbs held at once). */
  readonly skbTableCapacity: number;
  /** The queue after teardown (for deeper inspection in tests). */
  readonly queue: RxQueue;
  /** The page table. */
  readonly pages: PageTable;
}

/** Progress reporting across the strategies of one comparison. */
export interface ProgressSpan {
  /** Arrivals simulated by earlier strategies. */
  readonly base: number;
  /** Arrivals in the whole comparison (0: use this run's own total). */
  readonly total: number;
}

/** One strategy's run and the warm-up boundary it saw. */
export interface SimulationOutcome {
  readonly result: StrategyResult;
  readonly warmupEndNs: number;
  /** Arrivals simulated, warm-up included. */
  readonly arrivals: number;
}
