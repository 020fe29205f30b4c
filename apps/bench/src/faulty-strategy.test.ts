import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CliRun, runBuilt, runInProcess, tempDir } from "../test-support/run-cli.js";

// A strategy that breaks the contract is named with the member and the problem in one line,
// exit 1 (the run found a problem), never "internal error" and never a silently wrong table.
const FAULTY = resolve(import.meta.dirname, "../test-support/fixtures/faulty-strategy.js");

afterEach(() => {
  delete process.env.RXSIM_TEST_FAULT;
});

/** Run compare with the faulty strategy (after naive) under `fault`. */
function compareWith(fault: string, extra: string[] = []): Promise<CliRun> {
  process.env.RXSIM_TEST_FAULT = fault;
  return runInProcess(["compare", "--strategies", `naive,${FAULTY}`, "--packets", "3000", ...extra]);
}

/** Exit 1 and one `rxsim: strategy faulty is faulty: …` line; return it. */
function faultLine(r: CliRun): string {
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^rxsim: strategy faulty is faulty: /);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.code, r.stderr).toBe(1);
  return lines[0];
}

describe("a faulty strategy is named, with the member and the problem", () => {
  it.each([
    ["create-throws", "create threw TypeError: no queue for me"],
    ["create-throws-non-error", "create threw a non-Error value (42)"],
    ["create-returns-null", "create returned null, not a strategy"],
    ["create-returns-proxy", "create threw Error: trap"],
    ["copybreak-getter-throws", "create threw Error: copybreak getter broke"],
    ["refill-throws", "refill threw Error: refill broke"],
    ["refill-overcounts", /refill returned \d+ but posted \d+ buffer\(s\)/],
    ["refill-negative", /refill returned -1 but posted \d+ buffer\(s\)/],
    ["complete-throws", "complete threw RangeError: bad buffer"],
    ["complete-throws-string", 'complete threw "oops"'],
    ["complete-throws-proxy", "complete threw a value that cannot be printed"],
    ["complete-returns-7", /complete returned 7 for buf_id \d+, not a CompletionResult \(-1, 0, 1 or 2\)/],
    ["complete-returns-string", /complete returned "0" for buf_id \d+, not a CompletionResult/],
    ["teardown-throws", "teardown threw Error: teardown broke"],
    ["stats-throws", "stats threw Error: stats broke"],
    ["stats-getter-throws", "stats threw Error: getter broke"],
    ["stats-nan", 'stats returned "hits": NaN, not a finite number'],
    ["stats-returns-number", "stats returned 5, not an object of counters"],
  ])("%s", async (fault, problem) => {
    const line = faultLine(await compareWith(fault));
    expect(line).toMatch(typeof problem === "string" ? problem : problem);
    if (typeof problem === "string") expect(line).toBe(`rxsim: strategy faulty is faulty: ${problem}`);
  });

  it("nothing is written when a strategy fails: the previous --json stays", async () => {
    const { writeFileSync, readFileSync, mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(resolve(tmpdir(), "rxsim-faulty-"));
    const json = resolve(dir, "out.json");
    writeFileSync(json, "previous\n");
    faultLine(await compareWith("complete-throws", ["--json", json]));
    expect(readFileSync(json, "utf8")).toBe("previous\n");
  });
});

describe("a sweep point whose strategy is faulty", () => {
  it("names the point, the strategy, the method and the problem; exit 1", () => {
    const out = join(tempDir(), "s.jsonl");
    const r = runBuiltWithFault("complete-throws", [
      "sweep",
      "--strategies",
      FAULTY,
      "--packets",
      "3000",
      "--workers",
      "1",
      "--vary",
      "seed=1,2",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /^rxsim: sweep point \{"seed":"\d"\} failed: strategy faulty is faulty: complete threw RangeError: bad buffer$/m,
    );
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe("a strategy module whose exports throw when read", () => {
  it("is one line naming the module, exit 2", async () => {
    const module = join(tempDir(), "hostile.mjs");
    writeFileSync(module, `export { hostileFactory as default } from ${JSON.stringify(FAULTY)};\n`);
    const r = await runInProcess(["compare", "--strategies", module]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `rxsim: strategy module ${module} does not meet the rxsim strategy contract: reading it threw Error: factory trap\n`,
    );
  });
});

describe("a strategy module whose import never settles", () => {
  it("ends with a message and exit 2, not a silent exit code 13", () => {
    const module = join(tempDir(), "never.mjs");
    writeFileSync(module, "await new Promise(() => {});\nexport default {};\n");
    const r = runBuilt(["compare", "--strategies", module]);
    expect(r.stderr).toBe(
      `rxsim: strategy module ${module} never finished loading: its top-level await waits on something that never happens\n`,
    );
    expect(r.code).toBe(2);
  });
});

describe("a queue that cannot start is a result, not an internal error", () => {
  it("dqo-qpl under an allocation failure window at time 0: reported for it, the others run", async () => {
    const json = join(tempDir(), "r.json");
    const r = await runInProcess([
      "compare",
      "--strategies",
      "naive,dqo-qpl,dqo",
      "--packets",
      "3000",
      "--set",
      "memory.allocFailure.windows=[[0,1000]]",
      "--set",
      "driver.starvationTimer=true",
      "--set",
      "driver.starvationTimerMs=0.1",
      "--json",
      json,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      "rxsim: dqo-qpl: the queue cannot start, every packet dropped: dqo: could not allocate QPL page 1 of 2048 in 64 attempts (the queue cannot start, as when gve_alloc_queue_page_list fails)\n",
    );
    const result = JSON.parse(readFileSync(json, "utf8"));
    const [naive, qpl, dqo] = result.results;
    expect(qpl.cannotStart).toMatch(/could not allocate QPL page 1 of 2048/);
    expect(qpl.metrics.packetsDelivered).toBe(0);
    expect(qpl.metrics.packetsDropped).toBe(qpl.metrics.packetsArrived);
    expect(qpl.metrics.packetsArrived).toBe(2700);
    expect(naive.cannotStart).toBeUndefined();
    expect(naive.metrics.packetsDelivered).toBeGreaterThan(0);
    expect(dqo.metrics.packetsDelivered).toBeGreaterThan(0);
  });
});

describe("a sweep point where a queue cannot start", () => {
  it("records it for that strategy, and the others' numbers", () => {
    const out = join(tempDir(), "s.jsonl");
    const r = runBuilt([
      "sweep",
      "--strategies",
      "naive,dqo-qpl",
      "--packets",
      "3000",
      "--workers",
      "1",
      "--vary",
      "memory.allocFailure.probability=0,1",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [clean, failing] = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(clean.results[1].cannotStart).toBeUndefined();
    expect(failing.results[0].cannotStart).toBeUndefined();
    expect(failing.results[1].cannotStart).toMatch(/^dqo: could not allocate QPL page 1 of 2048/);
    expect(failing.results[1].metrics.packetsDropped).toBe(failing.results[1].metrics.packetsArrived);
  });
});

describe("a strategy that never returns", () => {
  it("is stopped by the --timeout watchdog with one line naming it, exit 1", () => {
    const r = runBuiltWithFault("refill-hangs", ["compare", "--strategies", `naive,${FAULTY}`, "--timeout", "2"]);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^rxsim: strategy faulty did not finish within --timeout 2 s \(a strategy method that never returns\?\); nothing was written\n$/,
    );
    expect(r.code).toBe(1);
  });

  it("stops rxsim results too, naming the strategy and the scenario, and leaves the previous file as it was", () => {
    const dir = tempDir();
    const out = join(dir, "results.md");
    writeFileSync(out, "previous results\n");
    const r = runBuiltWithFault("refill-hangs", [
      "results",
      "--strategies",
      `naive,${FAULTY}`,
      "--packets",
      "1000",
      "--timeout",
      "2",
      "--out",
      out,
    ]);
    expect(r.stderr).toMatch(
      /^rxsim: strategy faulty \(scenario default\) did not finish within --timeout 2 s \(a strategy method that never returns\?\); nothing was written\n$/,
    );
    expect(r.code).toBe(1);
    expect(readFileSync(out, "utf8")).toBe("previous results\n");
    expect(readdirSync(dir)).toEqual(["results.md"]);
  });
});

function runBuiltWithFault(fault: string, args: string[]): CliRun {
  process.env.RXSIM_TEST_FAULT = fault;
  try {
    // Generous on a loaded machine, yet a run the watchdog fails to stop ends the test.
    return runBuilt(args, undefined, 90_000);
  } finally {
    delete process.env.RXSIM_TEST_FAULT;
  }
}
