import { CliError } from "../errors.js";
import { formatNumber, METRIC_ROWS } from "../metric-rows.js";
import type { SweepRecord } from "../sweep-record.js";
import { sweptAxis } from "./axes.js";
import { CPU_NOTE, headlineFigures, headlineMetrics } from "./headline.js";
import { DASHES, strategyColours } from "./palette.js";
import { markIdentical } from "./series.js";
import type { ChartGroup, ReportSpec, SeriesSpec, TableSpec } from "./types.js";

/** Key metrics of the compact table (the full set is per point, collapsed). */
const KEY_ROWS = ["pageAllocsPer1000", "atomicsPerPacket", "peakResidentMiB", "packetsDropped", "violations"];

/** Charts, headline and tables of a sweep (`rxsim sweep --out FILE.jsonl`). */
export function sweepReport(records: SweepRecord[], source: string): ReportSpec {
  if (records.length === 0) throw new CliError(`${source} holds no sweep points`);
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const keys = Object.keys(sorted[0].params);
  const strategies = sorted[0].results.map((r) => r.strategy);
  const colours = strategyColours(strategies);
  // CPU time is a figure only where some point was priced by a cost profile.
  const priced = sorted.some((r) => r.results.some((x) => (x.metrics.cpuNs ?? 0) > 0));
  const figures = headlineFigures(priced);
  /** Metrics plotted against each swept key. */
  const SWEEP_METRICS = figures.map((f) => ({ title: f.title, unit: f.unit, get: f.get }));
  const groups: ChartGroup[] = [];
  for (const key of keys) {
    const values = [...new Set(sorted.map((r) => r.params[key]))];
    if (values.every((v) => Number.isFinite(Number(v)))) values.sort((a, b) => Number(a) - Number(b));
    const { axis, x } = sweptAxis(key, values);
    const others = keys.filter((k) => k !== key);
    const comboOf = (r: SweepRecord) => others.map((k) => `${k}=${r.params[k]}`).join(", ");
    const combos = [...new Set(sorted.map(comboOf))];
    const charts = SWEEP_METRICS.map((metric) => {
      const series: SeriesSpec[] = [];
      for (const s of strategies) {
        combos.forEach((combo, ci) => {
          series.push({
            legend: combo ? `${s} (${combo})` : s,
            colour: colours.get(s) as string,
            dash: DASHES[ci % DASHES.length],
            sameAs: null,
            values: values.map((v) => {
              const rec = sorted.find((r) => r.params[key] === v && comboOf(r) === combo);
              const res = rec?.results.find((q) => q.strategy === s);
              return res ? metric.get(res.metrics) : null;
            }),
          });
        });
      }
      return {
        title: metric.title,
        x: axis,
        y: { label: metric.unit, type: "linear" as const, format: "si" as const },
        xValues: x,
        series: markIdentical(series),
      };
    });
    groups.push({
      title: `Against ${key}`,
      note:
        others.length > 0
          ? `One panel per metric; colour = strategy, line style = ${others.join(", ")}.`
          : "One panel per metric; colour = strategy.",
      legend: {
        colours: strategies.map((s) => [s, colours.get(s) as string]),
        dashes: combos.length > 1 ? combos.map((c, i) => [c, DASHES[i % DASHES.length]]) : [],
      },
      charts,
    });
  }
  const keyRows = KEY_ROWS.map((k) => METRIC_ROWS.find((r) => r.key === k)).filter((r) => r !== undefined);
  const compact: TableSpec = {
    title: "Every point: key figures",
    header: [...keys, "strategy", ...keyRows.map((r) => r.label)],
    rows: sorted.flatMap((rec) =>
      rec.results.map((res) => [
        ...keys.map((k) => rec.params[k]),
        res.strategy,
        ...keyRows.map((row) => formatNumber(row.get(res.metrics), row.digits)),
      ]),
    ),
  };
  const perPoint: TableSpec[] = sorted.map((rec) => ({
    title: `Every metric at ${keys.map((k) => `${k}=${rec.params[k]}`).join(", ")}`,
    header: ["metric", ...rec.results.map((r) => r.strategy)],
    rows: METRIC_ROWS.map((row) => [
      row.label,
      ...rec.results.map((r) => formatNumber(row.get(r.metrics), row.digits)),
    ]),
    collapsed: true,
  }));
  const metricsOf = (s: string) =>
    sorted.map((r) => r.results.find((q) => q.strategy === s)?.metrics).filter((m) => m !== undefined);
  const broken = strategies.filter((s) => metricsOf(s).some((m) => m.violations > 0));
  const first = sorted[0];
  return {
    title: `rxsim sweep of "${first.scenario}": ${keys.join(" × ")}, ${strategies.join(" vs ")}`,
    subtitle: [
      `${sorted.length} of ${first.total} points, seed ${first.seed}; ${keys.map((k) => `${k} ∈ {${[...new Set(sorted.map((r) => r.params[k]))].join(", ")}}`).join("; ")}`,
    ],
    headline: {
      title: "Headline: each strategy's worst point of the sweep",
      metrics: headlineMetrics(
        strategies,
        colours,
        (s, f) => {
          const values = metricsOf(s)
            .map((m) => f.get(m))
            .filter((v) => v !== null);
          return values.length > 0 ? Math.max(...values) : null;
        },
        figures,
      ),
      notes: [
        "Per figure, the highest value a strategy reached at any point. Lower is better; ★ marks the best (all on a tie).",
        priced ? "CPU time is priced by the sweep's cost profile (docs/cost-model.md)." : CPU_NOTE,
        ...broken.map((s) => `${s}: invariant violations at some point — its figures describe a broken recycler.`),
      ],
    },
    cost: null,
    groups,
    tables: [compact, ...perPoint],
  };
}
