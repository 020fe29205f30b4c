import { loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import type { RxStrategyFactory } from "@rxsim/core";
import Table from "cli-table3";
import { resolveCostProfile } from "../cost-profile-input.js";
import { CliError } from "../errors.js";
import { loadStrategies } from "../load-strategies.js";
import { machineInfo } from "../machine.js";
import { probeNoise } from "../machine-noise.js";
import { assertWritable, writeOutput } from "../output-paths.js";
import { measure, type PerfMeasure, type PerfSample, type PerfTask, WARM_PACKETS } from "../perf-measure.js";
import type { PerfWorkerData } from "../perf-worker.js";
import { INLINING_FLAGS, inliningBudget } from "../v8-tuning.js";

/** Flags of `rxsim perf`. */
export interface PerfFlags {
  strategies: string;
  packets: string;
  checkerPackets: string;
  loopPackets: string;
  runs: string;
  isolate: string;
  json?: string;
  costProfile?: string;
  queues: string;
}

/** Slowest, middle and fastest of the timed runs, in packets per second. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** One measured figure. */
export interface PerfResult {
  strategy: string;
  /** `simulation`: `runStrategy` on `default`; `strategy-loop`: the strategy and page table alone. */
  measure: PerfMeasure;
  /** Checker state (always `off` for the strategy loop). */
  checker: "off" | "on";
  /** Packets per timed run. */
  packets: number;
  /** Wall-clock seconds of each timed run. */
  wallSeconds: number[];
  /** Process CPU seconds of each timed run. */
  cpuSeconds: number[];
  /** Packets per wall-clock second. */
  packetsPerSecond: Spread;
  /** Packets per CPU second (less disturbed than wall time when other work shares the cores). */
  packetsPerCpuSecond: Spread;
  /**
   * With a cost profile other than `none` (simulation rows): the same runs
   * unpriced, each paired with its priced twin, and the ratio of each pair's
   * speeds (priced / unpriced; 0.85 means the profile costs 15%).
   */
  versusUnpriced?: {
    wallSeconds: number[];
    cpuSeconds: number[];
    packetsPerSecond: Spread;
    /** Priced speed over unpriced speed, per pair: min / median / max. */
    speedRatio: Spread;
  };
  /**
   * `host` rows: a host of `queues` queues, each at the single-queue rate
   * (the row's own figures are the host spread over `threads` threads),
   * timed in turn with the host in one thread and with one queue alone.
   */
  host?: {
    queues: number;
    threads: number;
    oneThread: { wallSeconds: number[]; cpuSeconds: number[]; packetsPerSecond: Spread };
    oneQueue: { wallSeconds: number[]; cpuSeconds: number[]; packetsPerSecond: Spread };
    /** Spread host speed over one-queue speed, per round: min / median / max. */
    versusOneQueue: Spread;
    /** One-thread host speed over one-queue speed, per round. */
    oneThreadVersusOneQueue: Spread;
  };
}

function count(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new CliError(`${flag} ${text}: must be an integer ≥ ${min}`);
  return n;
}

function spreadOf(values: number[], round: (x: number) => number): Spread {
  const v = values.map(round).sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 === 1 ? v[mid] : round((v[mid - 1] + v[mid]) / 2);
  return { min: v[0], median, max: v[v.length - 1] };
}

function spread(packets: number, seconds: readonly number[]): Spread {
  return spreadOf(
    seconds.map((s) => packets / s),
    Math.round,
  );
}

/** Speed ratio of each pair, priced over unpriced (three decimals). */
function pairRatios(priced: readonly number[], unpriced: readonly number[]): Spread {
  return spreadOf(
    priced.map((s, i) => unpriced[i] / s),
    (x) => Math.round(x * 1000) / 1000,
  );
}

/** Run one measurement in a fresh worker thread, so no other strategy has shaped its JIT state. */
function inWorker(data: PerfWorkerData): Promise<PerfSample> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("../perf-worker.js", import.meta.url), { workerData: data });
    let sample: PerfSample | null = null;
    worker.once("message", (m: PerfSample) => {
      sample = m;
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (sample) resolve(sample);
      else reject(new CliError(`perf worker for strategy #${data.index + 1} exited with code ${code}`, 1));
    });
  });
}

interface Planned extends PerfTask {
  index: number;
  factory: RxStrategyFactory;
}

/**
 * `rxsim perf`: simulated packets per second of each strategy on `default`,
 * checker off and on, and of the strategy alone (complete a 1500-byte
 * buffer, put the stack's page reference, refill every 64). Each measurement
 * is untimed warm-up runs (see `WARM_PACKETS`) and `--runs` timed runs, reported as min / median / max,
 * by wall clock and by process CPU time. By default each measurement runs in
 * its own fresh worker thread (`--isolate worker`); `--isolate none` runs
 * them all in this process one after another, as `rxsim compare` does.
 */
export async function perfCommand(flags: PerfFlags): Promise<number> {
  const factories = await loadStrategies(flags.strategies);
  const packetsOff = count("--packets", flags.packets, 1000);
  const packetsOn = count("--checker-packets", flags.checkerPackets, 1000);
  const loopPackets = count("--loop-packets", flags.loopPackets, 0);
  const runs = count("--runs", flags.runs, 1);
  if (flags.isolate !== "worker" && flags.isolate !== "none") {
    throw new CliError(`--isolate ${flags.isolate}: must be worker or none`);
  }
  if (flags.json) assertWritable("--json", flags.json);
  const costProfile = flags.costProfile === undefined ? null : resolveCostProfile(flags.costProfile);
  const queues = count("--queues", flags.queues, 0);
  if (queues === 1) throw new CliError("--queues 1: a host needs at least 2 queues (0 skips the host rows)");

  const plan: Planned[] = [];
  for (const checker of [false, true]) {
    factories.forEach((factory, index) => {
      plan.push({ index, factory, measure: "simulation", checker, packets: checker ? packetsOn : packetsOff, runs });
    });
  }
  if (loopPackets > 0) {
    factories.forEach((factory, index) => {
      plan.push({ index, factory, measure: "strategy-loop", checker: false, packets: loopPackets, runs });
    });
  }

  if (queues > 0) {
    factories.forEach((factory, index) => {
      plan.push({ index, factory, measure: "host", checker: false, packets: packetsOff, runs });
    });
  }

  const loadBefore = loadavg();
  // How steady the machine is around the measurements: a figure taken while the fixed loop varied ×2 says little.
  const noiseBefore = probeNoise();
  const results: PerfResult[] = [];
  for (const p of plan) {
    const task: PerfTask = {
      measure: p.measure,
      checker: p.checker,
      packets: p.packets,
      runs: p.runs,
      costProfile,
      queues,
      threadRef: { strategies: flags.strategies, index: p.index, cwd: process.cwd() },
    };
    const sample =
      flags.isolate === "worker"
        ? await inWorker({ ...task, strategies: flags.strategies, index: p.index, cwd: process.cwd() })
        : measure(p.factory, task);
    const u = sample.unpriced;
    const t = sample.oneThread;
    const q = sample.oneQueue;
    results.push({
      strategy: p.factory.name,
      measure: p.measure,
      checker: p.checker ? "on" : "off",
      packets: p.packets,
      wallSeconds: sample.wallSeconds,
      cpuSeconds: sample.cpuSeconds,
      packetsPerSecond: spread(p.packets, sample.wallSeconds),
      packetsPerCpuSecond: spread(p.packets, sample.cpuSeconds),
      ...(u && {
        versusUnpriced: {
          wallSeconds: u.wallSeconds,
          cpuSeconds: u.cpuSeconds,
          packetsPerSecond: spread(p.packets, u.wallSeconds),
          speedRatio: pairRatios(sample.wallSeconds, u.wallSeconds),
        },
      }),
      ...(t &&
        q && {
          host: {
            queues,
            threads: sample.threads ?? 1,
            oneThread: { ...t, packetsPerSecond: spread(p.packets, t.wallSeconds) },
            oneQueue: { ...q, packetsPerSecond: spread(p.packets, q.wallSeconds) },
            versusOneQueue: pairRatios(sample.wallSeconds, q.wallSeconds),
            oneThreadVersusOneQueue: pairRatios(t.wallSeconds, q.wallSeconds),
          },
        }),
    });
  }
  const loadAfter = loadavg();
  const noiseAfter = probeNoise();

  const machine = machineInfo();
  const date = new Date().toISOString();
  const m = (n: number) => (n / 1e6).toFixed(2);
  const priced = results.some((r) => r.versusUnpriced);
  const head = [
    "strategy",
    "measure",
    "checker",
    "packets/run",
    "M packets/s min / median / max",
    "per CPU s (median)",
  ];
  if (priced) head.push("unpriced M/s (median)", "priced / unpriced, paired: min / median / max");
  const table = new Table({
    head,
    colAligns: ["left", "left", "left", "right", "right", "right", "right", "right"],
    style: { head: [], border: [] },
  });
  for (const r of results) {
    if (r.host) continue;
    const w = r.packetsPerSecond;
    const row = [
      r.strategy,
      r.measure,
      r.measure === "strategy-loop" ? "—" : r.checker,
      r.packets.toLocaleString("en-US"),
      `${m(w.min)} / ${m(w.median)} / ${m(w.max)}`,
      m(r.packetsPerCpuSecond.median),
    ];
    if (priced) {
      const v = r.versusUnpriced;
      const q = v?.speedRatio;
      row.push(
        v ? m(v.packetsPerSecond.median) : "—",
        q ? `${q.min.toFixed(3)} / ${q.median.toFixed(3)} / ${q.max.toFixed(3)}` : "—",
      );
    }
    table.push(row);
  }
  const pairing = priced
    ? "; with the profile, each simulation run is paired with the same run unpriced (profile none), alternating which goes first"
    : "";
  const load =
    `load average ${loadBefore[0].toFixed(1)} before, ${loadAfter[0].toFixed(1)} after; ` +
    `machine noise ×${noiseBefore.ratio.toFixed(2)} before, ×${noiseAfter.ratio.toFixed(2)} after (slowest / fastest of 10 runs of a fixed loop)`;
  const inlining = inliningBudget();
  const v8 = { inlining, flags: inlining === "raised" ? INLINING_FLAGS : [] };
  const hosts = results.filter((r) => r.host);
  let hostTable = "";
  if (hosts.length > 0) {
    const ht = new Table({
      head: [
        "strategy",
        "host",
        "packets/run",
        "spread: M packets/s min / median / max",
        "1 thread (median)",
        "1 queue (median)",
        "spread / 1 queue: min / median / max",
        "1 thread / 1 queue (median)",
      ],
      colAligns: ["left", "left", "right", "right", "right", "right", "right", "right"],
      style: { head: [], border: [] },
    });
    for (const r of hosts) {
      const h = r.host as NonNullable<PerfResult["host"]>;
      const w = r.packetsPerSecond;
      const v = h.versusOneQueue;
      ht.push([
        r.strategy,
        `${h.queues} queues, ${h.threads} threads`,
        r.packets.toLocaleString("en-US"),
        `${m(w.min)} / ${m(w.median)} / ${m(w.max)}`,
        m(h.oneThread.packetsPerSecond.median),
        m(h.oneQueue.packetsPerSecond.median),
        `${v.min.toFixed(3)} / ${v.median.toFixed(3)} / ${v.max.toFixed(3)}`,
        h.oneThreadVersusOneQueue.median.toFixed(3),
      ]);
    }
    hostTable =
      `A host of ${queues} queues, each at the single-queue rate (4,096 flows, no page cap, checker off), spread over threads; timed in turn with the same host in one thread and with one queue alone; ratios per round\n` +
      `${ht.toString()}\n`;
  }
  process.stdout.write(
    `rxsim perf on scenario default, cost profile ${costProfile?.name ?? "none"} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (V8 inlining budget ${inlining}), ${date}\n` +
      `${runs} timed runs per row after untimed runs of the same length (two, and ${WARM_PACKETS.toLocaleString("en-US")} packets, at least; one for the strategy alone); isolation: ${flags.isolate === "worker" ? "a fresh worker thread per row" : "none (one process)"}${pairing}; ${load}\n` +
      `${table.toString()}\n${hostTable}`,
  );
  if (flags.json) {
    const doc = {
      tool: "rxsim",
      kind: "perf",
      version: 2,
      scenario: "default",
      costProfile: costProfile?.name ?? "none",
      date,
      machine,
      v8,
      runs,
      queues,
      isolation: flags.isolate,
      loadAverage: { before: loadBefore, after: loadAfter },
      machineNoise: { before: noiseBefore, after: noiseAfter },
      results,
    };
    writeOutput("--json", flags.json, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return 0;
}
