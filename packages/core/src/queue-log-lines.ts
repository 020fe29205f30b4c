import type { Clock } from "./clock.js";
import type { DecisionLogSink } from "./decision-log-sink.js";
import type { CompletionKind } from "./strategy.js";

/**
 * The driver model's own decision-log lines (`I …`, see docs/decision-log.md),
 * each stamped with the simulated time. Built here, only when a log is
 * attached, so the queue's per-packet methods stay small.
 */

const KIND_NAMES = ["frag", "copy", "error", "nomem"] as const;

/** A refill asks the strategy for up to `max` buffers, in NAPI or process context. */
export function logRefill(log: DecisionLogSink, clock: Clock, max: number, inNapi: boolean): void {
  log.line(`I refill ${max} ${inNapi ? "napi" : "proc"} @${clock.now()}`);
}

/** The driver consumed a completion for `bufId`. */
export function logComplete(
  log: DecisionLogSink,
  clock: Clock,
  bufId: number,
  kind: CompletionKind,
  bytes: number,
): void {
  log.line(`I complete ${bufId} ${KIND_NAMES[kind]} ${bytes} @${clock.now()}`);
}

/** The stack released one fragment of an skb. */
export function logRelease(
  log: DecisionLogSink,
  clock: Clock,
  page: number,
  off: number,
  len: number,
  inNapi: boolean,
): void {
  log.line(`I release ${page} ${off} ${len} ${inNapi ? "napi" : "proc"} @${clock.now()}`);
}

/** The queue was torn down (`what` = `teardown`), or ran the strategy's deferred teardown work (`teardown-work`). */
export function logTeardown(log: DecisionLogSink, clock: Clock, what: "teardown" | "teardown-work"): void {
  log.line(`I ${what} @${clock.now()}`);
}
