import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchChromium, openFile, type Page, screenshot } from "../test-support/browser.js";
import { runBuilt, runInProcess, tempDir } from "../test-support/run-cli.js";

/** Every text label on the page, with its box and the box it must stay inside. */
async function labelProblems(page: Page): Promise<{ overlaps: string[]; clipped: string[]; labels: number }> {
  return page.evaluate(() => {
    type Box = { text: string; r: DOMRect; inside: DOMRect; own: Element };
    const boxes: Box[] = [];
    const view = new DOMRect(0, 0, document.documentElement.clientWidth, 1e9);
    for (const t of document.querySelectorAll("svg text")) {
      const text = (t.textContent ?? "").trim();
      const r = t.getBoundingClientRect();
      if (!text || r.width === 0 || r.height === 0) continue;
      const svg = (t as SVGTextElement).ownerSVGElement as SVGSVGElement;
      boxes.push({ text, r, inside: svg.getBoundingClientRect(), own: t });
    }
    for (const e of document.querySelectorAll("h1, h2, h3, p, .legend .key, th, td, summary")) {
      const text = (e.textContent ?? "").trim();
      // Hidden (a collapsed <details>) labels have no box.
      if (!text || !e.checkVisibility()) continue;
      // An HTML label is clipped when its text overflows its own box.
      const overflow = e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== "visible";
      const r = e.getBoundingClientRect();
      boxes.push({ text, r, inside: overflow ? new DOMRect(0, 0, 0, 0) : view, own: e });
    }
    const clipped: string[] = [];
    for (const b of boxes) {
      const { r, inside } = b;
      if (
        r.left < inside.left - 1 ||
        r.right > inside.right + 1 ||
        r.top < inside.top - 1 ||
        r.bottom > inside.bottom + 1
      ) {
        clipped.push(b.text);
      }
    }
    const overlaps: string[] = [];
    const sorted = [...boxes].sort((a, b) => a.r.top - b.r.top);
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i];
      for (let j = i + 1; j < sorted.length && sorted[j].r.top < a.r.bottom; j++) {
        const b = sorted[j];
        if (a.own.contains(b.own) || b.own.contains(a.own)) continue;
        const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (w > 1 && h > 1) overlaps.push(`"${a.text}" × "${b.text}"`);
      }
    }
    return { overlaps, clipped, labels: boxes.length };
  });
}

/** No overlapping or clipped label, tables and page within the width, no console error, nothing fetched. */
function expectClean(seen: {
  problems: { overlaps: string[]; clipped: string[] };
  tablesFit: boolean;
  pageFits: boolean;
  errors: string[];
  external: string[];
}): void {
  expect(seen.problems.overlaps).toEqual([]);
  expect(seen.problems.clipped).toEqual([]);
  expect(seen.tablesFit).toBe(true);
  expect(seen.pageFits).toBe(true);
  expect(seen.errors).toEqual([]);
  expect(seen.external).toEqual([]);
}

/**
 * Opens the generated reports in a real headless Chromium: every chart is
 * drawn, nothing is fetched, no two text labels overlap and none is clipped
 * (by their bounding boxes), tables fit the page; screenshots are kept.
 */
describe("rxsim report in a real browser", () => {
  let browser: Browser;
  const dir = tempDir();

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function check(html: string, shot: string, width: number) {
    const { page, errors, external } = await openFile(browser, html, width, 900);
    await page.waitForFunction(() => document.body.hasAttribute("data-charts-drawn"), undefined, { timeout: 30_000 });
    const drawn = Number(await page.getAttribute("body", "data-charts-drawn"));
    const expected = Number(await page.getAttribute("body", "data-charts-expected"));
    const plots = await page.$$eval(".plot svg, .bars svg", (els) => els.map((e) => e.getBoundingClientRect().width));
    const problems = await labelProblems(page);
    const tablesFit = await page.$$eval(".tablewrap", (els) => els.every((e) => e.scrollWidth <= e.clientWidth + 1));
    const pageFits = await page.evaluate(
      () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
    );
    await screenshot(page, shot);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text (no script contents) is what a reader sees.
    const text = await page.evaluate(() => document.body.innerText);
    await page.close();
    return { drawn, expected, plots, problems, tablesFit, pageFits, errors, external, text };
  }

  it("single run: headline, charts and table, no overlapping or clipped label", async () => {
    const json = join(dir, "run.json");
    const html = join(dir, "run.html");
    expect(
      (
        await runInProcess([
          "compare",
          "--strategies",
          "naive,dqo,page-pool",
          "--packets",
          "30000",
          "--set",
          "stack.hold=exponential",
          "--set",
          "stack.holdNs=20000",
          "--json",
          json,
        ])
      ).code,
    ).toBe(0);
    const r = await runInProcess(["report", json, "--out", html]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(html, "utf8")).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    for (const width of [1200, 800]) {
      const seen = await check(html, `run-report-${width}.png`, width);
      expect(seen.expected).toBe(4 + 5);
      expect(seen.drawn).toBe(seen.expected);
      expect(seen.plots.length).toBe(seen.expected);
      for (const w of seen.plots) expect(w).toBeGreaterThan(200);
      expect(seen.problems.labels).toBeGreaterThan(100);
      expectClean(seen);
      // The title says what ran (from the run's config), the winner of each figure is named.
      expect(seen.text).toContain(
        "naive vs dqo vs page-pool on 1500 B packets at 8 Mpps (constant), exponential hold 20 µs",
      );
      expect(seen.text).toContain("changed from the catalog: packets, stack.hold, stack.holdNs");
      expect(seen.text).toMatch(/★ best: /);
      // naive and dqo post the same number of buffers: said, and drawn so both show.
      expect(seen.text).toMatch(/Same line \(drawn with a halo\): naive = dqo/);
    }
  });

  it("priced run: CPU time in the headline and the cost breakdown as a stacked bar per strategy", async () => {
    const json = join(dir, "priced.json");
    const html = join(dir, "priced.html");
    const run = await runInProcess([
      "compare",
      "--strategies",
      "naive,dqo,page-pool",
      "--packets",
      "30000",
      "--cost-profile",
      "iommu-strict",
      "--json",
      json,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const r = await runInProcess(["report", json, "--out", html]);
    expect(r.code, r.stderr).toBe(0);
    const seen = await check(html, "priced-report-1200.png", 1200);
    // 5 headline figures (CPU time joins the 4), the stacked bar, 5 time series.
    expect(seen.expected).toBe(5 + 1 + 5);
    expect(seen.drawn).toBe(seen.expected);
    expectClean(seen);
    expect(seen.text).toContain("CPU time (buffer management)");
    expect(seen.text).toContain("CPU time per delivered packet, by operation");
    expect(seen.text).toContain('CPU priced by the cost profile "iommu-strict"');
    expect(seen.text).toContain("changed from the catalog: costProfile, packets");
    // One segment per strategy and priced operation: naive's map and unmap are there.
    const { page } = await openFile(browser, html, 1200, 900);
    await page.waitForFunction(() => document.body.hasAttribute("data-charts-drawn"), undefined, { timeout: 30_000 });
    const titles = await page.$$eval("#cost-breakdown svg rect title", (els) => els.map((e) => e.textContent ?? ""));
    await page.close();
    expect(titles.some((t) => t.startsWith("dmaMap: "))).toBe(true);
    expect(titles.some((t) => t.startsWith("dmaUnmap: "))).toBe(true);
  });

  it("sweep: one panel per metric, colour = strategy, line style = the other parameter", async () => {
    const jsonl = join(dir, "sweep.jsonl");
    const html = join(dir, "sweep.html");
    // Sweeps run worker threads, which need the built CLI.
    const s = runBuilt([
      "sweep",
      "--vary",
      "queue.pageSize=4096,16384,65536",
      "--vary",
      "stack.holdNs=1000,100000",
      "--set",
      "stack.hold=fixed",
      "--packets",
      "20000",
      "--workers",
      "1",
      "--out",
      jsonl,
    ]);
    expect(s.code, s.stderr).toBe(0);
    const r = await runInProcess(["report", jsonl, "--out", html]);
    expect(r.code, r.stderr).toBe(0);
    const seen = await check(html, "sweep-report.png", 1200);
    expect(seen.expected).toBe(4 + 2 * 4);
    expect(seen.drawn).toBe(seen.expected);
    expectClean(seen);
    expect(seen.text).toContain('rxsim sweep of "default": queue.pageSize × stack.holdNs, naive vs dqo');
    expect(seen.text).toContain("queue.pageSize (bytes, log2 scale)");
    expect(seen.text).toContain("stack.holdNs (ns, log10 scale)");
    expect(seen.text).toContain("line style = stack.holdNs");
  });
});
