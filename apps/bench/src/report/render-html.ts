import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { CLIENT_SCRIPT } from "./client-script.js";
import { embedJson, escapeHtml, htmlDocument, inlineScript } from "./html-text.js";
import type { HeatmapSpec } from "./queue-heatmap.js";
import type { ChartGroup, ChartSpec, CostBreakdownSpec, HeadlineSpec, ReportSpec, TableSpec } from "./types.js";

const require = createRequire(import.meta.url);

/** A package's browser bundle: its `umd` export, found beside its `default` one (src/index.js). */
function umdOf(pkg: string, file: string): string {
  return readFileSync(resolve(dirname(require.resolve(pkg)), "..", file), "utf8");
}

/** d3 and Observable Plot, inlined so the page fetches nothing. */
function plotAssets(): string {
  const d3 = umdOf("d3", "dist/d3.min.js");
  const plot = umdOf("@observablehq/plot", "dist/plot.umd.min.js");
  return `<script>${inlineScript(d3)}</script>\n<script>${inlineScript(plot)}</script>`;
}

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 20px auto; padding: 0 20px; max-width: 1200px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 22px 0 4px; } h3 { font-size: 14px; margin: 0 0 2px; }
.sub, .note { color: #555; margin: 0 0 2px; } .note { font-size: 13px; }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; margin-top: 6px; }
.card { border: 1px solid #ddd; border-radius: 4px; padding: 8px; min-width: 0; }
.best { font-size: 13px; margin: 2px 0 0; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; margin: 4px 0; align-items: center; }
.legend .key { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 14px; }
.chart { min-width: 0; } .plot { min-height: 230px; } .plot.cost { min-height: 0; }
.ylabel { font-size: 12px; color: #333; margin: 0; }
.same { font-size: 12px; color: #555; margin: 0; }
.tablewrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; } th { vertical-align: bottom; }
th:first-child, td:first-child { text-align: left; }
details { margin: 4px 0; } summary { cursor: pointer; }
`;

function swatch(colour: string, dash: string): string {
  return `<svg width="26" height="10" aria-hidden="true"><line x1="1" y1="5" x2="25" y2="5" stroke="${escapeHtml(colour)}" stroke-width="2.5"${dash ? ` stroke-dasharray="${escapeHtml(dash)}"` : ""}/></svg>`;
}

function legendHtml(g: ChartGroup): string {
  const colours = g.legend.colours.map(([name, c]) => `<span class="key">${swatch(c, "")}${escapeHtml(name)}</span>`);
  const dashes = g.legend.dashes.map(([name, d]) => `<span class="key">${swatch("#555", d)}${escapeHtml(name)}</span>`);
  return `<div class="legend">${colours.join("")}${dashes.length > 0 ? `<span class="key">line style:</span>${dashes.join("")}` : ""}</div>`;
}

function chartHtml(c: ChartSpec, id: string): string {
  // Group identical lines: "a = b = c".
  const groups = new Map<string, string[]>();
  for (const s of c.series) {
    if (s.sameAs === null) continue;
    const g = groups.get(s.sameAs) ?? [s.sameAs];
    g.push(s.legend);
    groups.set(s.sameAs, g);
  }
  const same = [...groups.values()].map((g) => g.join(" = ")).join("; ");
  return `<div class="chart"><h3>${escapeHtml(c.title)}</h3><p class="ylabel">${escapeHtml(c.y.label)}</p><div id="${id}" class="plot"></div>${
    same ? `<p class="same">Same line (drawn with a halo): ${escapeHtml(same)}</p>` : ""
  }</div>`;
}

function headlineHtml(h: HeadlineSpec): string {
  const cards = h.metrics.map((m, i) => {
    const all = m.best.length === m.bars.length && m.bars.length > 1;
    const best = all ? "all equal" : `best: ${m.best.join(", ")}`;
    return `<div class="card"><h3>${escapeHtml(m.title)}</h3><div id="headline-${i}" class="bars"></div><p class="best">★ ${escapeHtml(best)}</p></div>`;
  });
  return `<section id="headline"><h2>${escapeHtml(h.title)}</h2><div class="headline">${cards.join("")}</div>${h.notes
    .map((n) => `<p class="note">${escapeHtml(n)}</p>`)
    .join("")}</section>`;
}

function costHtml(c: CostBreakdownSpec | null): string {
  if (c === null) return "";
  return `<section id="cost"><h2>${escapeHtml(c.title)}</h2><p class="ylabel">ns per delivered packet</p><div id="cost-breakdown" class="plot cost"></div>${c.notes
    .map((n) => `<p class="note">${escapeHtml(n)}</p>`)
    .join("")}</section>`;
}

function heatmapsHtml(maps: readonly HeatmapSpec[]): string {
  if (maps.length === 0) return "";
  return `<section class="group" id="queues"><h2>Resident pages per queue over simulated time</h2><p class="note">One row per RX queue (queue 0 at the top), darker = more pages; each column averages the samples of its time span, warm-up included.</p>${maps
    .map(
      (m, i) =>
        `<div class="chart"><h3>${escapeHtml(m.title)}</h3><div id="heatmap-${i}" class="plot heatmap"></div></div>`,
    )
    .join("")}</section>`;
}

function tableHtml(t: TableSpec): string {
  const body = `<div class="tablewrap"><table><thead><tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join("")}</tr>`)
    .join("")}</tbody></table></div>`;
  return t.collapsed
    ? `<details><summary>${escapeHtml(t.title)}</summary>${body}</details>`
    : `<section class="table"><h2>${escapeHtml(t.title)}</h2>${body}</section>`;
}

/**
 * Render a self-contained HTML report: d3, Plot and the drawing code are
 * inlined and the data embedded, nothing is fetched, so the file opens
 * offline and can be mailed to a colleague.
 */
export function renderHtmlReport(spec: ReportSpec): string {
  const groups = spec.groups
    .map(
      (g, gi) =>
        `<section class="group"><h2>${escapeHtml(g.title)}</h2><p class="note">${escapeHtml(g.note)}</p>${legendHtml(g)}<div class="charts">${g.charts
          .map((c, ci) => chartHtml(c, `chart-${gi}-${ci}`))
          .join("")}</div></section>`,
    )
    .join("\n");
  const body = `${spec.subtitle.map((s) => `<p class="sub">${escapeHtml(s)}</p>`).join("\n")}
${headlineHtml(spec.headline)}
${costHtml(spec.cost)}
${groups}
${heatmapsHtml(spec.heatmaps ?? [])}
${spec.tables.map(tableHtml).join("\n")}
<script type="application/json" id="rxsim-report-spec">${embedJson({ headline: spec.headline, cost: spec.cost, groups: spec.groups, heatmaps: spec.heatmaps ?? [] })}</script>
${plotAssets()}
<script>${CLIENT_SCRIPT}</script>`;
  return htmlDocument(spec.title, CSS, body);
}
