import {
  createManualClock,
  createPageTable,
  createRng,
  type DecisionLogSink,
  formatDecisionLogHeader,
  type HostPageBudget,
  type ManualClock,
  type PageTable,
  type RxQueue,
  RxQueue as RxQueueClass,
  type RxQueueOptions,
  type RxStrategyFactory,
  resolveRxQueueConfig,
  type StackSink,
} from "@rxsim/core";
import { ConfigError } from "./config-error.js";
import { HoldTable } from "./hold-table.js";
import { MisbehavingDevice } from "./misbehaving-device.js";
import { ReleaseHeap } from "./release-heap.js";
import { RNG_STREAMS } from "./rng-streams.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { TimeSeriesRecorder } from "./time-series.js";

/** Which queue of a multi-queue host a world is, and the host's shared page budget. */
export interface HostLane {
  readonly queue: number;
  readonly budget: HostPageBudget;
}

/** One strategy's fresh world: everything the event loop drives, seeded from `config.seed`. */
export interface SimulationWorld {
  readonly clock: ManualClock;
  readonly pages: PageTable;
  readonly queue: RxQueue;
  /** Pending stack releases. */
  readonly heap: ReleaseHeap;
  /** Hold times of packets between device and stack. */
  readonly holds: HoldTable;
  readonly series: TimeSeriesRecorder;
  /** The misbehaving device, or null for a well-behaved one (the usual case: no cost). */
  readonly misbehave: MisbehavingDevice | null;
}

/**
 * Create the queue, and with it the strategy. A strategy refuses a queue it
 * cannot run on (say, a buffer size it does not support) with a RangeError:
 * that is a problem of the run's configuration, reported as one.
 */
function openQueue(strategy: string, options: RxQueueOptions): RxQueue {
  try {
    return new RxQueueClass(options);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ConfigError("strategies", `${strategy} cannot run on this queue: ${e.message}`);
  }
}

/**
 * Build the world of one run: clock, page table (with its failure schedule),
 * the queue with the strategy, and the harness's own tables. Writes the
 * decision log's header line first when a log is given.
 */
export function createWorld(
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  stack: StackSink,
  log: DecisionLogSink | null,
  lane: HostLane | null = null,
): SimulationWorld {
  // One queue of several: its own streams (`<stream>/q<n>`), the host's allocator and cap.
  const stream = (name: string) => (lane === null ? name : `${name}/q${lane.queue}`);
  const queueConfig = resolveRxQueueConfig(config.queue);
  const clock = createManualClock();
  const failure = config.memory.allocFailure;
  const pages = createPageTable({
    pageSize: queueConfig.pageSize,
    maxPages: config.memory.maxPages ?? undefined,
    host: lane?.budget,
    failure: { probability: failure.probability, attempts: failure.attempts, windows: failure.windows },
    rng: createRng(config.seed, stream(RNG_STREAMS.allocFailure)),
    clock,
    initialCapacity: 4 * queueConfig.bufqSlots,
  });
  if (log) {
    log.line(
      formatDecisionLogHeader({
        strategy: factory.name,
        options: factory.options,
        config: queueConfig,
        seed: config.seed,
        stream: stream(RNG_STREAMS.strategy),
      }),
    );
  }
  const misbehave = MisbehavingDevice.isOn(config.device.misbehave)
    ? new MisbehavingDevice(config.device.misbehave, config.seed, queueConfig.budget)
    : null;
  const queue = openQueue(factory.name, {
    config: queueConfig,
    pages,
    strategy: factory,
    strategyRng: createRng(config.seed, stream(RNG_STREAMS.strategy)),
    deviceRng: createRng(config.seed, stream(RNG_STREAMS.device)),
    clock,
    stack,
    checker: config.checker,
    log,
    oooWindow: config.device.oooWindow,
    costs: config.costProfile.costs,
  });
  misbehave?.attach(queue);
  return {
    clock,
    pages,
    queue,
    heap: new ReleaseHeap(),
    holds: new HoldTable(2 * (queueConfig.bufqSlots + config.device.oooWindow)),
    series: new TimeSeriesRecorder(config.timeSeriesIntervalNs, config.timeSeriesMaxPoints),
    misbehave,
  };
}
