import { InvariantViolationError } from "./checker.js";
import { isQueueCannotStart } from "./queue-cannot-start.js";
import type { RxStrategy, RxStrategyEnv, RxStrategyFactory } from "./strategy.js";

/** A strategy member the queue calls. */
export type StrategyMethod =
  | "create"
  | "refill"
  | "complete"
  | "onPageCountDrop"
  | "onFragmentRelease"
  | "teardown"
  | "teardownWorkAt"
  | "runTeardownWork"
  | "stats";

/**
 * A strategy broke the contract: one of its members threw, or returned what
 * the contract does not allow (a `complete` result outside
 * `CompletionResult`, a `refill` count other than what it posted). The run
 * cannot go on; the message names the strategy, the member and the problem.
 */
export class StrategyFaultError extends Error {
  /** The factory's name. */
  readonly strategy: string;
  /** The member that misbehaved. */
  readonly method: StrategyMethod;
  /** What it did, in words. */
  readonly problem: string;
  constructor(strategy: string, method: StrategyMethod, problem: string) {
    super(`strategy ${strategy} is faulty: ${method} ${problem}`);
    this.name = "StrategyFaultError";
    this.strategy = strategy;
    this.method = method;
    this.problem = problem;
  }
}

/**
 * A thrown value in words, without trusting it: its message may be a throwing
 * getter, it may be a Proxy, a Symbol or an object whose `toString` throws.
 */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) {
      const text = `${String(value.name)}: ${String(value.message)}`;
      return text.replace(/\s*\n\s*/g, " ").slice(0, 300);
    }
    if (typeof value === "string") return JSON.stringify(value.slice(0, 300));
    if (typeof value === "object" && value !== null)
      return `a non-Error object (${Object.prototype.toString.call(value)})`;
    return `a non-Error value (${String(value)})`;
  } catch {
    return "a value that cannot be printed";
  }
}

/**
 * Turn what a strategy member threw into a {@link StrategyFaultError}. Errors
 * that are not the strategy's fault pass through as they are: a fault already
 * named, the checker's `throwOnViolation` error, and from `create` a refused
 * queue (RangeError) or a queue that cannot start.
 */
export function strategyThrew(strategy: string, method: StrategyMethod, error: unknown): unknown {
  try {
    if (error instanceof StrategyFaultError || error instanceof InvariantViolationError) return error;
    if (method === "create" && (error instanceof RangeError || isQueueCannotStart(error))) return error;
  } catch {
    // A Proxy whose traps throw: certainly not one of ours.
  }
  return new StrategyFaultError(strategy, method, `threw ${describeThrown(error)}`);
}

/** True for a {@link StrategyFaultError}, also one from another copy of this package. */
export function isStrategyFault(error: unknown): error is StrategyFaultError {
  return error instanceof Error && error.name === "StrategyFaultError";
}

/** A returned value in words, for a fault message (never throws). */
export function describeValue(value: unknown): string {
  try {
    if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined)
      return String(value);
    if (typeof value === "string") return JSON.stringify(value.slice(0, 60));
    return `a ${typeof value}`;
  } catch {
    return "a value that cannot be printed";
  }
}

/** A created strategy, checked, with what the queue reads of it once. */
export interface CheckedStrategy {
  readonly strategy: RxStrategy;
  readonly copybreak: number;
  /** The strategy has `onPageCountDrop`. */
  readonly listens: boolean;
}

/**
 * `factory.create(env)`, checked: an object with every required member and an
 * integer copybreak ≥ 0.
 * @throws StrategyFaultError when create throws or returns anything else; a
 *   RangeError (the strategy refuses the queue) or QueueCannotStartError as thrown.
 */
export function createCheckedStrategy(factory: RxStrategyFactory, env: RxStrategyEnv): CheckedStrategy {
  const name = factory.name;
  try {
    const strategy: unknown = factory.create(env);
    if (typeof strategy !== "object" || strategy === null) {
      throw new StrategyFaultError(name, "create", `returned ${describeValue(strategy)}, not a strategy`);
    }
    const s = strategy as RxStrategy;
    for (const member of ["refill", "complete", "teardown", "stats"] as const) {
      if (typeof s[member] !== "function") {
        throw new StrategyFaultError(name, "create", `returned a strategy without a ${member}() method`);
      }
    }
    const copybreak = s.copybreak;
    if (!Number.isInteger(copybreak) || copybreak < 0) {
      throw new StrategyFaultError(
        name,
        "create",
        `returned a strategy whose copybreak is ${describeValue(copybreak)}, not an integer ≥ 0`,
      );
    }
    return { strategy: s, copybreak, listens: typeof s.onPageCountDrop === "function" };
  } catch (e) {
    throw strategyThrew(name, "create", e);
  }
}

/**
 * `strategy.stats()`, checked and copied: an object of finite numbers.
 * @throws StrategyFaultError when it throws or returns anything else.
 */
export function readStrategyStats(name: string, strategy: RxStrategy): Record<string, number> {
  try {
    const stats: unknown = strategy.stats();
    if (typeof stats !== "object" || stats === null) {
      throw new StrategyFaultError(name, "stats", `returned ${describeValue(stats)}, not an object of counters`);
    }
    const copy: Record<string, number> = {};
    for (const [key, value] of Object.entries(stats)) {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new StrategyFaultError(
          name,
          "stats",
          `returned ${JSON.stringify(key)}: ${describeValue(value)}, not a finite number`,
        );
      }
      copy[key] = value;
    }
    return copy;
  } catch (e) {
    throw strategyThrew(name, "stats", e);
  }
}

/** `refill` returned a count other than the buffers it posted. */
export function refillMiscounted(name: string, returned: unknown, posted: number): StrategyFaultError {
  return new StrategyFaultError(name, "refill", `returned ${describeValue(returned)} but posted ${posted} buffer(s)`);
}

/** A post beyond the refill's limit, or outside refill. */
export function postBeyondLimit(name: string, bufId: number): StrategyFaultError {
  return new StrategyFaultError(name, "refill", `posted buf_id ${bufId} beyond the refill's limit (or outside refill)`);
}

/** `complete` returned something that is not a {@link CompletionResult}. */
export function badCompletionResult(name: string, result: unknown, bufId: number): StrategyFaultError {
  return new StrategyFaultError(
    name,
    "complete",
    `returned ${describeValue(result)} for buf_id ${bufId}, not a CompletionResult (-1, 0, 1 or 2)`,
  );
}
