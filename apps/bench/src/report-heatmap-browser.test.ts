import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchChromium, openFile, screenshot } from "../test-support/browser.js";
import { runInProcess, tempDir } from "../test-support/run-cli.js";
import { HEATMAP_MAX_COLUMNS } from "./report/queue-heatmap.js";

/** The report of a multi-queue run in a real headless Chromium: the queue × time heatmap is drawn. */
describe("rxsim report: queue × time heatmap of resident pages", () => {
  let browser: Browser;
  const dir = tempDir();

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("one heatmap per strategy, a cell per queue and time column; the elephant's queue is the darkest row", async () => {
    const json = join(dir, "q.json");
    const html = join(dir, "q.html");
    const run = await runInProcess([
      "compare",
      "elephant-flow",
      "--queues",
      "8",
      "--strategies",
      "naive,dqo",
      "--packets",
      "60000",
      "--json",
      json,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(json, "utf8")).results[0];
    const hot = result.queues.reduce((a: { queue: number; metrics: { meanResidentPages: number } }, b: typeof a) =>
      b.metrics.meanResidentPages > a.metrics.meanResidentPages ? b : a,
    ).queue;
    const points = result.timeSeries.points;
    const r = await runInProcess(["report", json, "--out", html]);
    expect(r.code, r.stderr).toBe(0);
    const { page, errors, external } = await openFile(browser, html, 1200, 900);
    await page.waitForFunction(() => document.body.hasAttribute("data-charts-drawn"), undefined, { timeout: 30_000 });
    expect(Number(await page.getAttribute("body", "data-charts-drawn"))).toBe(
      Number(await page.getAttribute("body", "data-charts-expected")),
    );
    const maps = await page.$$eval(".heatmap", (els) =>
      els.map((e) => {
        const rects = [...e.querySelectorAll("svg rect")].filter((x) => x.querySelector("title") !== null);
        // Each cell's title: "queue Q, T: V pages".
        return rects.map((x) => x.querySelector("title")?.textContent ?? "");
      }),
    );
    await screenshot(page, "queue-heatmap.png");
    await page.close();
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    expect(maps).toHaveLength(2);
    const columns = Math.min(points, HEATMAP_MAX_COLUMNS);
    for (const cells of maps) {
      expect(cells).toHaveLength(8 * columns);
      const total = new Array(8).fill(0);
      for (const t of cells) {
        const m = t.match(/^queue (\d+), .*: ([\d.,k]+) pages$/);
        expect(m, t).not.toBeNull();
        const v = m?.[2] ?? "0";
        total[Number(m?.[1])] += v.endsWith("k") ? Number.parseFloat(v) * 1000 : Number(v.replace(/,/g, ""));
      }
      expect(total.indexOf(Math.max(...total))).toBe(hot);
    }
  });
});
