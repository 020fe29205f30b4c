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
 * The headline's figures for every run, in order. CPU time per packet joins
 * them ({@link CPU_FIGURE}) when the run was priced by a cost profile; with
 * `none` it would be 0 for everyone and say nothing.
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

/** CPU time of buffer management per delivered packet, priced by the run's cost profile. */
export const CPU_FIGURE: HeadlineFigure = {
  title: "CPU time (buffer management)",
  unit: "ns per delivered packet",
  digits: 1,
  get: (m) => m.cpuNsPerPacket,
};

/** The headline figures of a run priced (`priced`) or not by a cost profile. */
export function headlineFigures(priced: boolean): readonly HeadlineFigure[] {
  return priced ? [...HEADLINE_FIGURES, CPU_FIGURE] : HEADLINE_FIGURES;
}

/** Said under the headline of a run whose cost profile is `none`. */
export const CPU_NOTE =
  "CPU time per packet is not priced in this run (cost profile none): run with --cost-profile bare-metal, iommu-lazy or iommu-strict to see it (docs/cost-model.md).";

/** Said under the headline of a priced run: which profile set the prices. */
export function pricedNote(profile: string): string {
  return `CPU time is priced by the cost profile "${profile}" (nanoseconds per operation, sourced in docs/cost-model.md).`;
}

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
  figures: readonly HeadlineFigure[] = HEADLINE_FIGURES,
): HeadlineMetric[] {
  return figures.map((f) => {
    const bars = strategies.map((s) => ({ strategy: s, colour: colours.get(s) ?? "#888", value: figureOf(s, f) }));
    return { title: f.title, unit: f.unit, digits: f.digits, bars, best: bestOf(bars) };
  });
}

/** Notes under the headline: how to read it, and any strategy whose figures the checker disowns. */
export function headlineNotes(rows: readonly { strategy: string; metrics: Metrics }[], costProfile = "none"): string[] {
  const notes = [
    "Lower is better for every figure; ★ marks the best (all on a tie).",
    costProfile === "none" ? CPU_NOTE : pricedNote(costProfile),
  ];
  for (const r of rows) {
    if (r.metrics.violations > 0) {
      notes.push(
        `${r.strategy}: ${r.metrics.violations} invariant violation(s) — its figures describe a broken recycler.`,
      );
    }
  }
  return notes;
}
