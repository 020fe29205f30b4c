import { runComparison, type ScenarioConfig } from "@rxsim/harness";
import { loadStrategies } from "./load-strategies.js";
import type { SweepStrategyResult } from "./sweep-record.js";
import { DEFAULT_TIMEOUT_S, withWatchdog } from "./watchdog.js";

/** What the main thread sends a worker for one point. */
export interface SweepTask {
  config: ScenarioConfig;
  strategies: string;
  cwd: string;
  /** `--timeout`, seconds: a point still running then is stopped (a strategy that never returns). */
  timeoutS?: number;
}

/** Run one sweep point in a worker thread (piscina calls the default export). */
export default async function runSweepPoint(task: SweepTask): Promise<SweepStrategyResult[]> {
  const factories = await loadStrategies(task.strategies, task.cwd);
  let running = "(setup)";
  const result = withWatchdog(
    task.timeoutS ?? DEFAULT_TIMEOUT_S,
    () => running,
    () =>
      runComparison(task.config, factories, {
        onStrategyStart: (name) => {
          running = name;
        },
      }),
  );
  return result.results.map((r) => ({
    strategy: r.strategy,
    options: r.options,
    ...(r.cannotStart !== undefined ? { cannotStart: r.cannotStart } : {}),
    metrics: r.metrics,
    strategyStats: r.strategyStats,
  }));
}
