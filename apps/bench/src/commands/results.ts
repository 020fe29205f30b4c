import { BUILTIN_COST_PROFILES, type RxStrategyFactory } from "@rxsim/core";
import { applySetOverrides, getScenario, listScenarios, runComparison, type StrategyResult } from "@rxsim/harness";
import { resolveCostProfile } from "../cost-profile-input.js";
import { CliError } from "../errors.js";
import { loadStrategies } from "../load-strategies.js";
import { machineInfo } from "../machine.js";
import { assertWritable, checkOutputPaths, writeOutput } from "../output-paths.js";
import { BUILTIN_STRATEGIES } from "../registry.js";
import { parseTimeout, withWatchdog } from "../watchdog.js";
import { findCapacity } from "./capacity.js";

/** Flags of `rxsim results`. */
export interface ResultsFlags {
  out: string;
  packets?: string;
  strategies?: string;
  costProfile?: string;
  timeout?: string;
}

const MIB = 1024 * 1024;

function fmt(v: number | null, digits: number): string {
  if (v === null || !Number.isFinite(v)) return "–";
  return v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Distance from the oracle bound: how many times the bound, and the excess. */
function distance(value: number | null, bound: number | null, digits: number): string {
  if (value === null || bound === null) return "–";
  if (bound === 0) return value === 0 ? "= bound" : `+${fmt(value, digits)}`;
  return `×${(value / bound).toFixed(2)}`;
}

function scenarioSection(
  name: string,
  description: string,
  results: readonly StrategyResult[],
  oracle: StrategyResult | undefined,
): string {
  // With a cost profile (the scenario's or --cost-profile), the CPU each packet took.
  const priced = results.some((r) => r.metrics.napiBusyNs > 0);
  const lines = [
    `## ${name}`,
    "",
    description,
    "",
    `| strategy | page allocs / 1,000 pkts | vs oracle | atomics / pkt | peak resident MiB | vs oracle | dropped (no buffer) | other drops | violations |${
      priced ? " CPU ns / pkt | NAPI busy |" : ""
    }`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${priced ? " ---: | ---: |" : ""}`,
  ];
  for (const r of results) {
    const m = r.metrics;
    const o = oracle?.metrics;
    lines.push(
      `| ${r.strategy} | ${fmt(m.per1000Packets.pageAllocs, 2)} | ${
        o ? distance(m.per1000Packets.pageAllocs, o.per1000Packets.pageAllocs, 2) : "–"
      } | ${fmt(m.perDeliveredPacket.atomicOps, 3)} | ${fmt(m.peakResidentBytes / MIB, 2)} | ${
        o ? distance(m.peakResidentBytes, o.peakResidentBytes, 0) : "–"
      } | ${m.packetsDropped.toLocaleString("en-US")} | ${(
        m.packetsDroppedRxError + m.packetsDroppedSkbAlloc
      ).toLocaleString("en-US")} | ${m.violations} |${
        priced ? ` ${fmt(m.cpuNsPerPacket, 1)} | ${(m.napiUtilisation * 100).toFixed(1)}% |` : ""
      }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The priced profiles the capacity section covers, and the drop fraction it allows. */
const CAPACITY_PROFILES = ["bare-metal", "iommu-lazy", "iommu-strict"] as const;
const CAPACITY_MAX_DROP = 0.001;
const CAPACITY_PACKETS = 100_000;

/** Per strategy, the highest rate one NAPI core sustains on `default` under each priced profile. */
function capacitySection(factories: readonly RxStrategyFactory[], timeoutS: number): string {
  const base = applySetOverrides(getScenario("default"), [`packets=${CAPACITY_PACKETS}`, "checker=false"]);
  const lines = [
    "## Capacity on one core",
    "",
    `The highest arrival rate of 1500-byte packets (\`default\`, ${CAPACITY_PACKETS.toLocaleString("en-US")} packets per probe, checker off) that one NAPI core sustains with at most ${CAPACITY_MAX_DROP * 100}% of arrivals dropped for lack of posted buffers, found by bisection to 1% (\`rxsim capacity default --cost-profile P\`). Mpps, with CPU ns per delivered packet at that rate in brackets. Only buffer management is priced (docs/cost-model.md): per-packet descriptor and skb work is 0 in the built-in profiles, so a recycler's figure is bounded by the ring and the interrupt coalescing, not by the CPU — compare strategies, not these numbers with a real NIC.`,
    "",
    `| strategy | ${CAPACITY_PROFILES.join(" | ")} |`,
    `| --- |${CAPACITY_PROFILES.map(() => " ---: |").join("")}`,
  ];
  for (const factory of factories) {
    const cells = CAPACITY_PROFILES.map((name) => {
      const found = withWatchdog(
        timeoutS,
        () => `${factory.name} (capacity on ${name})`,
        () => findCapacity({ ...base, costProfile: BUILTIN_COST_PROFILES[name] }, factory, CAPACITY_MAX_DROP),
      );
      const ns = found.result?.metrics.cpuNsPerPacket ?? null;
      return `${fmt(found.pps / 1e6, 2)} (${fmt(ns, 1)})`;
    });
    lines.push(`| ${factory.name} | ${cells.join(" | ")} |`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * `rxsim results --out docs/results.md`: every strategy on every catalog
 * scenario, as Markdown, with the command that regenerates it at the top.
 * The file is written once, whole, when every scenario ran (beside the target, then renamed): an
 * interrupted or failed run leaves the previous file as it was.
 */
export async function resultsCommand(flags: ResultsFlags): Promise<number> {
  checkOutputPaths([["--out", flags.out]]);
  assertWritable("--out", flags.out);
  const names = flags.strategies ?? Object.keys(BUILTIN_STRATEGIES).join(",");
  const factories = await loadStrategies(names);
  const packets = flags.packets;
  if (packets !== undefined && (!/^\d+$/.test(packets) || Number(packets) < 1000)) {
    throw new CliError(`--packets ${packets}: must be an integer ≥ 1000`);
  }
  const timeoutS = parseTimeout(flags.timeout);
  const machine = machineInfo();
  const costProfile = flags.costProfile === undefined ? null : resolveCostProfile(flags.costProfile);
  const command = `pnpm rxsim results --out ${flags.out}${flags.packets ? ` --packets ${packets}` : ""}${
    flags.costProfile ? ` --cost-profile ${flags.costProfile}` : ""
  }${flags.strategies ? ` --strategies ${flags.strategies}` : ""}`;
  const header = [
    "# rxsim results: every strategy on every catalog scenario",
    "",
    `Generated by \`${command}\` — rerun it to reproduce this file (the simulation is deterministic: only the date and machine in the next paragraph change).`,
    "",
    `${packets ? `${packets} packets per scenario` : "Each scenario's own packet count"} (its warm-up excluded, or the first 10% when the warm-up is longer than the run), checker on. Generated ${new Date()
      .toISOString()
      .slice(0, 10)} on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}.`,
    "",
    "Columns: page allocations per 1,000 arrived packets; atomic page reference operations per delivered packet; peak resident memory; packets the device dropped for lack of posted buffers; packets dropped for rx_error or skb allocation failure. `vs oracle` is the strategy's figure divided by the oracle's: the oracle is told of every fragment release and reuses any free piece at once, so no recycler working in whole buffers can allocate less or hold fewer pages for the same traffic (it bounds pages, not atomics). `= bound` means both are 0.",
    "",
  ].join("\n");
  const sections: string[] = [];
  for (const s of listScenarios()) {
    const scenario = getScenario(s.name);
    const n = packets ? Number(packets) : scenario.packets;
    const sets = [`packets=${n}`, "checker=true"];
    if (scenario.warmupPackets >= n) sets.push(`warmupPackets=${Math.floor(n / 10)}`);
    let config = applySetOverrides(scenario, sets);
    if (costProfile !== null) config = { ...config, costProfile };
    let running = "(setup)";
    const result = withWatchdog(
      timeoutS,
      () => `${running} (scenario ${s.name})`,
      () =>
        runComparison(config, factories, {
          onStrategyStart: (name) => {
            running = name;
          },
        }),
    );
    const oracle = result.results.find((r) => r.strategy === "oracle");
    sections.push(scenarioSection(s.name, s.description, result.results, oracle));
    process.stderr.write(`results: ${s.name} done\n`);
  }
  sections.push(capacitySection(factories, timeoutS));
  process.stderr.write("results: capacity done\n");
  writeOutput("--out", flags.out, `${header}\n${sections.join("\n")}`);
  process.stdout.write(
    `results: ${flags.out} (${sections.length - 1} scenarios × ${factories.length} strategies, capacity)\n`,
  );
  return 0;
}
