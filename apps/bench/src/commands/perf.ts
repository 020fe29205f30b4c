import { applySetOverrides, getScenario, runStrategy } from "@rxsim/harness";
import Table from "cli-table3";
import { resolveCostProfile } from "../cost-profile-input.js";
import { CliError } from "../errors.js";
import { loadStrategies } from "../load-strategies.js";
import { machineInfo } from "../machine.js";
import { assertWritable, writeOutput } from "../output-paths.js";

/** Flags of `rxsim perf`. */
export interface PerfFlags {
  strategies: string;
  packets: string;
  checkerPackets: string;
  json?: string;
  costProfile?: string;
}

/** One measured figure. */
export interface PerfResult {
  strategy: string;
  checker: "off" | "on";
  packets: number;
  seconds: number;
  packetsPerSecond: number;
}

function count(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1000) throw new CliError(`${flag} ${text}: must be an integer ≥ 1000`);
  return n;
}

/**
 * `rxsim perf`: simulated packets per second of each strategy on `default`,
 * checker off and on. Each figure is the best of 3 timed runs after a
 * warm-up run, so JIT compilation is not measured.
 */
export async function perfCommand(flags: PerfFlags): Promise<number> {
  const factories = await loadStrategies(flags.strategies);
  const packetsOff = count("--packets", flags.packets);
  const packetsOn = count("--checker-packets", flags.checkerPackets);
  if (flags.json) assertWritable("--json", flags.json);
  const profile = flags.costProfile === undefined ? null : resolveCostProfile(flags.costProfile);
  const base = profile === null ? getScenario("default") : { ...getScenario("default"), costProfile: profile };
  const results: PerfResult[] = [];
  for (const checker of ["off", "on"] as const) {
    const packets = checker === "off" ? packetsOff : packetsOn;
    const config = applySetOverrides(base, [
      `packets=${packets}`,
      `warmupPackets=${Math.min(base.warmupPackets, Math.floor(packets / 10))}`,
      `checker=${checker === "on"}`,
    ]);
    const warm = applySetOverrides(config, [`packets=${Math.min(packets, 200_000)}`, "warmupPackets=0"]);
    for (const factory of factories) {
      runStrategy(warm, factory);
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        runStrategy(config, factory);
        best = Math.min(best, (performance.now() - t0) / 1000);
      }
      results.push({
        strategy: factory.name,
        checker,
        packets,
        seconds: best,
        packetsPerSecond: Math.round(packets / best),
      });
    }
  }
  const machine = machineInfo();
  const date = new Date().toISOString();
  const table = new Table({
    head: ["strategy", "checker", "packets", "best of 3 (s)", "simulated packets/s"],
    colAligns: ["left", "left", "right", "right", "right"],
    style: { head: [], border: [] },
  });
  for (const r of results) {
    table.push([
      r.strategy,
      r.checker,
      r.packets.toLocaleString("en-US"),
      r.seconds.toFixed(3),
      r.packetsPerSecond.toLocaleString("en-US"),
    ]);
  }
  process.stdout.write(
    `rxsim perf on scenario default, cost profile ${base.costProfile.name} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${date}\n${table.toString()}\n`,
  );
  if (flags.json) {
    writeOutput(
      "--json",
      flags.json,
      `${JSON.stringify(
        {
          tool: "rxsim",
          kind: "perf",
          scenario: "default",
          costProfile: base.costProfile.name,
          date,
          machine,
          results,
        },
        null,
        2,
      )}\n`,
    );
  }
  return 0;
}
