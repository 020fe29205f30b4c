import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { applySetOverrides, type ScenarioConfig } from "@rxsim/harness";
import { Piscina } from "piscina";
import { CliError, ExitCode, oneLine } from "../errors.js";
import { appendRecord, dropTornTail, scanJsonl, writeFileAtomic } from "../jsonl-store.js";
import { loadStrategies } from "../load-strategies.js";
import { assertWritable } from "../output-paths.js";
import { createProgress } from "../progress.js";
import { resolveScenario, type ScenarioFlags, warnKeysWithoutEffect } from "../scenario-input.js";
import { parseShard, parseVary, planSweep, type SweepPoint, shardPoints } from "../sweep-plan.js";
import { isSweepRecord, SWEEP_RECORD_KIND, SWEEP_RECORD_VERSION, type SweepRecord } from "../sweep-record.js";
import type { SweepTask } from "../sweep-worker.js";
import { parseTimeout } from "../watchdog.js";

/** Flags of `rxsim sweep`. */
export interface SweepFlags extends ScenarioFlags {
  vary: string[];
  strategies: string;
  workers?: string;
  out: string;
  shard?: string;
  resume?: boolean;
  timeout?: string;
}

function parseWorkers(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new CliError(`--workers ${text}: must be an integer from 1 to 256`);
  return n;
}

/**
 * `rxsim sweep`: the cartesian product of `--vary` values, run in a worker
 * pool. Each finished point is appended to the JSONL file as one line and
 * flushed; `--resume` skips points already there and redoes a torn last line;
 * when every point of the shard is in the file, it is rewritten in point order,
 * so a resumed sweep ends byte-identical to a straight one.
 */
export async function sweepCommand(scenario: string | undefined, flags: SweepFlags): Promise<number> {
  if (!flags.vary || flags.vary.length === 0) throw new CliError("sweep needs at least one --vary key=v1,v2,…");
  const axes = flags.vary.map(parseVary);
  const workers = parseWorkers(flags.workers);
  const timeoutS = parseTimeout(flags.timeout);
  const base = resolveScenario(scenario, flags);
  // Load once here so a bad strategy fails before any worker starts.
  const factories = await loadStrategies(flags.strategies);
  const all = planSweep(axes);
  const shard = flags.shard ? parseShard(flags.shard) : { index: 1, count: 1 };
  const mine = shardPoints(all, shard);

  // Every point's config is built and validated up front: a bad value fails now, naming the key.
  const configs = new Map<number, ScenarioConfig>();
  for (const p of mine) {
    const sets = Object.entries(p.params).map(([k, v]) => `${k}=${v}`);
    configs.set(p.index, applySetOverrides(base, sets));
  }
  warnKeysWithoutEffect(
    [...configs.values()],
    axes.map((a) => a.key),
    "--vary",
  );
  const sweepId = createHash("sha256")
    .update(JSON.stringify({ base, strategies: factories.map((f) => [f.name, f.options]), axes }))
    .digest("hex")
    .slice(0, 16);

  assertWritable("--out", flags.out);
  const done = new Set<number>();
  if (existsSync(flags.out) && statSync(flags.out).size > 0) {
    if (!flags.resume) {
      throw new CliError(
        `${flags.out} already holds results; add --resume to continue that sweep, or choose another --out`,
      );
    }
    const scan = scanJsonl<unknown>(flags.out);
    for (const r of scan.records) {
      if (!isSweepRecord(r)) throw new CliError(`${flags.out} holds a line that is not an rxsim sweep point`);
      if (r.sweepId !== sweepId) {
        throw new CliError(
          `${flags.out} holds points of another sweep (different scenario, options, strategies or --vary); use another --out`,
        );
      }
      done.add(r.index);
    }
    if (scan.tornTail) {
      process.stderr.write(`rxsim: ${flags.out}: the last line was cut off by a crash; redoing that point\n`);
      dropTornTail(flags.out, scan.goodBytes);
    }
  }
  const todo = mine.filter((p) => !done.has(p.index));
  process.stderr.write(
    `sweep: ${all.length} points × ${factories.length} strategies; shard ${shard.index}/${shard.count}: ${mine.length} points, ${done.size} already done, ${todo.length} to run on ${workers} worker(s)\n`,
  );

  let violations = 0;
  if (todo.length > 0) {
    const pool = new Piscina<SweepTask, SweepRecord["results"]>({
      filename: new URL("../sweep-worker.js", import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
    });
    const progress = createProgress("sweep", process.stderr, 0);
    let finished = 0;
    progress.onProgress(0, todo.length);
    try {
      await Promise.all(
        todo.map(async (p: SweepPoint) => {
          const config = configs.get(p.index) as ScenarioConfig;
          let results: SweepRecord["results"];
          try {
            results = await pool.run({ config, strategies: flags.strategies, cwd: process.cwd(), timeoutS });
          } catch (error) {
            throw new CliError(`sweep point ${JSON.stringify(p.params)} failed: ${oneLine(error)}`, ExitCode.Problem);
          }
          const record: SweepRecord = {
            kind: SWEEP_RECORD_KIND,
            version: SWEEP_RECORD_VERSION,
            sweepId,
            scenario: base.name,
            index: p.index,
            total: all.length,
            params: p.params,
            seed: config.seed,
            results,
          };
          appendRecord(flags.out, record);
          finished++;
          progress.onProgress(finished, todo.length);
        }),
      );
    } finally {
      progress.stop();
      await pool.destroy();
    }
  }

  // Every point of this shard is in the file: put the lines in point order.
  const final = scanJsonl<SweepRecord>(flags.out);
  const byIndex = new Map(final.records.map((r) => [r.index, r]));
  if (mine.every((p) => byIndex.has(p.index))) {
    const ordered = mine.map((p) => byIndex.get(p.index) as SweepRecord);
    writeFileAtomic(flags.out, ordered.map((r) => `${JSON.stringify(r)}\n`).join(""));
    for (const r of ordered) for (const s of r.results) violations += s.metrics.violations + s.metrics.leakedPages;
  }
  process.stderr.write(`sweep: ${mine.length} points in ${flags.out}\n`);
  if (violations > 0) {
    process.stderr.write(`rxsim: the checker reported ${violations} violation(s) in this sweep\n`);
    return ExitCode.Problem;
  }
  return ExitCode.Ok;
}
