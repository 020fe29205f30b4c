import type { Metrics } from "@rxsim/harness";

/** The line format of a sweep's JSONL file. */
export const SWEEP_RECORD_KIND = "rxsim-sweep-point";
/** Version of {@link SweepRecord}. */
export const SWEEP_RECORD_VERSION = 1;

/** One strategy's numbers at one sweep point. */
export interface SweepStrategyResult {
  strategy: string;
  options: unknown;
  /** Set when the strategy's queue could not start at this point (see the results schema). */
  cannotStart?: string;
  metrics: Metrics;
  strategyStats: Readonly<Record<string, number>>;
}

/** One line of a sweep file: one finished point. */
export interface SweepRecord {
  kind: typeof SWEEP_RECORD_KIND;
  version: typeof SWEEP_RECORD_VERSION;
  /** Identifies the sweep (base config, strategies and axes); resume refuses other sweeps' files. */
  sweepId: string;
  /** Scenario name of the base config. */
  scenario: string;
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

/** True when `value` looks like a {@link SweepRecord}. */
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
