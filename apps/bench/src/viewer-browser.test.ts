import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchChromium, openFile, type Page, screenshot } from "../test-support/browser.js";
import { runInProcess, tempDir } from "../test-support/run-cli.js";
import { indexDecisionLog, nextStepWith, StepFlag } from "./viewer/log-index.js";
import { MAX_PAGES_SHOWN } from "./viewer/page/pages-view.js";
import { factoryForLog } from "./viewer/strategy-factory.js";
import { viewState } from "./viewer/view-state.js";
import { ViewerReplay } from "./viewer/viewer-replay.js";

/** What the page shows, read back from its DOM. */
async function shown(page: Page) {
  return page.evaluate(() => ({
    step: Number(document.body.dataset.step),
    slots: [...document.querySelectorAll<HTMLElement>("#p-ring .slot")].map((c) => Number(c.dataset.buf)),
    pages: [...document.querySelectorAll<HTMLElement>("#p-pages .page")].map((c) => ({
      page: Number(c.dataset.page),
      count: Number(c.dataset.count),
      bias: c.dataset.bias === "" ? null : Number(c.dataset.bias),
      pieces: [...c.querySelectorAll<HTMLElement>(".piece")].map((s) => ({
        state: s.dataset.state,
        bufId: Number(s.dataset.buf),
        refs: Number(s.dataset.refs),
      })),
    })),
    lists: [...document.querySelectorAll<HTMLElement>("#p-lists .list")].map((l) => ({
      name: l.dataset.list,
      items: (l.querySelector<HTMLElement>(".chips")?.dataset.items ?? "").split(",").filter(Boolean).map(Number),
    })),
  }));
}

/** The same, from a replay run here in Node, step by step from the start (no checkpoint). */
function expected(text: string, step: number, firstPage = 0) {
  const index = indexDecisionLog(text);
  const r = new ViewerReplay(index, factoryForLog(index.header));
  while (r.step < step && r.advance()) {}
  const v = viewState(r);
  return {
    step: v.step,
    slots: [...v.slots],
    pages: v.pages
      .slice(firstPage, firstPage + MAX_PAGES_SHOWN)
      .map((p) => ({ page: p.page, count: p.count, bias: p.bias, pieces: p.pieces.map((x) => ({ ...x })) })),
    lists: v.lists.map((l) => ({ name: l.name, items: [...l.items] })),
  };
}

async function goTo(page: Page, step: number): Promise<void> {
  await page.fill("#step", String(step));
  await page.dispatchEvent("#step", "change");
  await page.waitForFunction((s) => document.body.dataset.step === String(s), step, { timeout: 60_000 });
}

/**
 * `rxsim view` pages in a real headless Chromium: the page replays the log
 * with the bundled replay code, and at chosen steps (reached forward, back
 * through checkpoints, by the step button and by the jump buttons) its view
 * must equal the state of a replay run here.
 */
describe("rxsim view in a real browser", () => {
  let browser: Browser;
  const dir = tempDir();

  beforeAll(async () => {
    // Always test the current source: bundle the page now.
    const { buildViewer } = (await import(
      pathToFileURL(resolve(import.meta.dirname, "../scripts/build-viewer.mjs")).href
    )) as { buildViewer: () => Promise<string> };
    await buildViewer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function viewOf(scenario: string, strategy: string, packets: number, name: string) {
    const log = join(dir, `${name}.log`);
    const html = join(dir, `${name}.html`);
    const c = await runInProcess([
      "compare",
      scenario,
      "--strategies",
      strategy,
      "--packets",
      String(packets),
      "--decision-log",
      log,
    ]);
    expect(c.code, c.stderr).toBe(0);
    const v = await runInProcess(["view", log, "--out", html]);
    expect(v.code, v.stderr).toBe(0);
    const text = readFileSync(log, "utf8");
    expect(readFileSync(html, "utf8")).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    const opening = Date.now();
    const opened = await openFile(browser, html, 1280, 1000);
    await opened.page.waitForFunction(
      () => document.body.dataset.ready === "1" || document.body.dataset.error,
      undefined,
      {
        timeout: 120_000,
      },
    );
    expect(await opened.page.evaluate(() => document.body.dataset.error ?? "")).toBe("");
    return { text, openMs: Date.now() - opening, ...opened };
  }

  it("dqo: the page's ring, pages and lists equal the replayed state at chosen steps", async () => {
    const { text, page, errors, external } = await viewOf("long-tail", "dqo", 4000, "dqo");
    const steps = Number(await page.evaluate(() => document.body.dataset.steps));
    expect(steps).toBe(indexDecisionLog(text).inputAt.length);
    for (const step of [0, 1, 700, 3100, steps, 1300, 5]) {
      await goTo(page, step);
      expect(await shown(page), `step ${step}`).toEqual(expected(text, step));
    }
    // More pages than are drawn at once: the rest are reached by paging.
    await goTo(page, 3100);
    expect(expected(text, 3100).pages.length).toBe(MAX_PAGES_SHOWN);
    await page.fill("#pages-from", String(MAX_PAGES_SHOWN));
    await page.dispatchEvent("#pages-from", "change");
    const paged = expected(text, 3100, MAX_PAGES_SHOWN);
    expect(paged.pages.length).toBeGreaterThan(0);
    expect(await shown(page)).toEqual(paged);
    await page.fill("#pages-from", "0");
    await page.dispatchEvent("#pages-from", "change");
    // The step button, and a jump to the next page allocation after step 1300.
    await goTo(page, 1300);
    await page.click("#fwd");
    await page.waitForFunction(() => document.body.dataset.step === "1301");
    expect(await shown(page)).toEqual(expected(text, 1301));
    // Jump to the next page allocation from a step in the middle of the allocations.
    const index = indexDecisionLog(text);
    const allocs = [...index.flags.keys()].filter((s) => (index.flags[s] & StepFlag.Alloc) !== 0);
    expect(allocs.length).toBeGreaterThan(10);
    const from = allocs[Math.floor(allocs.length / 2)] - 2;
    await goTo(page, from);
    const next = nextStepWith(index, from - 1, StepFlag.Alloc);
    expect(next).toBeGreaterThan(from);
    await page.click("#next-alloc");
    await page.waitForFunction((s) => document.body.dataset.step === String(s), next + 1);
    expect(await shown(page)).toEqual(expected(text, next + 1));
    // The dqo lists are there and not all empty mid-run.
    const mid = await shown(page);
    expect(mid.lists.map((l) => l.name)).toEqual(["recycled_buf_states", "used_buf_states", "free_buf_states"]);
    // Play from 1000 for a while, pause: what is shown is the replay's state at the step it stopped at.
    await goTo(page, 1000);
    await page.selectOption("#speed", "1");
    await page.click("#play");
    await page.waitForFunction(() => Number(document.body.dataset.step) > 1005, undefined, { timeout: 60_000 });
    await page.click("#play");
    await page.waitForTimeout(200);
    const stopped = Number(await page.evaluate(() => document.body.dataset.step));
    expect(stopped).toBeGreaterThan(1005);
    expect(await shown(page)).toEqual(expected(text, stopped));
    await goTo(page, 1400);
    await screenshot(page, "viewer-dqo.png");
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it("page-pool: its cache and ring are shown as the replay has them", async () => {
    const { text, page, errors } = await viewOf("delayed-release", "page-pool", 3000, "pp");
    for (const step of [2000, 900]) {
      await goTo(page, step);
      const s = await shown(page);
      expect(s).toEqual(expected(text, step));
      expect(s.lists.map((l) => l.name)).toEqual(["alloc cache", "ptr_ring"]);
    }
    await screenshot(page, "viewer-page-pool.png");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("stays small and seekable on a 10^6-line log", async () => {
    const started = Date.now();
    // 260,000 packets of `default` make about 1.05 million lines.
    const { text, page, errors, openMs } = await viewOf("default", "dqo", 260_000, "big");
    const lines = text.split("\n").length - 1;
    expect(lines).toBeGreaterThan(1_000_000);
    const loaded = Date.now();
    const steps = Number(await page.evaluate(() => document.body.dataset.steps));
    // The DOM is bounded by what is drawn, not by the log's length.
    const elements = await page.evaluate(() => document.getElementsByTagName("*").length);
    expect(elements).toBeLessThan(20_000);
    const t0 = Date.now();
    await goTo(page, steps);
    const t1 = Date.now();
    await goTo(page, Math.floor(steps / 2));
    const t2 = Date.now();
    expect(await shown(page)).toEqual(expected(text, Math.floor(steps / 2)));
    const elementsMid = await page.evaluate(() => document.getElementsByTagName("*").length);
    expect(elementsMid).toBeLessThan(20_000);
    await screenshot(page, "viewer-large.png");
    expect(errors).toEqual([]);
    // Figures for the record (not asserted: the machine is shared).
    console.log(
      `viewer on ${lines} lines, ${steps} steps: log + page + open ${loaded - started} ms (open and index in the browser ${openMs} ms), seek to end ${t1 - t0} ms, back to the middle ${t2 - t1} ms, ${elements} elements at step 0, ${elementsMid} mid-run`,
    );
    await page.close();
  });
});
