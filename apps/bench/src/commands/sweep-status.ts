import { existsSync, readFileSync, statSync } from "node:fs";
import { ExitCode } from "../errors.js";
import { formatIndexes, readSweepFile } from "../sweep-file.js";
import { parseShard } from "../sweep-plan.js";

/** The lock holder of a sweep file, in words, or null when none. */
function holder(path: string): string | null {
  const lock = `${path}.lock`;
  if (!existsSync(lock)) return null;
  try {
    const v = JSON.parse(readFileSync(lock, "utf8")) as { pid?: number; host?: string };
    const age = Math.round((Date.now() - statSync(lock).mtimeMs) / 1000);
    return `running: pid ${v.pid} on ${v.host}, lock refreshed ${age} s ago`;
  } catch {
    return "locked";
  }
}

/**
 * `rxsim sweep status FILE…`: for each shard file, the points done of the
 * points it must hold and which are missing; then, per sweep, the points done
 * over all files and which no file holds yet. For a person watching a cluster job.
 */
export function sweepStatusCommand(files: readonly string[]): number {
  const sweeps = new Map<string, { total: number; done: Set<number>; files: number }>();
  const out: string[] = [];
  for (const path of files) {
    if (!existsSync(path)) {
      out.push(`${path}: not started (no such file)`);
      continue;
    }
    const f = readSweepFile(path);
    const notes: string[] = [];
    if (f.tornTail) notes.push("the last line is cut off (--resume redoes it)");
    const running = holder(path);
    if (running) notes.push(running);
    const suffix = notes.length > 0 ? `; ${notes.join("; ")}` : "";
    if (f.sweepId === null || f.shard === null) {
      out.push(`${path}: no point finished yet${suffix}`);
      continue;
    }
    const total = f.records[0].total;
    const shard = parseShard(f.shard);
    const have = new Set(f.records.map((r) => r.index));
    const missing: number[] = [];
    let expected = 0;
    for (let i = shard.index - 1; i < total; i += shard.count) {
      expected++;
      if (!have.has(i)) missing.push(i);
    }
    const state = missing.length === 0 ? "complete" : `missing ${formatIndexes(missing)}`;
    out.push(`${path}: sweep ${f.sweepId} shard ${f.shard}: ${have.size}/${expected} points; ${state}${suffix}`);
    let s = sweeps.get(f.sweepId);
    if (s === undefined) {
      s = { total, done: new Set(), files: 0 };
      sweeps.set(f.sweepId, s);
    }
    s.files++;
    for (const i of have) s.done.add(i);
  }
  for (const [id, s] of sweeps) {
    const missing: number[] = [];
    for (let i = 0; i < s.total; i++) if (!s.done.has(i)) missing.push(i);
    const state = missing.length === 0 ? "complete: ready to merge" : `missing ${formatIndexes(missing)}`;
    out.push(`sweep ${id}: ${s.done.size}/${s.total} points in ${s.files} file(s); ${state}`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
  return ExitCode.Ok;
}
