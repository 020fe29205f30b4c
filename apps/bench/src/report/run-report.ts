import type { ComparisonResult } from "@rxsim/harness";
import { formatNumber, METRIC_ROWS } from "../metric-rows.js";
import { symlogTicks } from "./axes.js";
import { costBreakdown } from "./cost-breakdown.js";
import { changedKeys, describeHold, describeQueue, describeTraffic } from "./describe-run.js";
import { headlineFigures, headlineMetrics, headlineNotes } from "./headline.js";
import { strategyColours } from "./palette.js";
import { queueHeatmaps } from "./queue-heatmap.js";
import { markIdentical } from "./series.js";
import type { AxisSpec, ChartSpec, ReportSpec, TableSpec } from "./types.js";

type Result = ComparisonResult["results"][number];

/** Charts, headline and table of one comparison (`rxsim compare --json`). */
export function runReport(result: ComparisonResult): ReportSpec {
  const strategies = result.results.map((r) => r.strategy);
  const colours = strategyColours(strategies);
  const first = result.results[0].timeSeries;
  const x = first.tNs.map((t) => t / 1e6);
  const align = (values: number[]) => x.map((_, i) => (i < values.length ? values[i] : null));
  const xAxis: AxisSpec = { label: "simulated time (ms)", type: "linear", format: "plain" };
  const chart = (title: string, y: AxisSpec, pick: (r: Result) => number[]): ChartSpec => {
    const series = result.results.map((r) => ({
      legend: r.strategy,
      colour: colours.get(r.strategy) as string,
      dash: "",
      sameAs: null,
      values: align(pick(r)),
    }));
    if (y.type === "symlog") {
      const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
      y.ticks = symlogTicks(max);
    }
    return { title, x: xAxis, y, xValues: x, series: markIdentical(series) };
  };
  const count = (label: string): AxisSpec => ({ label, type: "linear", format: "si" });
  const rate = (label: string): AxisSpec => ({ label: `${label} (symlog scale)`, type: "symlog", format: "si" });
  const table: TableSpec = {
    title: "Every metric (measured part of the run)",
    header: ["metric", ...strategies],
    rows: METRIC_ROWS.map((row) => [
      row.label,
      ...result.results.map((r) => formatNumber(row.get(r.metrics), row.digits)),
    ]),
  };
  const c = result.config;
  const changed = changedKeys(c);
  // Results written before cost profiles existed have none: unpriced.
  const profile = c.costProfile?.name ?? "none";
  return {
    title: `rxsim: ${strategies.join(" vs ")} on ${describeTraffic(c)}, ${describeHold(c)}`,
    subtitle: [
      `${describeQueue(c)}; ${c.packets.toLocaleString("en-US")} packets (${c.warmupPackets.toLocaleString("en-US")} warm-up), seed ${result.seed}`,
      `config "${c.name}"${changed.length > 0 ? `, changed from the catalog: ${changed.join(", ")}` : ""}`,
      ...(profile !== "none" ? [`CPU priced by the cost profile "${profile}"`] : []),
      // Results written before multi-queue support have no host: one queue.
      ...((c.host?.queues ?? 1) > 1
        ? [
            `${c.host.queues} RX queues on one host, ${c.memory.maxPages === null ? "no page cap" : `a page cap of ${c.memory.maxPages.toLocaleString("en-US")} for all queues`}; totals below, per queue in the heatmaps`,
          ]
        : []),
    ],
    headline: {
      title: "Headline",
      metrics: headlineMetrics(
        strategies,
        colours,
        (s, f) => f.get((result.results.find((r) => r.strategy === s) as Result).metrics),
        headlineFigures(profile !== "none"),
      ),
      notes: headlineNotes(result.results, profile),
    },
    cost: costBreakdown(result.results, profile),
    groups: [
      {
        title: "Over simulated time",
        note: "Sampled over the whole run, warm-up included.",
        legend: { colours: strategies.map((s) => [s, colours.get(s) as string]), dashes: [] },
        charts: [
          chart("Resident pages", count("pages"), (r) => r.timeSeries.residentPages),
          chart("Posted buffers", count("buffers"), (r) => r.timeSeries.postedBuffers),
          chart("skbs held by the stack", count("skbs"), (r) => r.timeSeries.heldSkbs),
          chart("Page allocations per second", rate("allocations/s"), (r) => r.timeSeries.allocsPerSec),
          chart("Drops per second (no buffer)", rate("drops/s"), (r) => r.timeSeries.dropsPerSec),
        ],
      },
    ],
    heatmaps: queueHeatmaps(result),
    tables: [table],
  };
}
