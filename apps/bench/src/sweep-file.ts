import { existsSync } from "node:fs";
import { CliError } from "./errors.js";
import { scanJsonl } from "./jsonl-store.js";
import { isSweepRecord, SWEEP_RECORD_VERSION, type SweepRecord } from "./sweep-record.js";

/** A sweep file read and checked: one sweep, one shard, this record version. */
export interface SweepFile {
  path: string;
  /** Complete points, in file order. */
  records: SweepRecord[];
  /** The sweep all lines belong to; null when the file holds no point yet. */
  sweepId: string | null;
  /** The shard (`i/n`) all lines belong to; null when the file holds no point yet. */
  shard: string | null;
  /** True when the last line was cut off by a crash (it is not in `records`). */
  tornTail: boolean;
  /** Bytes holding complete lines (a torn tail starts here). */
  goodBytes: number;
}

/**
 * Read a sweep file. Every line must be a sweep point of this record version,
 * all of one sweep and one shard, with an index inside the sweep; otherwise one
 * line naming the file and the difference. A missing file reads as empty.
 */
export function readSweepFile(path: string): SweepFile {
  const scan = scanJsonl<unknown>(path);
  let sweepId: string | null = null;
  let shard: string | null = null;
  const records: SweepRecord[] = [];
  for (const r of scan.records) {
    if (!isSweepRecord(r)) throw new CliError(`${path} holds a line that is not an rxsim sweep point`);
    if (r.version !== SWEEP_RECORD_VERSION) {
      throw new CliError(
        `${path} holds sweep records of version ${String(r.version)}; this rxsim reads version ${SWEEP_RECORD_VERSION}: run that sweep again with this rxsim, or finish it with the one that started it`,
      );
    }
    if (!Number.isInteger(r.index) || !Number.isInteger(r.total) || r.index < 0 || r.index >= r.total) {
      throw new CliError(
        `${path} holds point index ${r.index} outside its sweep of ${r.total} points: the file is damaged`,
      );
    }
    if (sweepId === null) {
      sweepId = r.sweepId;
      shard = r.shard;
    } else if (r.sweepId !== sweepId || r.shard !== shard) {
      throw new CliError(
        `${path} mixes points of sweep ${sweepId} shard ${shard} and sweep ${r.sweepId} shard ${r.shard}: a sweep file holds one shard; the file is damaged`,
      );
    }
    records.push(r);
  }
  return { path, records, sweepId, shard, tornTail: scan.tornTail, goodBytes: scan.goodBytes };
}

/** `readSweepFile`, but a file that does not exist is an error naming it. */
export function readExistingSweepFile(path: string): SweepFile {
  if (!existsSync(path)) throw new CliError(`cannot read ${path}: no such file`);
  return readSweepFile(path);
}

/** Indexes as short ranges, `0, 3, 5-9`, at most `limit` items then `…`. */
export function formatIndexes(indexes: readonly number[], limit = 20): string {
  const parts: string[] = [];
  for (let i = 0; i < indexes.length; ) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === indexes[j] + 1) j++;
    parts.push(j === i ? `${indexes[i]}` : `${indexes[i]}-${indexes[j]}`);
    i = j + 1;
  }
  return parts.length > limit ? `${parts.slice(0, limit).join(", ")}, …` : parts.join(", ");
}
