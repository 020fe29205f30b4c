import { InvariantChecker } from "../checker.js";
import { createManualClock, type ManualClock } from "../clock.js";
import { resolveRxQueueConfig } from "../config.js";
import type { CostTable } from "../cost-profile.js";
import { formatDecisionLogHeader } from "../decision-log.js";
import type { DecisionLogSink } from "../decision-log-sink.js";
import { COMPL_RX_ERROR, COMPL_SIM_SKB_ALLOC_FAIL } from "../descriptors.js";
import { type AllocFailureOptions, createPageTable, type PageTable } from "../page-table.js";
import { createRng, type Rng } from "../rng.js";
import { RxQueue } from "../rx-queue.js";
import type { RxQueueConfig, RxStrategyFactory } from "../strategy.js";

/** Options of {@link createScriptedQueue}. */
export interface ScriptedQueueOptions {
  /** The strategy under test. */
  factory: RxStrategyFactory;
  /** Queue configuration (defaults: gve's, with 256-slot rings to keep scripts short). */
  config?: Partial<RxQueueConfig>;
  /** Seed for the strategy and device streams. Default 1. */
  seed?: number;
  /** Allocation failures to inject. */
  failure?: AllocFailureOptions;
  /** Out-of-order completion window (packets). Default 1. */
  oooWindow?: number;
  /** Throw at the first violation (default true: tests want the message). */
  throwOnViolation?: boolean;
  /** Decision log sink. */
  log?: DecisionLogSink | null;
  /** Write the `# rxsim decision-log v1` header to `log` first, with the resolved config. Default false. */
  logHeader?: boolean;
  /** Cap on allocated pages. */
  maxPages?: number;
  /** Price each poll with this cost table (`queue.costMeter`). */
  costs?: CostTable;
}

/**
 * A queue driven by hand, with the checker on: the building block of the
 * conformance suite, and handy for a strategy package's own tests.
 */
export interface ScriptedQueue {
  readonly queue: RxQueue;
  readonly pages: PageTable;
  readonly checker: InvariantChecker;
  readonly clock: ManualClock;
  /** Random stream for scripts (independent of the strategy's). */
  readonly rng: Rng;
  /** Live skbs the stack holds, oldest first. */
  readonly held: number[];
  /** The device receives a packet. Returns false when it was dropped for lack of buffers. */
  receive(len: number, opts?: { error?: boolean; skbAllocFail?: boolean }): boolean;
  /** Flush out-of-order completions and run one NAPI poll. Returns work done. */
  poll(): number;
  /** Poll until no completion is left. */
  drain(): void;
  /** Release the held skb at `index` (default the oldest). */
  release(index?: number, inNapi?: boolean): void;
  /** Release every held skb. */
  releaseAll(inNapi?: boolean): void;
  /**
   * Teardown, release every held skb, run the strategy's deferred teardown
   * work once when it has some (advancing the clock to it), then check leaks.
   * Returns leaked page ids.
   */
  finish(): number[];
}

/** Create a {@link ScriptedQueue}; it has already done the initial refill. */
export function createScriptedQueue(options: ScriptedQueueOptions): ScriptedQueue {
  const seed = options.seed ?? 1;
  const config: Partial<RxQueueConfig> = { bufqSlots: 256, complqSlots: 256, ...options.config };
  if (options.log && options.logHeader) {
    options.log.line(
      formatDecisionLogHeader({
        strategy: options.factory.name,
        options: options.factory.options,
        config: resolveRxQueueConfig(config),
        seed,
        stream: "strategy",
      }),
    );
  }
  const clock = createManualClock();
  const pages = createPageTable({
    pageSize: config.pageSize ?? 4096,
    failure: options.failure,
    rng: createRng(seed, "alloc-failure"),
    clock,
    maxPages: options.maxPages,
  });
  const checker = new InvariantChecker({
    pageSize: config.pageSize ?? 4096,
    throwOnViolation: options.throwOnViolation ?? true,
  });
  const held: number[] = [];
  let cookieSeq = 0;
  const queue = new RxQueue({
    config,
    pages,
    strategy: options.factory,
    strategyRng: createRng(seed, "strategy"),
    deviceRng: createRng(seed, "device"),
    clock,
    stack: { deliver: (skb) => void held.push(skb) },
    checker,
    log: options.log ?? null,
    oooWindow: options.oooWindow ?? 1,
    costs: options.costs ?? null,
  });
  queue.refill();
  const sq: ScriptedQueue = {
    queue,
    pages,
    checker,
    clock,
    rng: createRng(seed, "script"),
    held,
    receive(len, opts = {}) {
      clock.advance(100);
      const flags = (opts.error ? COMPL_RX_ERROR : 0) | (opts.skbAllocFail ? COMPL_SIM_SKB_ALLOC_FAIL : 0);
      return queue.deviceReceive(len, flags, cookieSeq++);
    },
    poll() {
      clock.advance(1000);
      queue.deviceFlush();
      return queue.poll();
    },
    drain() {
      queue.deviceFlush();
      // Always poll once so a starved queue gets its refill, as the re-schedule timer would.
      do {
        clock.advance(1000);
        queue.poll();
      } while (queue.hasCompletions());
    },
    release(index = 0, inNapi = false) {
      const [skb] = held.splice(index, 1);
      if (skb === undefined) throw new Error(`no held skb at index ${index}`);
      queue.releaseSkb(skb, inNapi);
    },
    releaseAll(inNapi = false) {
      while (held.length > 0) queue.releaseSkb(held.shift() as number, inNapi);
    },
    finish() {
      queue.teardown();
      sq.releaseAll();
      // With no skb left nothing more can come back: one run of the strategy's deferred work frees what it parked.
      const at = queue.teardownWorkAt();
      if (at !== Number.POSITIVE_INFINITY) {
        clock.set(Math.max(clock.now(), at));
        queue.runTeardownWork();
      }
      return queue.checkLeaks();
    },
  };
  return sq;
}
