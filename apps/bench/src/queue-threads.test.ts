import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliRun, runBuilt, tempDir } from "../test-support/run-cli.js";
import { BUILTIN_STRATEGIES } from "./registry.js";

// Built: queue threads load compiled JavaScript.
const CAPTURES = resolve(import.meta.dirname, "../../../packages/harness/test-fixtures");
const FAULTY = resolve(import.meta.dirname, "../test-support/fixtures/faulty-strategy.js");
const ALL = Object.keys(BUILTIN_STRATEGIES).join(",");

/** Run with `--threads n`, writing --json; returns the run and the JSON text. */
function withThreads(n: number, args: string[]): [CliRun, string] {
  const json = join(tempDir(), "r.json");
  const r = runBuilt([...args, "--threads", String(n), "--json", json]);
  expect(r.code, r.stderr).toBe(0);
  return [r, readFileSync(json, "utf8")];
}

describe("--threads: a multi-queue host spread over threads gives the one-thread results, byte for byte", () => {
  it.each([
    ["many-flows", ["--packets", "40000"]],
    ["elephant-flow", ["--packets", "40000", "--cost-profile", "iommu-strict"]],
    // Readers on other CPUs (remote frees), a slow reader, holds long enough to keep pages out.
    [
      "default",
      ["--packets", "40000", "--queues", "6", "--set", "host.readerCpus=other", "--set", "stack.hold=lognormal"],
    ],
  ])("%s, every built-in strategy", (scenario, args) => {
    const [one, oneJson] = withThreads(1, ["compare", scenario, "--strategies", ALL, ...args]);
    const [two, twoJson] = withThreads(2, ["compare", scenario, "--strategies", ALL, ...args]);
    expect(twoJson).toBe(oneJson);
    expect(two.stdout).toBe(one.stdout);
    // Each strategy's run really was spread (an explicit --threads says how each ran).
    const spread = two.stderr.split("\n").filter((l) => / queues over 2 threads$/.test(l));
    expect(spread).toHaveLength(Object.keys(BUILTIN_STRATEGIES).length);
  });

  it("a capture replayed over 4 queues: each thread reads the capture itself", () => {
    const file = join(CAPTURES, "http-loopback.pcapng");
    const [, oneJson] = withThreads(1, ["replay", file, "--queues", "4", "--strategies", "naive,dqo,page-pool"]);
    const [two, twoJson] = withThreads(3, ["replay", file, "--queues", "4", "--strategies", "naive,dqo,page-pool"]);
    expect(twoJson).toBe(oneJson);
    expect(two.stderr).toMatch(/dqo: 4 queues over 3 threads/);
  });

  it("a host page cap keeps the run in one thread, and says why", () => {
    const [r] = withThreads(2, ["compare", "host-stuck-reader", "--packets", "20000", "--strategies", "dqo"]);
    expect(r.stderr).toMatch(/dqo: 32 queues in one thread: a host page cap/);
  });

  it("a strategy that throws in a thread: the run is done again in one thread and fails as it would there", () => {
    process.env.RXSIM_TEST_FAULT = "complete-throws";
    try {
      const args = ["compare", "--queues", "4", "--packets", "30000", "--strategies", `naive,${FAULTY}`];
      const one = runBuilt([...args, "--threads", "1"]);
      const two = runBuilt([...args, "--threads", "2"]);
      expect(one.code).toBe(1);
      expect(two.code).toBe(1);
      const last = (r: CliRun) => r.stderr.trim().split("\n").at(-1);
      expect(last(two)).toBe(last(one));
      expect(last(two)).toBe("rxsim: strategy faulty is faulty: complete threw RangeError: bad buffer");
      expect(two.stderr).not.toMatch(/\n\s+at /);
    } finally {
      delete process.env.RXSIM_TEST_FAULT;
    }
  });

  it("a strategy that never returns in a thread is stopped by --timeout", () => {
    process.env.RXSIM_TEST_FAULT = "refill-hangs";
    try {
      const r = runBuilt(
        ["compare", "--queues", "4", "--packets", "30000", "--strategies", FAULTY, "--threads", "2", "--timeout", "2"],
        undefined,
        90_000,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/strategy faulty did not finish within --timeout 2 s/);
    } finally {
      delete process.env.RXSIM_TEST_FAULT;
    }
  });

  it.each(["0", "two", "1.5"])("--threads %s: one line, exit 2", (bad) => {
    const r = runBuilt(["compare", "--queues", "4", "--packets", "1000", "--threads", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      `rxsim: --threads ${JSON.stringify(bad)}: expected a whole number from 1 to 1024`,
    ]);
  });
});
