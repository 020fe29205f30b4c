import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBuilt, runInProcess, tempDir } from "../test-support/run-cli.js";
import { INLINING_FLAGS } from "./v8-tuning.js";

/** Rows small enough for a test, three timed runs each, all in this process. */
const SMALL_IN_PROCESS = [
  "--packets",
  "20000",
  "--checker-packets",
  "5000",
  "--loop-packets",
  "20000",
  "--runs",
  "3",
  "--isolate",
  "none",
];

describe("rxsim perf", () => {
  interface Row {
    strategy: string;
    measure: string;
    checker: string;
    packets: number;
    wallSeconds: number[];
    cpuSeconds: number[];
    packetsPerSecond: { min: number; median: number; max: number };
  }

  it("measures each strategy, checker off and on, and the strategy alone, with the spread and the machine", async () => {
    const dir = tempDir();
    const r = await runInProcess(["perf", ...SMALL_IN_PROCESS, "--json", join(dir, "p.json")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 timed runs per row/);
    const out = JSON.parse(readFileSync(join(dir, "p.json"), "utf8"));
    expect(out.results.map((x: Row) => `${x.strategy}/${x.measure}/${x.checker}`)).toEqual([
      "naive/simulation/off",
      "dqo/simulation/off",
      "naive/simulation/on",
      "dqo/simulation/on",
      "naive/strategy-loop/off",
      "dqo/strategy-loop/off",
    ]);
    for (const x of out.results as Row[]) {
      expect(x.wallSeconds).toHaveLength(3);
      expect(x.cpuSeconds).toHaveLength(3);
      const rates = x.wallSeconds.map((s) => Math.round(x.packets / s)).sort((a, b) => a - b);
      expect(x.packetsPerSecond).toEqual({ min: rates[0], median: rates[1], max: rates[2] });
    }
    expect(out.machine.node).toBe(process.version);
    expect(out.isolation).toBe("none");
    // In process, nothing raised V8's inlining budget (only the rxsim command does), and the record says so.
    expect(out.v8).toEqual({ inlining: "default", flags: [] });
    expect(out.loadAverage.before).toHaveLength(3);
    // The machine's own noise around the measurements, with each run's time.
    for (const probe of [out.machineNoise.before, out.machineNoise.after]) {
      expect(probe.runsMs).toHaveLength(10);
      expect(probe.ratio).toBeCloseTo(Math.max(...probe.runsMs) / Math.min(...probe.runsMs), 6);
    }
    expect(r.stdout).toMatch(/machine noise ×\d+\.\d\d before, ×\d+\.\d\d after/);
    expect(Date.parse(out.date)).toBeGreaterThan(0);
  });

  it("runs each measurement in its own worker thread by default (built CLI)", () => {
    const dir = tempDir();
    const json = join(dir, "p.json");
    const args = ["perf", "--strategies", "dqo", "--packets", "10000", "--checker-packets", "5000"];
    const r = runBuilt([...args, "--loop-packets", "10000", "--runs", "2", "--json", json]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(readFileSync(json, "utf8"));
    expect(out.isolation).toBe("worker");
    expect(out.v8).toEqual({ inlining: "raised", flags: [...INLINING_FLAGS] });
    expect(r.stdout).toMatch(/V8 inlining budget raised/);
    expect(out.results.map((x: Row) => `${x.measure}/${x.checker}`)).toEqual([
      "simulation/off",
      "simulation/on",
      "strategy-loop/off",
    ]);
    for (const x of out.results as Row[]) expect(x.packetsPerSecond.min).toBeGreaterThan(0);
  });

  it("RXSIM_V8_DEFAULTS=1 keeps V8's own inlining budget, and the record says so (built CLI)", () => {
    const dir = tempDir();
    const json = join(dir, "p.json");
    const args = ["perf", "--strategies", "naive", "--packets", "5000", "--checker-packets", "1000"];
    const r = runBuilt([...args, "--loop-packets", "0", "--runs", "1", "--json", json], undefined, 300_000, {
      RXSIM_V8_DEFAULTS: "1",
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/V8 inlining budget default/);
    expect(JSON.parse(readFileSync(json, "utf8")).v8).toEqual({ inlining: "default", flags: [] });
  });

  it("--queues 4 times a 4-queue host spread over threads, in one thread and one queue alone, in turn (built CLI)", () => {
    const dir = tempDir();
    const json = join(dir, "p.json");
    const args = ["perf", "--strategies", "dqo", "--packets", "20000", "--checker-packets", "1000"];
    const r = runBuilt([...args, "--loop-packets", "0", "--runs", "3", "--queues", "4", "--json", json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/A host of 4 queues, each at the single-queue rate/);
    const out = JSON.parse(readFileSync(json, "utf8"));
    expect(out.queues).toBe(4);
    const host = out.results.filter((x: Row) => x.measure === "host");
    expect(host).toHaveLength(1);
    const h = host[0].host;
    expect(h.queues).toBe(4);
    expect(h.threads).toBeGreaterThanOrEqual(1);
    for (const times of [host[0].wallSeconds, h.oneThread.wallSeconds, h.oneQueue.wallSeconds]) {
      expect(times).toHaveLength(3);
    }
    // Each round's ratio is its spread speed over its one-queue speed.
    const ratios = host[0].wallSeconds
      .map((s: number, i: number) => Math.round((h.oneQueue.wallSeconds[i] / s) * 1000) / 1000)
      .sort((a: number, b: number) => a - b);
    expect(h.versusOneQueue).toEqual({ min: ratios[0], median: ratios[1], max: ratios[2] });
    const bad = runBuilt(["perf", "--queues", "1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("rxsim: --queues 1: a host needs at least 2 queues (0 skips the host rows)");
  });

  it("with a cost profile, pairs every simulation run with the same run unpriced and reports each pair's speed ratio", async () => {
    const dir = tempDir();
    const json = join(dir, "p.json");
    const r = await runInProcess([
      "perf",
      "--strategies",
      "dqo",
      ...SMALL_IN_PROCESS,
      "--cost-profile",
      "iommu-strict",
      "--json",
      json,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cost profile iommu-strict/);
    expect(r.stdout).toMatch(/priced \/ unpriced, paired/);
    const out = JSON.parse(readFileSync(json, "utf8"));
    expect(out.costProfile).toBe("iommu-strict");
    for (const x of out.results) {
      if (x.measure === "strategy-loop") {
        // The strategy loop has no polls to price.
        expect(x.versusUnpriced).toBeUndefined();
        continue;
      }
      const v = x.versusUnpriced;
      expect(v.wallSeconds).toHaveLength(3);
      const ratios = x.wallSeconds
        .map((s: number, i: number) => Math.round((v.wallSeconds[i] / s) * 1000) / 1000)
        .sort((a: number, b: number) => a - b);
      expect(v.speedRatio).toEqual({ min: ratios[0], median: ratios[1], max: ratios[2] });
    }
  });

  it("refuses bad counts and isolation modes in one line", async () => {
    for (const [flag, value] of [
      ["--runs", "0"],
      ["--isolate", "thread"],
      ["--loop-packets", "-1"],
    ]) {
      const r = await runInProcess(["perf", flag, value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^rxsim: ${flag} ${value}: `));
    }
  });
});
