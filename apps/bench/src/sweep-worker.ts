import type { RxStrategyFactory } from "@rxsim/core";
import { runStrategy, type ScenarioConfig } from "@rxsim/harness";
import { loadStrategies } from "./load-strategies.js";
import type { SweepStrategyResult } from "./sweep-record.js";

/**
 * What the main thread sends a worker: one strategy at one point. A point's
 * strategies run as separate tasks (each simulation is independent, on the same
 * seeded traffic), so a sweep of P points and S strategies keeps every worker
 * busy to the end instead of leaving one idle while the last point runs.
 */
export interface SweepTask {
  config: ScenarioConfig;
  /** The `--strategies` list, loaded once per worker. */
  strategies: string;
  /** Position in that list of the strategy to run. */
  strategy: number;
  cwd: string;
}

const loaded = new Map<string, Promise<RxStrategyFactory[]>>();

/** Run one strategy at one sweep point in a worker thread (piscina calls the default export). */
export default async function runSweepTask(task: SweepTask): Promise<SweepStrategyResult> {
  const key = `${task.cwd}\0${task.strategies}`;
  let factories = loaded.get(key);
  if (factories === undefined) {
    factories = loadStrategies(task.strategies, task.cwd);
    loaded.set(key, factories);
  }
  const r = runStrategy(task.config, (await factories)[task.strategy]);
  return { strategy: r.strategy, options: r.options, metrics: r.metrics, strategyStats: r.strategyStats };
}
