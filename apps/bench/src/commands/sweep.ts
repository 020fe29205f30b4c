import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { applySetOverrides, type ScenarioConfig } from "@rxsim/harness";
import { Piscina } from "piscina";
import { bundledUrl } from "../bundled.js";
import { CliError, ExitCode, oneLine } from "../errors.js";
import { createLineAppender, dropTornTail, writeFileAtomic } from "../jsonl-store.js";
import { loadStrategies } from "../load-strategies.js";
import { assertWritable } from "../output-paths.js";
import { createProgress } from "../progress.js";
import { resolveScenario, type ScenarioFlags, warnKeysWithoutEffect } from "../scenario-input.js";
import { readSweepFile } from "../sweep-file.js";
import { lockOutput } from "../sweep-lock.js";
import { parseShard, parseVary, planSweep, shardPoints } from "../sweep-plan.js";
import { createSweepProfile, epochMs } from "../sweep-profile.js";
import { SWEEP_RECORD_KIND, SWEEP_RECORD_VERSION, type SweepRecord, sweepRecordLine } from "../sweep-record.js";
import type { SweepTask, SweepTaskOutcome } from "../sweep-worker.js";
import { parseTimeout } from "../watchdog.js";

/** Flags of `rxsim sweep`. */
export interface SweepFlags extends ScenarioFlags {
  vary: string[];
  strategies: string;
  workers?: string;
  out?: string;
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

/** The worker's module: its one-file bundle when fresh (each worker starts in about half the time). */
function workerFile(): string {
  const module = new URL("../sweep-worker.js", import.meta.url);
  return (bundledUrl(new URL("../sweep-worker.bundle.js", import.meta.url), module) ?? module).href;
}

/** Sum of checker violations and leaked pages over the records. */
export function countViolations(records: readonly SweepRecord[]): number {
  let n = 0;
  for (const r of records) for (const s of r.results) n += s.metrics.violations + s.metrics.leakedPages;
  return n;
}

/**
 * `rxsim sweep`: the cartesian product of `--vary` values, one task per point
 * and strategy in a worker pool. Each finished point is appended to the JSONL
 * file as one line and flushed; `--resume` skips points already there and
 * redoes a torn last line; when every point of the shard is in the file, it is
 * rewritten in point order (beside it, then renamed), so a resumed sweep ends
 * byte-identical to a straight one. The file is locked while the sweep runs,
 * and holds one shard of one sweep.
 */
export async function sweepCommand(scenario: string | undefined, flags: SweepFlags): Promise<number> {
  const profile = createSweepProfile();
  profile.mark("command");
  if (!flags.vary || flags.vary.length === 0) throw new CliError("sweep needs at least one --vary key=v1,v2,…");
  if (!flags.out) throw new CliError("required option '--out <file.jsonl>' not specified");
  const out = flags.out;
  const axes = flags.vary.map(parseVary);
  const workers = parseWorkers(flags.workers);
  const timeoutS = parseTimeout(flags.timeout);
  const shard = flags.shard ? parseShard(flags.shard) : { index: 1, count: 1 };
  const all = planSweep(axes);
  const base = resolveScenario(scenario, flags);
  assertWritable("--out", out);
  try {
    return await runSweep({ scenario: base, flags, out, axes, all, shard, workers, timeoutS, profile });
  } finally {
    profile.mark("done");
    profile.write();
  }
}

interface SweepPlan {
  scenario: ScenarioConfig;
  flags: SweepFlags;
  out: string;
  axes: ReturnType<typeof parseVary>[];
  all: ReturnType<typeof planSweep>;
  shard: { index: number; count: number };
  workers: number;
  /** `--timeout`: seconds a point may take in its worker. */
  timeoutS: number;
  profile: ReturnType<typeof createSweepProfile>;
}

async function runSweep(plan: SweepPlan): Promise<number> {
  const { scenario: base, flags, out, axes, all, shard, workers, timeoutS, profile } = plan;
  const factories = await loadStrategies(flags.strategies); // a bad strategy fails before any point runs
  profile.mark("strategiesLoaded");
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
  // The sweep's identity, the same for all its shards (the shard is in every line beside it).
  const sweepId = createHash("sha256")
    .update(JSON.stringify({ base, strategies: factories.map((f) => [f.name, f.options]), axes }))
    .digest("hex")
    .slice(0, 16);
  const shardText = `${shard.index}/${shard.count}`;

  const lock = lockOutput("--out", out);
  try {
    const done = new Set<number>();
    if (existsSync(out) && statSync(out).size > 0) {
      if (!flags.resume) {
        throw new CliError(
          `${out} already holds results; add --resume to continue that sweep, or choose another --out`,
        );
      }
      const file = readSweepFile(out);
      if (file.sweepId !== null && file.sweepId !== sweepId) {
        throw new CliError(
          `${out} holds points of another sweep (different scenario, options, strategies or --vary); use another --out`,
        );
      }
      if (file.shard !== null && file.shard !== shardText) {
        throw new CliError(
          `${out} holds shard ${file.shard} of this sweep; this run is shard ${shardText}: give each shard its own --out and join them with \`rxsim sweep merge\``,
        );
      }
      for (const r of file.records) done.add(r.index);
      if (file.tornTail) {
        process.stderr.write(`rxsim: ${out}: the last line was cut off by a crash; redoing that point\n`);
        dropTornTail(out, file.goodBytes);
      }
    }
    const todo = mine.filter((p) => !done.has(p.index));
    process.stderr.write(
      `sweep: ${all.length} points × ${factories.length} strategies; shard ${shardText}: ${mine.length} points, ${done.size} already done, ${todo.length} to run on ${workers} worker(s)\n`,
    );

    if (todo.length > 0) {
      profile.mark("poolCreate");
      const pool = new Piscina<SweepTask, SweepTaskOutcome>({
        filename: workerFile(),
        minThreads: workers,
        maxThreads: workers,
        idleTimeout: Number.POSITIVE_INFINITY,
      });
      const appender = createLineAppender(out);
      const progress = createProgress("sweep", process.stderr, 0);
      let finished = 0;
      let stopped = false;
      progress.onProgress(0, todo.length);
      try {
        // Point-major order: a point's strategies run side by side and it is written as soon as both are done.
        await Promise.all(
          todo.map(async (p) => {
            const config = configs.get(p.index) as ScenarioConfig;
            const results = await Promise.all(
              factories.map(async (f, strategy) => {
                try {
                  const submitted = epochMs();
                  const { result, timing } = await pool.run({
                    config,
                    strategies: flags.strategies,
                    strategy,
                    cwd: process.cwd(),
                    timeoutS,
                    profile: profile.enabled,
                  });
                  if (timing) profile.task(p.index, strategy, submitted, timing);
                  return result;
                } catch (error) {
                  // A fault or a timeout already names the strategy; anything else gets its name.
                  const why = oneLine(error);
                  throw new CliError(
                    `sweep point ${JSON.stringify(p.params)} failed: ${why.includes(f.name) ? why : `${f.name}: ${why}`}`,
                    ExitCode.Problem,
                  );
                }
              }),
            );
            const record: SweepRecord = {
              kind: SWEEP_RECORD_KIND,
              version: SWEEP_RECORD_VERSION,
              sweepId,
              scenario: base.name,
              shard: shardText,
              index: p.index,
              total: all.length,
              params: p.params,
              seed: config.seed,
              results,
            };
            if (stopped) return; // another point failed: the lock is about to go
            const line = sweepRecordLine(record);
            await appender.append(line);
            profile.count("lineBytes", Buffer.byteLength(line));
            finished++;
            progress.onProgress(finished, todo.length);
          }),
        );
      } finally {
        stopped = true;
        progress.stop();
        // Lines of points that finished before a failure are still written.
        try {
          await appender.drain();
        } finally {
          profile.mark("allWritten");
          profile.threads();
          await pool.destroy();
        }
      }
    }

    profile.mark("poolDestroyed");
    // Every point of this shard is in the file: put the lines in point order.
    const final = readSweepFile(out);
    const byIndex = new Map(final.records.map((r) => [r.index, r]));
    let violations = 0;
    if (!final.tornTail && mine.every((p) => byIndex.has(p.index))) {
      const ordered = mine.map((p) => byIndex.get(p.index) as SweepRecord);
      try {
        writeFileAtomic(out, ordered.map(sweepRecordLine).join(""));
      } catch (error) {
        throw new CliError(
          `cannot rewrite --out ${out} in point order: ${oneLine(error)}; its points are kept as they were`,
        );
      }
      violations = countViolations(ordered);
    }
    profile.mark("rewritten");
    process.stderr.write(`sweep: ${mine.length} points in ${out}\n`);
    if (violations > 0) {
      process.stderr.write(`rxsim: the checker reported ${violations} violation(s) in this sweep\n`);
      return ExitCode.Problem;
    }
    return ExitCode.Ok;
  } finally {
    lock.release();
  }
}
