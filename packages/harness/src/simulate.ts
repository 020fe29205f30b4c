import { isQueueCannotStart, type RxStrategyFactory } from "@rxsim/core";
import { HostSimulation } from "./host-simulation.js";
import { HostTraffic } from "./host-traffic.js";
import { notStartedOutcome } from "./not-started.js";
import { openSource, type PreparedInputs } from "./run-inputs.js";
import type { ProgressSpan, RunOptions, SimulationOutcome } from "./run-options.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { Simulation } from "./simulation.js";

/**
 * One strategy in its own fresh world: its own clock, page table, queue and
 * packet source, all seeded from `config.seed`. `config` must be validated.
 */
export function simulate(
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  inputs: PreparedInputs,
  options: RunOptions = {},
  progress: ProgressSpan = { base: 0, total: 0 },
): SimulationOutcome {
  // Several queues share one host (host-simulation.ts), spread over threads when the caller allows;
  // one queue is simulation.ts's loop, as before.
  if (config.host.queues > 1) {
    const spread = options.queueThreads?.run(config, factory, inputs, options, progress) ?? null;
    if (spread !== null) return spread;
  }
  const source = openSource(config, inputs);
  try {
    let loop: { run(): SimulationOutcome };
    try {
      // The host loop: each queue its own world (rings, NAPI, strategy instance, page table,
      // clock, release heap), all page tables drawing from one HostPageBudget.
      loop =
        config.host.queues > 1
          ? new HostSimulation(config, factory, source, new HostTraffic(config, inputs.capture), options, progress)
          : new Simulation(config, factory, source, options, progress);
    } catch (e) {
      if (!isQueueCannotStart(e)) throw e;
      return notStartedOutcome(config, factory.name, factory.options, source, options, progress, e.message);
    }
    return loop.run();
  } finally {
    source.close();
  }
}
