import { BUILTIN_STRATEGIES, describeOverrides } from "@rxsim/bench/browser";
import type { RxStrategyFactory } from "@rxsim/core";
import { applySetOverrides, ConfigError, getScenario, type ScenarioConfig } from "@rxsim/harness/browser";

/** What the form asks for: the knobs of `rxsim compare`. */
export interface RunRequest {
  /** Catalog scenario name (`rxsim scenarios`). */
  readonly scenario: string;
  /** Built-in strategy names, in column order. */
  readonly strategies: readonly string[];
  /** `--seed`. */
  readonly seed: number;
  /** `--packets`. */
  readonly packets: number;
  /** `--checker` (false: the scenario's own setting). */
  readonly checker: boolean;
  /** `--set key.path=value`, in order. */
  readonly sets: readonly string[];
}

/**
 * The configuration `rxsim compare SCENARIO --packets N --seed S [--checker] --set …`
 * runs, built in the same order as the command line does (apps/bench
 * scenario-input.ts): `--set`s first, then packets (keeping the warm-up inside
 * a shorter run), seed and checker. @throws ConfigError
 */
export function resolveRun(request: RunRequest): ScenarioConfig {
  const base = getScenario(request.scenario);
  const sets = [...request.sets];
  sets.push(`packets=${request.packets}`);
  if (base.warmupPackets >= request.packets) sets.push(`warmupPackets=${Math.floor(request.packets / 10)}`);
  sets.push(`seed=${request.seed}`);
  if (request.checker) sets.push("checker=true");
  return describeOverrides(applySetOverrides(base, sets), request.sets);
}

/** Fresh factories for the request's strategies. @throws ConfigError for an unknown name. */
export function createFactories(request: RunRequest): RxStrategyFactory[] {
  if (request.strategies.length === 0) throw new ConfigError("strategies", "choose at least one strategy");
  return request.strategies.map((name) => {
    const entry = Object.hasOwn(BUILTIN_STRATEGIES, name) ? BUILTIN_STRATEGIES[name] : undefined;
    if (!entry) throw new ConfigError("strategies", `unknown strategy "${name}"`);
    return entry.create();
  });
}

/** The command line that gives the same numbers (arguments after `rxsim`). */
export function cliArgs(request: RunRequest): string[] {
  return [
    "compare",
    request.scenario,
    "--strategies",
    request.strategies.join(","),
    "--packets",
    String(request.packets),
    "--seed",
    String(request.seed),
    ...(request.checker ? ["--checker"] : []),
    ...request.sets.flatMap((s) => ["--set", s]),
  ];
}

/** {@link cliArgs} as one line a shell takes (single-quoted where needed). */
export function cliCommand(request: RunRequest): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  return ["rxsim", ...cliArgs(request)].map(quote).join(" ");
}
