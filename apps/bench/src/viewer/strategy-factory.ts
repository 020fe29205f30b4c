import type { DecisionLogHeader, RxStrategyFactory } from "@rxsim/core";
import { createDqoStrategy } from "@rxsim/strategy-dqo";
import { createFifoCacheStrategy } from "@rxsim/strategy-fifo-cache";
import { createNaiveStrategy } from "@rxsim/strategy-naive";
import { createOracleStrategy } from "@rxsim/strategy-oracle";
import { createPageFlipStrategy } from "@rxsim/strategy-page-flip";
import { createPagePoolStrategy } from "@rxsim/strategy-page-pool";

// The viewer page bundles the built-in strategy packages (it replays the log
// in the browser); these are their factory makers, by the name prefix their
// factories give. A log's header carries the resolved options, so the same
// maker rebuilds the same strategy.
const MAKERS: readonly [string, (options: never) => RxStrategyFactory][] = [
  ["naive", createNaiveStrategy],
  ["dqo", createDqoStrategy],
  ["page-pool", createPagePoolStrategy],
  ["page-flip", createPageFlipStrategy],
  ["fifo-cache", createFifoCacheStrategy],
  ["oracle", createOracleStrategy],
];

/** Resolved options hold `null` for "off"; the makers take absent keys for that. */
function withoutNulls(options: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof options === "object" && options !== null) {
    for (const [k, v] of Object.entries(options)) if (v !== null) out[k] = v;
  }
  return out;
}

/**
 * The factory that wrote a log with `header`: a built-in strategy made with
 * the header's options.
 * @throws Error when no built-in strategy has the header's name.
 */
export function factoryForLog(header: DecisionLogHeader): RxStrategyFactory {
  const name = header.strategy;
  for (const [prefix, make] of MAKERS) {
    if (name !== prefix && !name.startsWith(`${prefix}-`)) continue;
    const factory = make(withoutNulls(header.options) as never);
    if (factory.name === name) return factory;
  }
  throw new Error(
    `the log was written by strategy "${name}", which is not built in (the viewer replays built-in strategies: ${MAKERS.map((m) => m[0]).join(", ")} and their variants)`,
  );
}
