import type { SeriesSpec } from "./types.js";

/**
 * Mark every series whose values equal an earlier series' (naive and dqo can
 * draw the same line): its `sameAs` names the earlier one, so the legend says
 * so and the chart draws a halo under it instead of hiding one line.
 */
export function markIdentical(series: SeriesSpec[]): SeriesSpec[] {
  const seen = new Map<string, string>();
  return series.map((s) => {
    const key = JSON.stringify(s.values);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, s.legend);
      return s;
    }
    return { ...s, sameAs: first };
  });
}
