import { readFileSync } from "node:fs";
import {
  applySetOverrides,
  ConfigError,
  getScenario,
  keysWithoutEffect,
  type ScenarioConfig,
  validateScenarioConfig,
} from "@rxsim/harness";
import { resolveCostProfile } from "./cost-profile-input.js";
import { describeOverrides } from "./describe-overrides.js";
import { CliError } from "./errors.js";

/** Flags that shape a run's configuration, shared by compare, sweep, perf and replay. */
export interface ScenarioFlags {
  config?: string;
  /** `--threads`: threads a multi-queue run may spread over (compare, replay, capacity). */
  threads?: string;
  packets?: string;
  seed?: string;
  set?: string[];
  checker?: boolean;
  costProfile?: string;
  /** `--queues N`: RX queues on the host (`host.queues`). */
  queues?: string;
}

function parseCount(flag: string, text: string, min: number): number {
  if (!/^\d+(e\d+)?$/i.test(text.trim()))
    throw new CliError(`${flag} ${JSON.stringify(text)}: expected a whole number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new CliError(`${flag} ${text}: must be an integer ≥ ${min}`);
  return n;
}

/**
 * Warn (stderr, one line each) about keys the user changed that have no effect
 * in any of `configs` (`--set stack.holdNs=…` with `stack.hold=immediate`).
 */
export function warnKeysWithoutEffect(configs: readonly ScenarioConfig[], keys: readonly string[], flag: string): void {
  for (const key of new Set(keys)) {
    const problems = configs.map((c) => keysWithoutEffect(c, [key])[0]);
    if (configs.length > 0 && problems.every((p) => p !== undefined)) {
      process.stderr.write(`rxsim: warning: ${flag} ${problems[0]}\n`);
    }
  }
}

/** Read `--config FILE` (JSON, as printed by `rxsim show`). */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(
      `cannot read --config ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`--config ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Read and validate `--config FILE`; a bad value is one line naming the file and the key. */
function loadConfigFile(path: string): ScenarioConfig {
  const value = readConfigFile(path);
  try {
    return validateScenarioConfig(value);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`--config ${path}: ${error.message}`);
    throw error;
  }
}

/** The configuration a command runs: catalog scenario or `--config`, then flags, then `--set`. */
export function resolveScenario(name: string | undefined, flags: ScenarioFlags): ScenarioConfig {
  if (name !== undefined && flags.config !== undefined) {
    throw new CliError("give either a scenario name or --config FILE, not both");
  }
  const base = flags.config !== undefined ? loadConfigFile(flags.config) : getScenario(name ?? "default");
  return applyScenarioFlags(base, flags);
}

/**
 * Apply `--packets`, `--seed`, `--queues`, `--checker`/`--no-checker` and `--set` to a
 * configuration. The `--set` overrides are added to its description, so every
 * header (table, JSON, report) says what actually ran.
 */
export function applyScenarioFlags(base: ScenarioConfig, flags: ScenarioFlags): ScenarioConfig {
  let config = base;
  const sets: string[] = [...(flags.set ?? [])];
  if (flags.packets !== undefined) {
    const packets = parseCount("--packets", flags.packets, 1);
    sets.push(`packets=${packets}`);
    // Keep the warm-up inside the run when the run gets shorter.
    if (config.warmupPackets >= packets) sets.push(`warmupPackets=${Math.floor(packets / 10)}`);
  }
  if (flags.seed !== undefined) sets.push(`seed=${parseCount("--seed", flags.seed, 0)}`);
  if (flags.queues !== undefined) sets.push(`host.queues=${parseCount("--queues", flags.queues, 1)}`);
  if (flags.checker !== undefined) sets.push(`checker=${flags.checker}`);
  for (const s of sets) if (!s.includes("=")) throw new CliError(`--set ${JSON.stringify(s)}: expected key=value`);
  if (sets.length > 0) config = applySetOverrides(config, sets);
  if (flags.costProfile !== undefined) config = { ...config, costProfile: resolveCostProfile(flags.costProfile) };
  warnKeysWithoutEffect(
    [config],
    (flags.set ?? []).map((s) => s.slice(0, s.indexOf("=")).trim()),
    "--set",
  );
  return describeOverrides(config, flags.set ?? []);
}
