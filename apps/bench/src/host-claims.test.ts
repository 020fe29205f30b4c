import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getBuiltinCostProfile } from "@rxsim/core";
import { applySetOverrides, getScenario, runStrategy, type StrategyResult } from "@rxsim/harness";
import { describe, expect, it } from "vitest";
import { runBuilt, runInProcess, tempDir } from "../test-support/run-cli.js";
import { BUILTIN_STRATEGIES } from "./registry.js";

function run(scenario: string, strategy: string, sets: string[] = [], costProfile?: string): StrategyResult {
  let config = applySetOverrides(getScenario(scenario), sets);
  if (costProfile !== undefined) config = { ...config, costProfile: { ...getBuiltinCostProfile(costProfile)! } };
  return runStrategy(config, BUILTIN_STRATEGIES[strategy].create());
}

/** Strategies that allocate pages while running (the QPL allocates its pool once, at setup). */
const ALLOCATING = ["naive", "naive-split", "dqo", "dqo-hds", "page-pool", "page-flip", "fifo-cache", "oracle"];

describe("a whole NIC: the multi-queue claims, with the real strategies", () => {
  it.each(ALLOCATING)(
    "host-stuck-reader × %s: the stuck queue fills the host and other queues' allocations fail",
    (s) => {
      const r = run("host-stuck-reader", s);
      const qs = r.queues ?? [];
      expect(qs.length).toBe(32);
      const stuck = qs.reduce((a, b) => (b.metrics.peakResidentPages > a.metrics.peakResidentPages ? b : a));
      // A healthy queue holds about 150 pages here; the stuck one holds a large share of the host.
      expect(stuck.metrics.peakResidentPages).toBeGreaterThan(4096);
      const others = qs.filter((q) => q !== stuck);
      expect(others.reduce((a, q) => a + q.metrics.allocFailures, 0)).toBeGreaterThan(0);
      expect(r.metrics.peakResidentPagesRun).toBeLessThanOrEqual(16_384);
      expect(r.metrics.violations).toBe(0);
      // The same host with every reader reading: no queue's allocation fails.
      const healthy = run("host-stuck-reader", s, ["host.stuckReaders.flows=[]"]);
      expect(healthy.metrics.allocFailures).toBe(0);
    },
  );

  it("host-stuck-reader × naive and page-flip: the starved queues drop packets; dqo and page_pool recycle through it", () => {
    const otherDrops = (r: StrategyResult) => {
      const qs = r.queues ?? [];
      const stuck = qs.reduce((a, b) => (b.metrics.peakResidentPages > a.metrics.peakResidentPages ? b : a));
      return qs.filter((q) => q !== stuck).reduce((a, q) => a + q.metrics.packetsDropped, 0);
    };
    for (const s of ["naive", "page-flip"]) {
      expect(otherDrops(run("host-stuck-reader", s))).toBeGreaterThan(1000);
      expect(otherDrops(run("host-stuck-reader", s, ["host.stuckReaders.flows=[]"]))).toBe(0);
    }
    for (const s of ["dqo", "page-pool"]) expect(otherDrops(run("host-stuck-reader", s))).toBe(0);
  });

  it("elephant-flow: one hot queue; many-flows: the queues evenly loaded", () => {
    const hot = run("elephant-flow", "dqo", ["packets=100000"]);
    expect(hot.imbalance?.packets).toBeGreaterThan(12);
    const even = run("many-flows", "dqo", ["packets=100000"]);
    expect(even.imbalance?.packets).toBeLessThan(1.1);
    expect(even.queues?.every((q) => q.flows > 500)).toBe(true);
  });

  it("a reader on another CPU: page_pool recycles through its ring instead of its cache, and pays remote atomics", () => {
    const sets = ["packets=50000", "stack.hold=immediate"];
    const local = run("many-flows", "page-pool", [...sets, 'host.readerCpus="napi"'], "bare-metal");
    const remote = run("many-flows", "page-pool", [...sets, 'host.readerCpus="other"'], "bare-metal");
    expect(local.strategyStats.recycle_cached).toBeGreaterThan(0);
    expect(local.strategyStats.recycle_ring).toBe(0);
    expect(remote.strategyStats.recycle_cached).toBe(0);
    expect(remote.strategyStats.recycle_ring).toBeGreaterThan(0);
    expect(remote.metrics.cpuNsPerPacketByOp.atomicRemote ?? 0).toBeGreaterThan(
      2 * (local.metrics.cpuNsPerPacketByOp.atomicRemote ?? 0),
    );
    expect(remote.metrics.cpuNsPerPacket ?? 0).toBeGreaterThan(local.metrics.cpuNsPerPacket ?? 0);
  });
});

describe("--queues on the command line", () => {
  it("compare --queues 4 writes results[].queues and the totals; the table says which queue dropped most", async () => {
    const json = join(tempDir(), "q.json");
    const r = await runInProcess([
      "compare",
      "--queues",
      "4",
      "--packets",
      "20000",
      "--strategies",
      "dqo",
      "--json",
      json,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/host: 4 queues, no page cap/);
    expect(r.stdout).toMatch(/dqo: max\/mean packets \d/);
    const result = JSON.parse(readFileSync(json, "utf8")).results[0];
    expect(result.queues).toHaveLength(4);
    const sum = result.queues.reduce(
      (a: number, q: { metrics: { packetsArrived: number } }) => a + q.metrics.packetsArrived,
      0,
    );
    expect(sum).toBe(result.metrics.packetsArrived);
  });

  it("sweep --vary host.queues=1,4: a point of several queues carries its imbalance, one queue's does not", () => {
    const out = join(tempDir(), "q.jsonl");
    // Built: the sweep's worker threads load compiled JavaScript.
    const r = runBuilt([
      "sweep",
      "--packets",
      "20000",
      "--strategies",
      "dqo",
      "--workers",
      "1",
      "--vary",
      "host.queues=1,4",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const byQueues = new Map(lines.map((l) => [l.params["host.queues"], l.results[0]]));
    expect(byQueues.get("1").imbalance).toBeUndefined();
    expect(byQueues.get("4").imbalance.packets).toBeGreaterThanOrEqual(1);
    expect(byQueues.get("4").metrics.packetsArrived).toBe(byQueues.get("1").metrics.packetsArrived);
  });

  it.each([
    [["--queues", "0"], /--queues 0: must be an integer ≥ 1/],
    [["--queues", "four"], /--queues "four": expected a whole number/],
    [
      ["--queues", "4", "--set", "host.rss.indirection=[0,1,2,4]"],
      /host\.rss\.indirection\[3\].*names queue 4, but the host has 4 queues/,
    ],
    [["--queues", "3", "--set", "host.napiCpus=[0,1]"], /host\.napiCpus.*names 2 CPUs but the host has 3 queues/],
    [["--queues", "300"], /host\.queues/],
  ])("bad input %j: one rxsim: line, exit 2", async (args, message) => {
    const r = await runInProcess(["compare", "--packets", "1000", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^rxsim: /);
  });
});
