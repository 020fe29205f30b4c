import type { ComparisonResult } from "@rxsim/harness";

/** Most time columns a heatmap draws: longer series are averaged into this many buckets. */
export const HEATMAP_MAX_COLUMNS = 200;

/** Resident pages of each queue over time, for one strategy of a multi-queue run. */
export interface HeatmapSpec {
  title: string;
  /** Number of queues (rows, queue 0 at the top). */
  queues: number;
  /** Column boundaries in ms: column i spans `[edgesMs[i], edgesMs[i + 1])`. */
  edgesMs: number[];
  /** `cells[q][i]`: queue q's mean resident pages over column i. */
  cells: number[][];
  /** Largest cell (the colour scale's top). */
  max: number;
}

/**
 * One queue × time heatmap of resident pages per strategy with per-queue
 * results (a `--queues N` run with N > 1); none for a one-queue run. Points
 * are averaged into at most {@link HEATMAP_MAX_COLUMNS} columns so a long run
 * stays a light page.
 */
export function queueHeatmaps(result: ComparisonResult): HeatmapSpec[] {
  const out: HeatmapSpec[] = [];
  for (const r of result.results) {
    if (r.queues === undefined || r.queues.length === 0) continue;
    const t = r.timeSeries.tNs;
    const n = t.length;
    const columns = Math.min(n, HEATMAP_MAX_COLUMNS);
    // Column i averages points [start(i), start(i + 1)); point k covers (t[k-1], t[k]].
    const start = (i: number) => Math.floor((i * n) / columns);
    const edgesMs: number[] = [];
    for (let i = 0; i <= columns; i++) {
      const k = start(i);
      edgesMs.push(k === 0 ? 0 : t[k - 1] / 1e6);
    }
    let max = 0;
    const cells = r.queues.map((q) => {
      const row: number[] = [];
      for (let i = 0; i < columns; i++) {
        let sum = 0;
        for (let k = start(i); k < start(i + 1); k++) sum += q.residentPages[k] ?? 0;
        const v = sum / (start(i + 1) - start(i));
        row.push(v);
        if (v > max) max = v;
      }
      return row;
    });
    out.push({ title: `${r.strategy}: resident pages per queue`, queues: r.queues.length, edgesMs, cells, max });
  }
  return out;
}
