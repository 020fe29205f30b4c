import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { CliError, ExitCode } from "../errors.js";
import { assertWritable, writeOutput } from "../output-paths.js";
import { formatIndexes, readExistingSweepFile, type SweepFile } from "../sweep-file.js";
import { lockOutput } from "../sweep-lock.js";
import { type SweepRecord, sweepRecordLine, WHOLE_SWEEP } from "../sweep-record.js";
import { countViolations } from "./sweep.js";

/** Flags of `rxsim sweep merge`. */
export interface SweepMergeFlags {
  out: string;
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/**
 * Join shard files into the whole sweep: every input of one sweep and record
 * version, finished (no torn line), no point missing, none given twice with
 * different results. The lines are those of a one-machine run (shard `1/1`,
 * point order), so the merged file is byte-identical to it.
 */
export function mergeSweepFiles(files: readonly SweepFile[]): SweepRecord[] {
  let first: SweepFile | null = null;
  const byIndex = new Map<number, { line: string; record: SweepRecord; from: string }>();
  for (const f of files) {
    if (f.tornTail) {
      throw new CliError(
        `${f.path}: the last line is cut off: that shard did not finish (run it again with --resume, then merge)`,
      );
    }
    if (f.sweepId === null) continue; // a shard that has not finished a point: the missing check names its points
    if (first === null) first = f;
    else if (f.sweepId !== first.sweepId) {
      throw new CliError(
        `${f.path} is from another sweep than ${first.path} (sweep ${f.sweepId}, not ${first.sweepId}: a different scenario, options, strategies or --vary)`,
      );
    }
    for (const r of f.records) {
      const whole = { ...r, shard: WHOLE_SWEEP };
      const line = sweepRecordLine(whole);
      const seen = byIndex.get(r.index);
      if (seen === undefined) byIndex.set(r.index, { line, record: whole, from: f.path });
      else if (seen.line !== line) {
        throw new CliError(
          `point ${r.index} is in ${seen.from} and in ${f.path} with different results: they were not run by the same rxsim on the same inputs; run that shard again`,
        );
      }
    }
  }
  if (first === null) throw new CliError("the inputs hold no sweep point yet");
  const total = first.records[0].total;
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0) {
    throw new CliError(
      `${missing.length} of ${total} points are missing: ${formatIndexes(missing)} (\`rxsim sweep status\` shows which shard holds them); run those shards, then merge`,
    );
  }
  return [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)?.record as SweepRecord);
}

/** `rxsim sweep merge --out ALL.jsonl SHARD.jsonl…`. */
export function sweepMergeCommand(inputs: readonly string[], flags: SweepMergeFlags): number {
  for (const input of inputs) {
    if (samePath(input, flags.out)) {
      throw new CliError(`--out ${flags.out} is also an input: write the merged sweep to another file`);
    }
  }
  assertWritable("--out", flags.out);
  const records = mergeSweepFiles(inputs.map(readExistingSweepFile));
  const lock = lockOutput("--out", flags.out);
  try {
    writeOutput("--out", flags.out, records.map(sweepRecordLine).join(""));
  } finally {
    lock.release();
  }
  process.stderr.write(`sweep merge: ${records.length} points from ${inputs.length} file(s) in ${flags.out}\n`);
  const violations = countViolations(records);
  if (violations > 0) {
    process.stderr.write(`rxsim: the checker reported ${violations} violation(s) in this sweep\n`);
    return ExitCode.Problem;
  }
  return ExitCode.Ok;
}
