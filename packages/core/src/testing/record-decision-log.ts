import { createMemoryLogSink } from "../decision-log.js";
import { COMPL_EOP } from "../descriptors.js";
import type { AllocFailureOptions } from "../page-table.js";
import type { RxQueueConfig, RxStrategyFactory } from "../strategy.js";
import { createScriptedQueue, type ScriptedQueue } from "./scripted-queue.js";

/** Small rings and a low doorbell threshold, so ids, pages and refills come round often. */
const DEFAULT_CONFIG: Partial<RxQueueConfig> = { bufqSlots: 64, complqSlots: 64, doorbellThreshold: 8 };

/** Allocation attempts that fail: two in a row early, one alone, three in a row later. */
const DEFAULT_FAILURE: AllocFailureOptions = { attempts: [40, 41, 90, 200, 201, 202] };

/** Options of {@link recordDecisionLog}. */
export interface RecordDecisionLogOptions {
  /**
   * The traffic to drive. Default {@link variedTraffic}. It should end with
   * `sq.drain()`; the recorder then tears the queue down and releases every skb.
   */
  script?: (sq: ScriptedQueue) => void;
  /** Queue configuration, over the recorder's default of 64-slot rings and a doorbell every 8 buffers. */
  config?: Partial<RxQueueConfig>;
  /** Seed of the strategy, device and script streams. Default 1. */
  seed?: number;
  /** Out-of-order completion window (packets). Default 4. */
  oooWindow?: number;
  /** Allocation failures to inject. Default: attempts 40, 41, 90, 200, 201 and 202 fail. */
  failure?: AllocFailureOptions;
}

/**
 * Varied traffic for a decision log: 1440 packets in 120 polls mixing
 * copybreak-sized, mid-sized and jumbo (chained) packets, rx errors and skb
 * allocation failures; the stack keeps a backlog of 16 skbs and releases them
 * from random places, half of them in NAPI context, and catches up at once
 * every 25 polls; at the end the device completes a buffer id it was never
 * given (1 << 20), then the queue drains.
 */
export function variedTraffic(sq: ScriptedQueue): void {
  for (let round = 0; round < 120; round++) {
    for (let i = 0; i < 12; i++) {
      const k = round * 12 + i;
      const len = k % 7 === 0 ? 64 : k % 11 === 0 ? 9000 : 300 + ((k * 397) % 1400);
      sq.receive(len, { error: k % 13 === 0, skbAllocFail: k % 17 === 0 });
    }
    sq.poll();
    while (sq.held.length > 16) sq.release(sq.rng.nextInt(sq.held.length), sq.rng.nextFloat() < 0.5);
    if (round % 25 === 24) sq.releaseAll(true);
  }
  sq.queue.deviceWriteRawCompletion(1 << 20, 100, COMPL_EOP, 0);
  sq.drain();
}

/**
 * Run traffic through a scripted queue (checker on, throwing at the first
 * violation) with a decision log whose first line is the header, tear the
 * queue down, release every skb, and return the log's text, ready for
 * `replayDecisionLog(text, factory)`.
 *
 * @throws InvariantViolationError at the first invariant violation, a page
 * leaked after teardown included.
 */
export function recordDecisionLog(factory: RxStrategyFactory, options: RecordDecisionLogOptions = {}): string {
  const log = createMemoryLogSink();
  const sq = createScriptedQueue({
    factory,
    config: { ...DEFAULT_CONFIG, ...options.config },
    seed: options.seed ?? 1,
    oooWindow: options.oooWindow ?? 4,
    failure: options.failure ?? DEFAULT_FAILURE,
    log,
    logHeader: true,
  });
  (options.script ?? variedTraffic)(sq);
  // The checker throws on a leak, as on any other violation.
  sq.finish();
  return log.lines.join("\n");
}
