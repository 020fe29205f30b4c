import { setFlagsFromString } from "node:v8";

/** Set to `1` to keep V8's own inlining budget (to compare, or if a Node release misbehaves with the raised one). */
export const V8_DEFAULTS_ENV = "RXSIM_V8_DEFAULTS";

/**
 * The raised inlining budget. A simulated packet is one deep call chain (the
 * queue's poll → the strategy's `complete` → the page table's `put`, the
 * refill → `post` → the rings). V8's defaults (460 bytecode bytes per inlined
 * function, 920 per optimized function) cut that chain into separate calls,
 * each reloading what the caller had in registers; with these the loop is
 * compiled as one function. Measured in docs/benchmarks/2026-11-30b.md:
 * ×1.16 on `default` with the checker off, ×1.21 with it on, ×1.08 on the
 * strategy loop (summed medians of every built-in strategy, same sitting).
 */
export const INLINING_FLAGS: readonly string[] = [
  "--max-inlined-bytecode-size=1000",
  "--max-inlined-bytecode-size-cumulative=4000",
];

/** Which inlining budget this process runs with. */
export type InliningBudget = "raised" | "default";

let budget: InliningBudget = "default";

/**
 * Raise V8's inlining budget for this process (every thread: V8's flags are
 * process-wide), unless `RXSIM_V8_DEFAULTS=1`. Call before any simulation
 * runs: V8 reads the flags when it optimizes a function, so code already
 * optimized keeps the budget it was compiled with.
 */
export function tuneV8(env: NodeJS.ProcessEnv = process.env): InliningBudget {
  if (env[V8_DEFAULTS_ENV] === "1") return budget;
  for (const flag of INLINING_FLAGS) setFlagsFromString(flag);
  budget = "raised";
  return budget;
}

/** The budget {@link tuneV8} left this process with, for records of speed. */
export function inliningBudget(): InliningBudget {
  return budget;
}
