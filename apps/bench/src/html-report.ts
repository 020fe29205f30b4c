import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** One chart: x values and one named series per line. */
export interface ChartSpec {
  /** Chart title. */
  title: string;
  /** Label of the x axis. */
  xLabel: string;
  /** Label of the y axis. */
  yLabel: string;
  /** x values, ascending. */
  x: number[];
  /** One line per series; `null` where a series has no value. */
  series: { name: string; values: (number | null)[] }[];
}

/** A table: a header row and body rows of cells. */
export interface TableSpec {
  /** Caption above the table. */
  title: string;
  /** Column headers. */
  header: string[];
  /** Rows of cells. */
  rows: (string | number)[][];
}

/** Everything a report shows. */
export interface ReportSpec {
  /** Page title. */
  title: string;
  /** Lines of context under the title (scenario, seed, machine…). */
  subtitle: string[];
  /** Charts, in order. */
  charts: ChartSpec[];
  /** Tables, in order, after the charts. */
  tables: TableSpec[];
}

const require = createRequire(import.meta.url);

function uplotAssets(): { js: string; css: string } {
  const js = readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8");
  const css = readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8");
  return { js, css };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe to embed inside a <script> element. */
function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028|\u2029/g, "");
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

/**
 * Render a self-contained HTML report: uPlot and its CSS are inlined, the
 * data is embedded, nothing is fetched, so the file opens offline and can be
 * mailed to a colleague.
 */
export function renderHtmlReport(spec: ReportSpec): string {
  const { js, css } = uplotAssets();
  const tables = spec.tables
    .map(
      (t) =>
        `<section class="table"><h2>${escapeHtml(t.title)}</h2><table><thead><tr>${t.header
          .map((h) => `<th>${escapeHtml(h)}</th>`)
          .join("")}</tr></thead><tbody>${t.rows
          .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join("")}</tr>`)
          .join("")}</tbody></table></section>`,
    )
    .join("\n");
  const charts = spec.charts
    .map(
      (c, i) =>
        `<section class="chart"><h2>${escapeHtml(c.title)}</h2><div id="chart-${i}" class="plot"></div></section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(spec.title)}</title>
<style>${css}
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 18px 0 6px; }
.sub { color: #555; margin: 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; } th:first-child, td:first-child { text-align: left; }
.plot { min-height: 320px; }
</style>
</head>
<body>
<h1>${escapeHtml(spec.title)}</h1>
${spec.subtitle.map((s) => `<p class="sub">${escapeHtml(s)}</p>`).join("\n")}
${charts}
${tables}
<script>${js}</script>
<script>
(function () {
  var charts = ${embedJson(spec.charts)};
  var palette = ${embedJson(PALETTE)};
  var drawn = 0;
  charts.forEach(function (c, i) {
    var el = document.getElementById("chart-" + i);
    var data = [c.x].concat(c.series.map(function (s) { return s.values; }));
    var series = [{ label: c.xLabel }].concat(c.series.map(function (s, k) {
      return { label: s.name, stroke: palette[k % palette.length], width: 2, points: { show: c.x.length <= 40 } };
    }));
    new uPlot({
      width: Math.max(480, Math.min(1100, (document.body.clientWidth || 900) - 16)),
      height: 300,
      scales: { x: { time: false } },
      axes: [{ label: c.xLabel }, { label: c.yLabel, size: 70 }],
      series: series
    }, data, el);
    drawn++;
  });
  document.body.setAttribute("data-charts-drawn", String(drawn));
  document.body.setAttribute("data-charts-expected", String(charts.length));
})();
</script>
</body>
</html>
`;
}
