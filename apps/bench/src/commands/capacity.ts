import { isZeroCost, type RxStrategyFactory } from "@rxsim/core";
import { type QueueThreads, runStrategy, type ScenarioConfig, type StrategyResult } from "@rxsim/harness";
import { CliError } from "../errors.js";
import { loadStrategies } from "../load-strategies.js";
import { assertWritable, writeOutput } from "../output-paths.js";
import { parseThreads, queueThreadsFor } from "../queue-thread-loader.js";
import { resolveScenario, type ScenarioFlags } from "../scenario-input.js";

/** Flags of `rxsim capacity`. */
export interface CapacityFlags extends ScenarioFlags {
  strategies: string;
  maxDrop: string;
  json?: string;
}

/** One strategy's capacity. */
export interface CapacityResult {
  readonly strategy: string;
  /** Highest arrival rate, packets per second, with drops ≤ the allowed fraction (within 1%). */
  readonly capacityPps: number;
  /** The same rate on the wire: frames plus `traffic.wireOverheadBytes` each, in Gbit/s. */
  readonly capacityGbps: number;
  /** CPU ns per delivered packet at that rate (buffer management priced by the profile). */
  readonly cpuNsPerPacket: number | null;
  /** NAPI CPU utilisation at that rate. */
  readonly napiUtilisation: number;
  /** Runs the search took. */
  readonly runs: number;
}

/** Relative width at which the bisection stops. */
const PRECISION = 0.01;
/** Highest rate tried before giving up on finding a failing one. */
const MAX_PPS = 1e10;

function parseFraction(text: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new CliError(`--max-drop ${JSON.stringify(text)}: expected a fraction in [0, 1), e.g. 0.001`);
  }
  return v;
}

/** The scenario at `pps` packets per second, constant or Poisson as configured. */
function atRate(config: ScenarioConfig, pps: number): ScenarioConfig {
  if (config.traffic.kind !== "synthetic") throw new Error("unreachable: checked by the caller");
  return { ...config, traffic: { ...config.traffic, rate: pps, rateUnit: "pps" } };
}

/**
 * Bisect the arrival rate: the highest one whose no-buffer drops stay within
 * `maxDrop` of the arriving packets, to 1%. Same seed for every run: the
 * search is deterministic.
 */
export function findCapacity(
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  maxDrop: number,
  queueThreads?: QueueThreads,
): { pps: number; result: StrategyResult | null; runs: number } {
  let runs = 0;
  const probe = (pps: number): StrategyResult | null => {
    runs++;
    const r = runStrategy(atRate(config, pps), factory, { queueThreads });
    const m = r.metrics;
    return m.packetsArrived > 0 && m.packetsDropped <= maxDrop * m.packetsArrived ? r : null;
  };
  const start = startPps(config);
  let lo = 0;
  let loResult: StrategyResult | null = null;
  let hi = start;
  const first = probe(start);
  if (first !== null) {
    lo = start;
    loResult = first;
    for (hi = start * 2; ; hi *= 2) {
      if (hi > MAX_PPS) {
        throw new CliError(
          `capacity: ${factory.name} never dropped up to ${MAX_PPS.toExponential(0)} packets/s: is every cost of the profile 0?`,
        );
      }
      const r = probe(hi);
      if (r === null) break;
      lo = hi;
      loResult = r;
    }
  } else {
    // Halve until a rate is sustained (or the rate is too low to matter).
    for (let p = start / 2; p >= 1; p /= 2) {
      const r = probe(p);
      if (r !== null) {
        lo = p;
        loResult = r;
        break;
      }
      hi = p;
    }
    if (loResult === null) return { pps: 0, result: null, runs };
  }
  while ((hi - lo) / hi > PRECISION) {
    const mid = (lo + hi) / 2;
    const r = probe(mid);
    if (r !== null) {
      lo = mid;
      loResult = r;
    } else {
      hi = mid;
    }
  }
  return { pps: lo, result: loResult, runs };
}

/** The configured rate in packets per second (Gbit/s converted with the mean frame size). */
function startPps(config: ScenarioConfig): number {
  const t = config.traffic;
  if (t.kind !== "synthetic") throw new Error("unreachable");
  if (t.rateUnit === "pps") return t.rate;
  const size = t.sizeModel === "fixed" ? t.packetSize : (t.minSize + t.maxSize) / 2;
  return (t.rate * 1e9) / ((size + t.wireOverheadBytes) * 8);
}

/** `rxsim capacity [scenario]`. */
export async function capacityCommand(scenario: string | undefined, flags: CapacityFlags): Promise<number> {
  const maxDrop = parseFraction(flags.maxDrop);
  const factories = await loadStrategies(flags.strategies);
  // The checker slows every probe; off unless asked for.
  let config = resolveScenario(scenario, { ...flags, checker: flags.checker ?? false });
  if (flags.json) assertWritable("--json", flags.json);
  if (config.traffic.kind !== "synthetic") {
    throw new CliError(
      `capacity needs synthetic traffic (a rate to vary); ${config.name} replays a ${config.traffic.kind}`,
    );
  }
  if (isZeroCost(config.costProfile.costs) && config.driver.pollCostNs === 0 && config.driver.packetCostNs === 0) {
    throw new CliError(
      "capacity needs a CPU cost (--cost-profile bare-metal, iommu-lazy, iommu-strict or a file): with none every poll takes no time",
    );
  }
  config = { ...config, traffic: { ...config.traffic } };
  const t = config.traffic;
  if (t.kind !== "synthetic") throw new Error("unreachable");
  const results: CapacityResult[] = [];
  const threads = queueThreadsFor(parseThreads(flags.threads), flags.strategies, factories);
  for (const factory of factories) {
    const found = findCapacity(config, factory, maxDrop, threads);
    const m = found.result?.metrics;
    const meanBytes = m && m.packetsArrived > 0 ? m.bytesArrived / m.packetsArrived : 0;
    results.push({
      strategy: factory.name,
      capacityPps: found.pps,
      capacityGbps: (found.pps * (meanBytes + t.wireOverheadBytes) * 8) / 1e9,
      cpuNsPerPacket: m?.cpuNsPerPacket ?? null,
      napiUtilisation: m?.napiUtilisation ?? 0,
      runs: found.runs,
    });
    process.stderr.write(`capacity: ${factory.name} done (${found.runs} runs)\n`);
  }
  if (flags.json) {
    const doc = {
      tool: "rxsim",
      command: "capacity",
      scenario: config.name,
      costProfile: config.costProfile,
      maxDrop,
      precision: PRECISION,
      packetsPerRun: config.packets,
      seed: config.seed,
      results,
    };
    writeOutput("--json", flags.json, `${JSON.stringify(doc, null, 2)}\n`);
  }
  process.stdout.write(
    `scenario ${config.name}, cost profile ${config.costProfile.name}, drops ≤ ${maxDrop * 100}% of arrivals, ${napiCores(config)}\n`,
  );
  const rows = results.map((r) => [
    r.strategy,
    (r.capacityPps / 1e6).toFixed(3),
    r.capacityGbps.toFixed(2),
    r.cpuNsPerPacket === null ? "–" : r.cpuNsPerPacket.toFixed(1),
    `${(r.napiUtilisation * 100).toFixed(1)}%`,
  ]);
  const head = ["strategy", "Mpps", "Gbit/s", "CPU ns/pkt", "NAPI busy"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const line of [head, ...rows]) {
    process.stdout.write(`${line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")}\n`);
  }
  return 0;
}

/** The cores the host's NAPI instances run on, in words (NAPI busy then counts CPUs' worth, summed). */
function napiCores(config: ScenarioConfig): string {
  const h = config.host;
  if (h.queues === 1) return "one NAPI core";
  const cores = h.napiCpus.length > 0 ? new Set(h.napiCpus).size : h.queues;
  return `${h.queues} queues on ${cores} NAPI core${cores === 1 ? "" : "s"} (NAPI busy: CPUs' worth, summed)`;
}
