import { formatNumber, METRIC_ROWS, type MetricRow, tableRows } from "@rxsim/bench/browser";
import type { ComparisonResult } from "@rxsim/harness/browser";

/** One colour per strategy, the same in every chart and the table (Okabe–Ito first: safe for colour-blind readers). */
export const STRATEGY_COLOURS = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#6b6b6b",
  "#8c564b",
  "#000000",
  "#a6a21b",
];

/** The headline figures: lower is better for each. Keys of the comparison table's rows. */
export const HEADLINE_KEYS = ["pageAllocsPer1000", "atomicsPerPacket", "peakResidentMiB", "packetsDropped"] as const;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function row(key: string): MetricRow {
  const found = METRIC_ROWS.find((r) => r.key === key);
  if (!found) throw new Error(`no table row "${key}"`);
  return found;
}

/**
 * One small bar chart per headline figure: a bar per strategy in its colour,
 * the value beside it, and the lowest marked as the winner ("best", on every
 * strategy that ties for it; none when all are equal). Bars are HTML, so labels never overlap.
 */
export function renderHeadline(target: HTMLElement, result: ComparisonResult): void {
  target.replaceChildren();
  for (const key of HEADLINE_KEYS) {
    const metric = row(key);
    const values = result.results.map((r) => metric.get(r.metrics));
    const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
    const max = Math.max(0, ...known);
    const best = known.length > 0 ? Math.min(...known) : null;
    // A winner only where there is a difference: when every strategy ties, none is marked.
    const decided = best !== null && known.some((v) => v !== best);
    const chart = el("figure", "bar-chart");
    chart.dataset.metric = key;
    chart.append(el("figcaption", undefined, `${metric.label} (lower is better)`));
    result.results.forEach((r, i) => {
      const v = values[i];
      const line = el("div", "bar-row");
      line.dataset.strategy = r.strategy;
      line.append(el("span", "bar-label", r.strategy));
      const track = el("span", "bar-track");
      const bar = el("span", "bar");
      bar.style.width = `${v === null || max === 0 ? 0 : (100 * v) / max}%`;
      bar.style.background = STRATEGY_COLOURS[i % STRATEGY_COLOURS.length];
      track.append(bar);
      line.append(track);
      const value = el("span", "bar-value", formatNumber(v, metric.digits));
      value.dataset.value = String(v);
      line.append(value);
      if (decided && v === best) line.append(el("span", "winner", "best"));
      chart.append(line);
    });
    target.append(chart);
  }
}

/** The full table, as `rxsim compare` prints it: one row per metric, one column per strategy, ratios to the first. */
export function renderTable(table: HTMLTableElement, result: ComparisonResult): void {
  const results = result.results;
  const head = el("tr");
  head.append(el("th", undefined, "metric"));
  results.forEach((r, i) => {
    const th = el("th", undefined, i === 0 ? r.strategy : `${r.strategy} (vs ${results[0].strategy})`);
    th.style.borderBottom = `3px solid ${STRATEGY_COLOURS[i % STRATEGY_COLOURS.length]}`;
    head.append(th);
  });
  const body = tableRows(results).map((cells) => {
    const tr = el("tr");
    cells.forEach((c, i) => {
      tr.append(el(i === 0 ? "th" : "td", undefined, c));
    });
    return tr;
  });
  table.replaceChildren(el("thead"), el("tbody"));
  table.tHead?.append(head);
  table.tBodies[0].append(...body);
}
