import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { replayDecisionLog } from "@rxsim/core";
import { createDqoStrategy } from "@rxsim/strategy-dqo";
import { describe, expect, it } from "vitest";
import { runInProcess, tempDir } from "../test-support/run-cli.js";

const FIXTURES = resolve(import.meta.dirname, "../test-support/fixtures");
const CAPTURES = resolve(import.meta.dirname, "../../../packages/harness/test-fixtures");
const BUILTIN = ["naive", "naive-split", "dqo", "dqo-nobias", "page-pool", "page-flip", "fifo-cache", "oracle"];

describe("rxsim compare", () => {
  it("prints one column per strategy with ratios to the first, and writes JSON and CSV", async () => {
    const dir = tempDir();
    const json = join(dir, "r.json");
    const csv = join(dir, "r.csv");
    const r = await runInProcess(["compare", "--packets", "50000", "--json", json, "--csv", csv]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("scenario default");
    expect(r.stdout).toMatch(/metric\s+│\s+naive\s+│\s+dqo \(vs naive\)/);
    expect(r.stdout).toMatch(/page allocations\s+│\s+[\d,]+\s+│\s+[\d,]+\s+×0\.0\d/);
    const result = JSON.parse(readFileSync(json, "utf8"));
    expect(result.schemaVersion).toBe(1);
    expect(result.results.map((x: { strategy: string }) => x.strategy)).toEqual(["naive", "dqo"]);
    for (const key of [
      "packetsDelivered",
      "packetsDropped",
      "pageAllocs",
      "pageFrees",
      "atomicOps",
      "peakResidentPages",
      "violations",
    ]) {
      expect(typeof result.results[0].metrics[key], key).toBe("number");
    }
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows[0]).toMatch(/^strategy,packetsDelivered,/);
    expect(rows).toHaveLength(3);
  });

  it("gives the same numbers for the same seed and options", async () => {
    const dir = tempDir();
    const random = [
      "--set",
      "stack.hold=exponential",
      "--set",
      "stack.holdNs=50000",
      "--set",
      "traffic.arrival=poisson",
    ];
    await runInProcess(["compare", "--packets", "20000", "--seed", "7", ...random, "--json", join(dir, "a.json")]);
    await runInProcess(["compare", "--packets", "20000", "--seed", "7", ...random, "--json", join(dir, "b.json")]);
    await runInProcess(["compare", "--packets", "20000", "--seed", "8", ...random, "--json", join(dir, "c.json")]);
    const read = (f: string) => JSON.parse(readFileSync(join(dir, f), "utf8")).results;
    expect(read("a.json")).toEqual(read("b.json"));
    expect(read("a.json")).not.toEqual(read("c.json"));
  });

  it("exits 1 when the checker finds violations, naming the first", async () => {
    const r = await runInProcess([
      "compare",
      "--packets",
      "2000",
      "--checker",
      "--strategies",
      `naive,${join(FIXTURES, "overlapping-strategy.js")}`,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /rxsim: overlapping: \d+ checker violation\(s\); first: posted-overlap: buf_id \d+ posts page \d+ bytes \[0, 2048\) overlapping/,
    );
  });

  it("loads a third-party strategy by file path", async () => {
    const r = await runInProcess([
      "compare",
      "--packets",
      "2000",
      "--strategies",
      join(FIXTURES, "overlapping-strategy.js"),
    ]);
    expect(r.stdout).toContain("overlapping");
  });

  it("applies --set and --config, and `show` prints a config `--config` accepts", async () => {
    const dir = tempDir();
    const shown = await runInProcess(["show", "default"]);
    expect(shown.code).toBe(0);
    const config = JSON.parse(shown.stdout);
    config.queue.pageSize = 16384;
    config.packets = 5000;
    config.warmupPackets = 0;
    writeFileSync(join(dir, "c.json"), JSON.stringify(config));
    const r = await runInProcess([
      "compare",
      "--config",
      join(dir, "c.json"),
      "--set",
      "seed=3",
      "--json",
      join(dir, "o.json"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, "o.json"), "utf8"));
    expect(out.config.queue.pageSize).toBe(16384);
    expect(out.seed).toBe(3);
  });

  it("writes a decision log for one strategy that replays decision by decision", async () => {
    const dir = tempDir();
    const log = join(dir, "d.log");
    const r = await runInProcess(["compare", "--packets", "3000", "--strategies", "dqo", "--decision-log", log]);
    expect(r.code, r.stderr).toBe(0);
    const outcome = replayDecisionLog(readFileSync(log, "utf8"), createDqoStrategy());
    expect(outcome.ok, JSON.stringify(outcome.mismatch)).toBe(true);
    expect(outcome.decisions).toBeGreaterThan(3000);
  });

  it("writes --json whole or not at all: a write that fails leaves the previous file as it was", async () => {
    const dir = tempDir();
    const json = join(dir, "r.json");
    writeFileSync(json, "previous results\n");
    // The new content goes to a sibling first; make that sibling impossible to write.
    mkdirSync(`${json}.tmp-${process.pid}`);
    const r = await runInProcess(["compare", "--packets", "5000", "--json", json]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^rxsim: cannot write --json \S+r\.json: EISDIR/);
    expect(readFileSync(json, "utf8")).toBe("previous results\n");
    rmdirSync(`${json}.tmp-${process.pid}`);
    expect((await runInProcess(["compare", "--packets", "5000", "--json", json])).code).toBe(0);
    expect(JSON.parse(readFileSync(json, "utf8")).schemaVersion).toBe(1);
    expect(readdirSync(dir)).toEqual(["r.json"]);
  });

  it("reports a stall that never ends with its start time; with the timer the queue recovers", async () => {
    const stalled = await runInProcess([
      "compare",
      "alloc-failure-stall",
      "--packets",
      "400000",
      "--strategies",
      "naive",
    ]);
    expect(stalled.code, stalled.stderr).toBe(0);
    expect(stalled.stdout).toMatch(/first stall at \(ms\)\s+│\s+20\.1\d\d/);
    expect(stalled.stderr.trim()).toMatch(
      /^rxsim: naive: the queue stalled at 20\.1\d\d ms and never recovered: .*driver\.starvationTimer=true/,
    );
    const timer = await runInProcess([
      "compare",
      "alloc-failure-timer",
      "--packets",
      "400000",
      "--strategies",
      "naive",
    ]);
    expect(timer.code, timer.stderr).toBe(0);
    expect(timer.stdout).toMatch(/first stall at \(ms\)\s+│\s+20\.1\d\d/);
    expect(timer.stderr).toBe("");
  });

  it("shows the pages still in flight at teardown and how long the stack kept them", async () => {
    const r = await runInProcess(["compare", "stuck-reader", "--packets", "50000", "--strategies", "dqo"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/pages in flight at teardown\s+│\s+[1-9][\d,]*/);
    // Stuck packets are held 1 s; the last ones arrived just before the end of the run.
    expect(r.stdout).toMatch(/teardown wait \(ms\)\s+│\s+(99\d\.\d{3}|1,000\.000)/);
    expect(r.stdout).toMatch(/leaked pages\s+│\s+0\b/);
  });

  it("records a trace that `replay` reproduces exactly", async () => {
    const dir = tempDir();
    const trace = join(dir, "t.jsonl");
    await runInProcess([
      "compare",
      "--packets",
      "20000",
      "--set",
      "stack.hold=exponential",
      "--record",
      trace,
      "--json",
      join(dir, "a.json"),
    ]);
    const r = await runInProcess(["replay", trace, "--json", join(dir, "b.json")]);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, "a.json"), "utf8"));
    const b = JSON.parse(readFileSync(join(dir, "b.json"), "utf8"));
    expect(b.results.map((x: { metrics: unknown }) => x.metrics)).toEqual(
      a.results.map((x: { metrics: unknown }) => x.metrics),
    );
  });
});

describe("strategies", () => {
  it("every built-in strategy runs in compare with no checker violation", async () => {
    const names = BUILTIN;
    const dir = tempDir();
    const r = await runInProcess([
      "compare",
      "--packets",
      "20000",
      "--checker",
      "--set",
      "stack.hold=exponential",
      "--strategies",
      names.join(","),
      "--json",
      join(dir, "all.json"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, "all.json"), "utf8"));
    expect(out.results.map((x: { strategy: string }) => x.strategy)).toEqual(names);
    for (const x of out.results) expect(x.metrics.violations, x.strategy).toBe(0);
  });

  it("every built-in strategy rejects every bogus completion of a misbehaving device", async () => {
    const dir = tempDir();
    const r = await runInProcess([
      "compare",
      "bad-device",
      "--packets",
      "50000",
      "--set",
      "device.misbehave.duplicateRate=0.01",
      "--set",
      "device.misbehave.notAllocatedRate=0.01",
      "--strategies",
      BUILTIN.join(","),
      "--json",
      join(dir, "bad.json"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/bogus completions \(device\)\s+│\s+[1-9][\d,]*/);
    const out = JSON.parse(readFileSync(join(dir, "bad.json"), "utf8"));
    for (const x of out.results) {
      expect(x.metrics.bogusCompletions, x.strategy).toBeGreaterThan(100);
      expect(x.metrics.invalidBufIds, x.strategy).toBe(x.metrics.bogusCompletions);
      expect(x.metrics.violations, x.strategy).toBe(0);
      expect(x.metrics.leakedPages, x.strategy).toBe(0);
    }
  });

  it("loads the worked example package by path to its build and by package name", async () => {
    const built = resolve(import.meta.dirname, "../../../examples/strategy-example/dist/index.js");
    const byPath = await runInProcess(["compare", "--packets", "5000", "--strategies", `naive,${built}`]);
    expect(byPath.code, byPath.stderr).toBe(0);
    expect(byPath.stdout).toContain("idle-page");
    const byName = await runInProcess([
      "compare",
      "--packets",
      "5000",
      "--strategies",
      "naive,@rxsim/example-strategy",
    ]);
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toContain("idle-page");
  });
});

describe("rxsim replay of captures", () => {
  it("replays a real pcapng capture with its packet count", async () => {
    const files = ["http-loopback.pcapng", "http-loopback.pcap", "http-loopback-nsec.pcap"]
      .map((f) => join(CAPTURES, f))
      .filter(existsSync);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const dir = tempDir();
      const r = await runInProcess(["replay", file, "--json", join(dir, "r.json")]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
      expect(out.results[0].metrics.packetsArrived).toBeGreaterThan(0);
    }
  });
});

describe("rxsim catalog commands", () => {
  it("lists scenarios and strategies", async () => {
    const s = await runInProcess(["scenarios"]);
    expect(s.stdout).toMatch(/default\s+│.*4 KiB pages/);
    const t = await runInProcess(["strategies"]);
    expect(t.stdout).toMatch(/dqo\s+│.*two-list/);
  });
});
