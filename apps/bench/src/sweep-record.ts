import type { Metrics, QueueImbalance } from "@rxsim/harness";

/** The line format of a sweep's JSONL file. */
export const SWEEP_RECORD_KIND = "rxsim-sweep-point";
/**
 * Version of {@link SweepRecord}. 2 added `shard`: a file holds one shard, and
 * `--resume` and `sweep merge` refuse files of another version.
 */
export const SWEEP_RECORD_VERSION = 2;

/** One strategy's numbers at one sweep point. */
export interface SweepStrategyResult {
  strategy: string;
  options: unknown;
  /** Set when the strategy's queue could not start at this point (see the results schema). */
  cannotStart?: string;
  metrics: Metrics;
  strategyStats: Readonly<Record<string, number>>;
  /** With several queues (`host.queues` > 1): max / mean over the queues of packets and of resident pages. */
  imbalance?: QueueImbalance;
}

/** One line of a sweep file: one finished point. */
export interface SweepRecord {
  kind: typeof SWEEP_RECORD_KIND;
  version: typeof SWEEP_RECORD_VERSION;
  /**
   * Identifies the sweep (base config, strategies and axes), the same for all
   * its shards so `sweep merge` can join them; resume refuses other sweeps' files.
   */
  sweepId: string;
  /** Scenario name of the base config. */
  scenario: string;
  /** The shard that wrote this line, `i/n`; `1/1` for a whole sweep (one machine, or merged). */
  shard: string;
  /** Position in the full cartesian product. */
  index: number;
  /** Total points of the full sweep (all shards). */
  total: number;
  /** The varied keys and their values at this point, in `--vary` order. */
  params: Record<string, string>;
  /** Seed of the run. */
  seed: number;
  /** Per strategy, in `--strategies` order. */
  results: SweepStrategyResult[];
}

/** The shard of a whole sweep: what a one-machine run and a merged file carry. */
export const WHOLE_SWEEP = "1/1";

/**
 * The line a record is written as. Keys in one fixed order whatever object the
 * record came from (a worker's result, a parsed shard file), so a merged file
 * is byte-identical to a one-machine run.
 */
export function sweepRecordLine(r: SweepRecord): string {
  const canonical: SweepRecord = {
    kind: r.kind,
    version: r.version,
    sweepId: r.sweepId,
    scenario: r.scenario,
    shard: r.shard,
    index: r.index,
    total: r.total,
    params: r.params,
    seed: r.seed,
    results: r.results,
  };
  return `${JSON.stringify(canonical)}\n`;
}

/** True when `value` is a line of some rxsim sweep file (of any record version). */
export function isSweepRecord(value: unknown): value is SweepRecord {
  const v = value as Partial<SweepRecord> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    v.kind === SWEEP_RECORD_KIND &&
    typeof v.index === "number" &&
    typeof v.sweepId === "string" &&
    Array.isArray(v.results)
  );
}
