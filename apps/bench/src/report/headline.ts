import type { Metrics } from "@rxsim/harness";
import type { HeadlineMetric } from "./types.js";

const MIB = 1024 * 1024;

/** One headline figure: lower is better for each. */
export interface HeadlineFigure {
  title: string;
  unit: string;
  digits: number;
  /** The value; null when it does not apply (no packet delivered). */
  get(m: Metrics): number | null;
}

/**
 * The headline's figures, in order. CPU time per packet belongs here too:
 * rxsim does not model CPU cost yet, so it is left out rather than guessed.
 * When the cost model adds it to `Metrics`, add
 * `{ title: "CPU time", unit: "ns per packet", digits: 1, get: (m) => m.<its field> }`
 * and remove {@link CPU_NOTE}.
 */
export const HEADLINE_FIGURES: readonly HeadlineFigure[] = [
  { title: "Page allocations", unit: "per 1,000 packets", digits: 2, get: (m) => m.per1000Packets.pageAllocs },
  {
    title: "Atomic reference ops",
    unit: "per delivered packet",
    digits: 3,
    get: (m) => m.perDeliveredPacket.atomicOps,
  },
  { title: "Peak resident memory", unit: "MiB", digits: 2, get: (m) => m.peakResidentBytes / MIB },
  { title: "Dropped: no buffer", unit: "packets", digits: 0, get: (m) => m.packetsDropped },
];

/** Said under the headline until CPU cost is modelled. */
export const CPU_NOTE = "CPU time per packet is not modelled yet; it joins these figures when rxsim's cost model does.";

/** The strategies whose value is the lowest (all of them on a tie). */
export function bestOf(bars: readonly { strategy: string; value: number | null }[]): string[] {
  const values = bars.map((b) => b.value).filter((v) => v !== null);
  if (values.length === 0) return [];
  const min = Math.min(...values);
  return bars
    .filter((b) => b.value !== null && Math.abs(b.value - min) <= 1e-9 * Math.max(1, Math.abs(min)))
    .map((b) => b.strategy);
}

/** Headline figures: `figureOf(strategy, figure)` for each strategy, in order. */
export function headlineMetrics(
  strategies: readonly string[],
  colours: ReadonlyMap<string, string>,
  figureOf: (strategy: string, figure: HeadlineFigure) => number | null,
): HeadlineMetric[] {
  return HEADLINE_FIGURES.map((f) => {
    const bars = strategies.map((s) => ({ strategy: s, colour: colours.get(s) ?? "#888", value: figureOf(s, f) }));
    return { title: f.title, unit: f.unit, digits: f.digits, bars, best: bestOf(bars) };
  });
}

/** Notes under the headline: how to read it, and any strategy whose figures the checker disowns. */
export function headlineNotes(rows: readonly { strategy: string; metrics: Metrics }[]): string[] {
  const notes = ["Lower is better for every figure; ★ marks the best (all on a tie).", CPU_NOTE];
  for (const r of rows) {
    if (r.metrics.violations > 0) {
      notes.push(
        `${r.strategy}: ${r.metrics.violations} invariant violation(s) — its figures describe a broken recycler.`,
      );
    }
  }
  return notes;
}
