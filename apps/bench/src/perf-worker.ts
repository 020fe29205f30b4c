import { parentPort, workerData } from "node:worker_threads";
import { loadStrategies } from "./load-strategies.js";
import { measure, type PerfTask } from "./perf-measure.js";

/** What `rxsim perf` hands a worker: one measurement of one strategy. */
export interface PerfWorkerData extends PerfTask {
  /** The `--strategies` list, loaded again here. */
  readonly strategies: string;
  /** Which of them to measure. */
  readonly index: number;
  readonly cwd: string;
}

// One measurement per fresh worker: its JIT has seen no other strategy.
const data = workerData as PerfWorkerData;
const factories = await loadStrategies(data.strategies, data.cwd);
parentPort?.postMessage(measure(factories[data.index], data));
