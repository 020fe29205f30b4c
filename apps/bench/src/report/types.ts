import type { HeatmapSpec } from "./queue-heatmap.js";

/** How an axis maps values. */
export type AxisType = "linear" | "log" | "symlog" | "point";
/** How tick labels are written: bytes as KiB/MiB, nanoseconds as ns/µs/ms, SI (1k, 1M), or as is. */
export type TickFormat = "bytes" | "ns" | "si" | "plain";

/** One axis of a chart. */
export interface AxisSpec {
  /** Label, with the unit. */
  label: string;
  type: AxisType;
  /** Base of a log axis (2 for sizes, 10 for times and rates). */
  base?: number;
  /** Tick values (chosen so labels never crowd); absent: the library's choice. */
  ticks?: (number | string)[];
  format: TickFormat;
}

/** One line of a chart. */
export interface SeriesSpec {
  /** Legend text. */
  legend: string;
  /** Stroke colour: the strategy's. */
  colour: string;
  /** SVG dash array ("" for solid): the other swept parameter's value. */
  dash: string;
  /** The legend text of an earlier series with identical values, or null. Drawn with a halo so both show. */
  sameAs: string | null;
  /** One value per x value; null where the series has none. */
  values: (number | null)[];
}

/** One chart. */
export interface ChartSpec {
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  /** x values (numbers, or strings on a point axis). */
  xValues: (number | string)[];
  series: SeriesSpec[];
}

/** A group of charts under one heading (a sweep: one group per swept key). */
export interface ChartGroup {
  title: string;
  note: string;
  /** One legend for every chart of the group: colour = strategy, line style = the other parameters. */
  legend: { colours: [string, string][]; dashes: [string, string][] };
  charts: ChartSpec[];
}

/** One headline figure: a small bar chart, one bar per strategy. */
export interface HeadlineMetric {
  title: string;
  /** Unit shown on the axis. */
  unit: string;
  digits: number;
  /** One bar per strategy; null where the figure does not apply. */
  bars: { strategy: string; colour: string; value: number | null }[];
  /** Strategies with the best (lowest) value. */
  best: string[];
}

/** The headline: the key figures per strategy, side by side. */
export interface HeadlineSpec {
  title: string;
  metrics: HeadlineMetric[];
  /** Lines under the figures. */
  notes: string[];
}

/** CPU time per delivered packet by operation: one stacked bar per strategy (a priced run). */
export interface CostBreakdownSpec {
  title: string;
  /** Lines under the chart: the profile, how to read it. */
  notes: string[];
  /** Strategies, top to bottom. */
  strategies: string[];
  /** Operations that cost something for some strategy, in stacking order. */
  ops: string[];
  /** One segment per strategy and operation with a cost (ns per delivered packet). */
  segments: { strategy: string; op: string; ns: number }[];
  /** Each strategy's whole bar (its `cpuNsPerPacket`). */
  totals: { strategy: string; ns: number }[];
}

/** A table. */
export interface TableSpec {
  title: string;
  header: string[];
  rows: (string | number)[][];
  /** Collapsed behind a <details> element (long tables). */
  collapsed?: boolean;
}

/** Everything a report shows. */
export interface ReportSpec {
  /** Page title: what ran. */
  title: string;
  /** Lines of context under the title. */
  subtitle: string[];
  headline: HeadlineSpec;
  /** The CPU cost breakdown of a priced run, or null (cost profile none, or a sweep). */
  cost: CostBreakdownSpec | null;
  groups: ChartGroup[];
  /** Queue × time heatmaps of resident pages (a run of several queues; absent or empty otherwise). */
  heatmaps?: HeatmapSpec[];
  tables: TableSpec[];
}
