import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuilt, runInProcess, tempDir } from "../test-support/run-cli.js";

const CHROMIUM = process.env.RXSIM_CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOTS = resolve(import.meta.dirname, "../../../artifacts/screenshots");

type Browser = Awaited<ReturnType<typeof chromium.launch>>;

/**
 * Opens the generated reports in a real headless Chromium (Debian's package;
 * `.ci/run` installs it). Never skipped: without a browser this test fails
 * and says how to get one.
 */
describe("rxsim report in a real browser", () => {
  let browser: Browser;
  const dir = tempDir();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install --no-install-recommends chromium) or set RXSIM_CHROMIUM`,
      );
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function openReport(
    html: string,
    shot: string,
  ): Promise<{ drawn: number; expected: number; errors: string[]; external: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const external: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    // The report must be self-contained: any request beyond the file itself is refused and recorded.
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(html).href);
    await page.waitForFunction(() => document.body.hasAttribute("data-charts-drawn"), undefined, { timeout: 10_000 });
    const drawn = Number(await page.getAttribute("body", "data-charts-drawn"));
    const expected = Number(await page.getAttribute("body", "data-charts-expected"));
    // Every chart container holds a canvas with a real size.
    const sizes = await page.$$eval(".plot", (els) =>
      els.map((el) => {
        const c = el.querySelector("canvas");
        return c ? c.width * c.height : 0;
      }),
    );
    expect(sizes.length).toBe(expected);
    for (const s of sizes) expect(s).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, shot), fullPage: true });
    await page.close();
    return { drawn, expected, errors, external };
  }

  it("renders every chart of a single-run report with no console error", async () => {
    const json = join(dir, "run.json");
    const html = join(dir, "run.html");
    expect(
      (await runInProcess(["compare", "--packets", "30000", "--set", "stack.hold=exponential", "--json", json])).code,
    ).toBe(0);
    const r = await runInProcess(["report", json, "--out", html]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(html, "utf8")).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    const seen = await openReport(html, "run-report.png");
    expect(seen.expected).toBe(4);
    expect(seen.drawn).toBe(seen.expected);
    expect(seen.errors).toEqual([]);
    expect(seen.external).toEqual([]);
  });

  it("renders metric-versus-parameter charts of a sweep report", async () => {
    const jsonl = join(dir, "sweep.jsonl");
    const html = join(dir, "sweep.html");
    // Sweeps run worker threads, which need the built CLI.
    const s = runBuilt([
      "sweep",
      "--vary",
      "queue.pageSize=4096,16384",
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
    const seen = await openReport(html, "sweep-report.png");
    expect(seen.expected).toBe(8);
    expect(seen.drawn).toBe(seen.expected);
    expect(seen.errors).toEqual([]);
    expect(seen.external).toEqual([]);
  });
});
