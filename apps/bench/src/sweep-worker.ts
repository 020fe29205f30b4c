import { runComparison, type ScenarioConfig } from "@rxsim/harness";
import { loadStrategies } from "./load-strategies.js";
import type { SweepStrategyResult } from "./sweep-record.js";

/** What the main thread sends a worker for one point. */
export interface SweepTask {
  config: ScenarioConfig;
  strategies: string;
  cwd: string;
}

/** Run one sweep point in a worker thread (piscina calls the default export). */
export default async function runSweepPoint(task: SweepTask): Promise<SweepStrategyResult[]> {
  const factories = await loadStrategies(task.strategies, task.cwd);
  const result = runComparison(task.config, factories);
  return result.results.map((r) => ({
    strategy: r.strategy,
    options: r.options,
    metrics: r.metrics,
    strategyStats: r.strategyStats,
  }));
}
