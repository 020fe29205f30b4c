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
  // Several queues share one host (host-simulation.ts); one queue is this file's loop, as before.
  if (config.host.queues > 1) {
    const spread = options.queueThreads?.run(config, factory, inputs, options, progress) ?? null;
    return spread ?? simulateHost(config, factory, inputs, options, progress);
  }
  const source = openSource(config, inputs);
  try {
    let simulation: Simulation;
    try {
      simulation = new Simulation(config, factory, source, options, progress);
    } catch (e) {
      if (!isQueueCannotStart(e)) throw e;
      return notStartedOutcome(config, factory.name, factory.options, source, options, progress, e.message);
    }
    return simulation.run();
  } finally {
    source.close();
  }
}

/**
 * One strategy on a host of `config.host.queues` RX queues: each queue its
 * own world (rings, NAPI, strategy instance from its own `factory.create`,
 * page table, clock, release heap), all page tables drawing from one
 * {@link HostPageBudget}. Used for more than one queue; one queue runs the
 * single-queue loop of `simulation.ts`, unchanged.
 */
function simulateHost(
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  inputs: PreparedInputs,
  options: RunOptions,
  progress: ProgressSpan,
): SimulationOutcome {
  const source = openSource(config, inputs);
  try {
    const traffic = new HostTraffic(config, inputs.capture);
    let sim: HostSimulation;
    try {
      sim = new HostSimulation(config, factory, source, traffic, options, progress);
    } catch (e) {
      if (!isQueueCannotStart(e)) throw e;
      return notStartedOutcome(config, factory.name, factory.options, source, options, progress, e.message);
    }
    return sim.run();
  } finally {
    source.close();
  }
}
