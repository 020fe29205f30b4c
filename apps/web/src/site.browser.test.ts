import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StaticServer, serveStatic } from "../test-support/static-server.js";

const CHROMIUM = process.env.RXSIM_CHROMIUM ?? "/usr/bin/chromium";
const SITE = resolve(import.meta.dirname, "../dist");
const CLI = resolve(import.meta.dirname, "../../bench/dist/cli.js");
const SCREENSHOTS = resolve(import.meta.dirname, "../../../artifacts/screenshots");

type Browser = Awaited<ReturnType<typeof chromium.launch>>;
type Page = Awaited<ReturnType<Browser["newPage"]>>;

/** The CLI, built, as a child process. */
function rxsim(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The knobs used below, as the form takes them and as `rxsim compare` flags. */
const RUN = {
  scenario: "default",
  strategies: ["naive", "dqo", "page-pool", "page-flip"],
  seed: 7,
  packets: 6000,
  sets: ["stack.hold=fixed", "stack.holdNs=40000", "queue.bufqSlots=512"],
};
const CLI_ARGS = [
  "compare",
  RUN.scenario,
  "--strategies",
  RUN.strategies.join(","),
  "--packets",
  String(RUN.packets),
  "--seed",
  String(RUN.seed),
  ...RUN.sets.flatMap((s) => ["--set", s]),
];

/**
 * The built site (apps/web/dist) served from 127.0.0.1 as a static host
 * would, opened in Debian's Chromium: the simulation runs in the page's
 * worker, and its numbers must equal the command line's for the same seed.
 */
describe("rxsim in the browser", () => {
  let browser: Browser;
  let server: StaticServer;
  const dir = mkdtempSync(join(tmpdir(), "rxsim-web-"));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install --no-install-recommends chromium) or set RXSIM_CHROMIUM`,
      );
    }
    if (!existsSync(join(SITE, "index.html"))) throw new Error(`no built site in ${SITE}: run the build first`);
    server = await serveStatic(SITE);
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
    await server?.close();
  });

  /** Open the site; every request must go to the local server (no CDN, no backend). */
  async function open(): Promise<{ page: Page; errors: string[]; external: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    const external: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith("blob:")) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready]");
    return { page, errors, external };
  }

  async function fill(page: Page, run: typeof RUN): Promise<void> {
    await page.selectOption("#scenario", run.scenario);
    await page.fill("#seed", String(run.seed));
    await page.fill("#packets", String(run.packets));
    await page.fill("#sets", run.sets.join("\n"));
    for (const box of await page.$$("#strategies input")) {
      const name = await box.getAttribute("value");
      if (run.strategies.includes(name ?? "") !== (await box.isChecked())) await box.click();
    }
  }

  async function download(page: Page, click: () => Promise<void>): Promise<string> {
    const [file] = await Promise.all([page.waitForEvent("download", { timeout: 120_000 }), click()]);
    const path = join(dir, file.suggestedFilename());
    await file.saveAs(path);
    return readFileSync(path, "utf8");
  }

  it("runs a comparison whose numbers equal the CLI's for the same seed", async () => {
    const { page, errors, external } = await open();
    await fill(page, RUN);
    await page.click("#run");
    await page.waitForSelector('body[data-runs="1"]', { timeout: 120_000 });
    expect(await page.textContent("#cli-command")).toBe(`rxsim ${CLI_ARGS.join(" ")}`);

    const json = join(dir, "cli.json");
    const cli = rxsim([...CLI_ARGS, "--json", json]);
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    const expected = JSON.parse(readFileSync(json, "utf8"));

    // Every number the page computed, through its "results JSON" download.
    const fromPage = JSON.parse(await download(page, () => page.click("#download-json")));
    expect(fromPage).toEqual(expected);
    expect(fromPage.results.map((r: { strategy: string }) => r.strategy)).toEqual(RUN.strategies);

    // And what a person reads: the page's table is the CLI's table, cell for cell.
    const pageCells = await page.$$eval("#metrics-table tr", (rows) =>
      rows.map((r) => [...r.querySelectorAll("th,td")].map((c) => (c.textContent ?? "").trim())),
    );
    const cliCells = cli.stdout
      .split("\n")
      .filter((l) => l.startsWith("│"))
      .map((l) =>
        l
          .split("│")
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    expect(cliCells.length).toBeGreaterThan(10);
    expect(pageCells).toEqual(cliCells);

    // The headline: one bar chart per key figure, a bar per strategy, the lowest marked.
    const charts = await page.$$eval(".bar-chart", (figs) =>
      figs.map((f) => ({
        metric: (f as HTMLElement).dataset.metric,
        values: [...f.querySelectorAll<HTMLElement>(".bar-value")].map((v) => Number(v.dataset.value)),
        winners: [...f.querySelectorAll(".winner")].map((w) => (w.parentElement as HTMLElement).dataset.strategy),
      })),
    );
    expect(charts.map((c) => c.metric)).toEqual([
      "pageAllocsPer1000",
      "atomicsPerPacket",
      "peakResidentMiB",
      "packetsDropped",
    ]);
    const allocs = expected.results.map(
      (r: { metrics: { per1000Packets: { pageAllocs: number } } }) => r.metrics.per1000Packets.pageAllocs,
    );
    expect(charts[0].values).toEqual(allocs);
    const least = Math.min(...allocs);
    expect(charts[0].winners).toEqual(RUN.strategies.filter((_, i) => allocs[i] === least));
    expect(charts[0].winners.length).toBeLessThan(RUN.strategies.length);
    // No drops in this run: all tie, so no winner is claimed.
    expect(charts[3].values).toEqual([0, 0, 0, 0]);
    expect(charts[3].winners).toEqual([]);

    await page.screenshot({ path: join(SCREENSHOTS, "web-compare.png"), fullPage: true });
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it("a strategy's decision log from the page is the CLI's, byte for byte", async () => {
    const { page, errors } = await open();
    await fill(page, RUN);
    await page.click("#run");
    await page.waitForSelector('body[data-runs="1"]', { timeout: 120_000 });
    const log = await download(page, () => page.click('button.decision-log[data-strategy="dqo"]'));

    const file = join(dir, "dqo.decision-log");
    const args = CLI_ARGS.map((a) => (a === RUN.strategies.join(",") ? "dqo" : a));
    const cli = rxsim([...args, "--decision-log", file]);
    expect(cli.code).toBe(0);
    const expected = readFileSync(file, "utf8");
    expect(expected.startsWith("# rxsim decision-log v1 ")).toBe(true);
    expect(log.length).toBe(expected.length);
    expect(log === expected).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a bad override is one line, the CLI's message, and no run", async () => {
    const { page, errors } = await open();
    await fill(page, { ...RUN, sets: ["queue.noSuchKnob=3"] });
    await page.click("#run");
    await page.waitForSelector("#error:not([hidden])");
    const shown = (await page.textContent("#error")) ?? "";
    const bad = [...CLI_ARGS.slice(0, CLI_ARGS.indexOf("--set")), "--set", "queue.noSuchKnob=3"];
    const cli = rxsim(bad);
    expect(cli.code).toBe(2);
    expect(shown).toMatch(/^rxsim: queue\.noSuchKnob: unknown key/);
    expect(shown).toBe(cli.stderr.trim());
    expect(shown).not.toContain("\n");
    expect(await page.isHidden("#output")).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("stays responsive during a long run: the simulation runs in a worker", async () => {
    const { page, errors } = await open();
    await fill(page, { ...RUN, packets: 400_000 });
    await page.click("#run");
    // Seen from the page's own thread while the run goes on: partial progress. A run on the
    // main thread would block these evaluations until it finished, and none would be partial.
    const seen: number[] = [];
    while (!(await page.$('body[data-runs="1"]'))) {
      const p = await page.evaluate(() => {
        const bar = document.getElementById("progress") as HTMLProgressElement;
        return bar.hidden ? -1 : bar.value / bar.max;
      });
      if (p > 0 && p < 1) seen.push(p);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
