import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

/** Debian's chromium, or RXSIM_CHROMIUM. */
export const CHROMIUM = process.env.RXSIM_CHROMIUM ?? "/usr/bin/chromium";
/** Where browser tests keep their screenshots (kept as CI artefacts). */
export const SCREENSHOTS = resolve(import.meta.dirname, "../../../artifacts/screenshots");

export type Browser = Awaited<ReturnType<typeof chromium.launch>>;
export type Page = Awaited<ReturnType<Browser["newPage"]>>;

/**
 * Start headless Chromium (Debian's package; `.ci/run` installs it). Never
 * skipped: without a browser this throws and says how to get one.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install --no-install-recommends chromium) or set RXSIM_CHROMIUM`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
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
}

/** A page opened on a local HTML file, recording console errors and refusing (and recording) any other request. */
export interface OpenedPage {
  page: Page;
  errors: string[];
  external: string[];
}

/** Open `html` (a file path) in a fresh page of `width` × `height`. */
export async function openFile(browser: Browser, html: string, width = 1200, height = 900): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  const external: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  // A page must be self-contained: any request beyond the file itself is refused and recorded.
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    external.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(html).href);
  return { page, errors, external };
}

/** Full-page screenshot into {@link SCREENSHOTS}. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}
