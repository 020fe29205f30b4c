import * as Plot from "@observablehq/plot";
import type { Timeline } from "../timeline.js";
import { COUNTER_NAMES } from "../viewer-replay.js";
import { el } from "./dom.js";

/** Units of each counter of COUNTER_NAMES, for the y axis. */
const UNITS = [
  "pages",
  "buffers",
  "fragments",
  "pages (cumulative)",
  "pages (cumulative)",
  "ops (cumulative)",
  "violations",
];

/**
 * One small line chart per counter over the whole run (sampled by the
 * timeline pass), with a cursor at the current step. Drawn once; only the
 * cursors move.
 */
export class CountersView {
  private readonly cursors: { line: HTMLElement; x: (step: number) => number }[] = [];

  constructor(body: HTMLElement, timeline: Timeline, colour: string) {
    const grid = el("div", "counters");
    body.append(grid);
    const steps = Array.from(timeline.sampleStep);
    COUNTER_NAMES.forEach((name, j) => {
      const top = Math.max(1, ...timeline.series[j]);
      const data = steps.map((s, k) => ({ step: s, value: timeline.series[j][k] }));
      const box = el("div", "counter");
      box.dataset.counter = name;
      const chart = Plot.plot({
        width: 360,
        height: 150,
        marginLeft: 56,
        marginBottom: 34,
        style: { fontSize: "11px", background: "transparent" },
        x: { label: "step (input line)", labelAnchor: "right", labelArrow: "none", ticks: 4, tickFormat: "s" },
        y: {
          label: UNITS[j],
          labelArrow: "none",
          domain: [0, top],
          ticks: Math.min(4, top),
          tickFormat: "s",
          grid: true,
        },
        marks: [Plot.lineY(data, { x: "step", y: "value", stroke: colour, curve: "step-after" }), Plot.ruleY([0])],
      });
      const title = el("div", "ctitle", name);
      const line = el("div", "cursor");
      box.append(title, chart, line);
      grid.append(box);
      const sx = chart.scale("x");
      if (sx?.apply) {
        const apply = sx.apply;
        // The chart sits below the title: offset the cursor by the title's height at draw time.
        this.cursors.push({ line, x: (s) => apply(s) as number });
      }
    });
  }

  update(step: number): void {
    for (const c of this.cursors) c.line.style.left = `${c.x(step)}px`;
  }
}
