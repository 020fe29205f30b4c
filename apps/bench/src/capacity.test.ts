import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applySetOverrides, getScenario, runStrategy } from "@rxsim/harness";
import { createNaiveStrategy } from "@rxsim/strategy-naive";
import { describe, expect, it } from "vitest";
import { type CliRun, runBuilt, runInProcess, tempDir } from "../test-support/run-cli.js";
import { findCapacity } from "./commands/capacity.js";

function usageError(r: CliRun): string {
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^rxsim: /);
  expect(r.code).toBe(2);
  return lines[0];
}

const SMALL = ["--packets", "20000", "--cost-profile", "iommu-strict"];

describe("rxsim capacity", () => {
  it("converges: sustained at the capacity, not 2% above it; the same answer twice", () => {
    const config = applySetOverrides(getScenario("default"), [
      "packets=20000",
      "warmupPackets=2000",
      "checker=false",
      "costProfile=iommu-strict",
    ]);
    const naive = createNaiveStrategy();
    const a = findCapacity(config, naive, 0.001);
    const b = findCapacity(config, naive, 0.001);
    expect(b.pps).toBe(a.pps);
    expect(a.result?.metrics.packetsDropped).toBeLessThanOrEqual(0.001 * (a.result?.metrics.packetsArrived ?? 0));
    const above = runStrategy(applySetOverrides(config, [`traffic.rate=${a.pps * 1.02}`]), naive).metrics;
    expect(above.packetsDropped).toBeGreaterThan(0.001 * above.packetsArrived);
    // A page per packet behind a strict IOMMU: about 1 / (map + unmap + alloc + free …) per second.
    const ns = a.result?.metrics.cpuNsPerPacket ?? 0;
    expect(ns).toBeGreaterThan(700);
    expect(a.pps).toBeLessThan(1e9 / 700);
  }, 120_000);

  it("writes results[{strategy, capacityPps, capacityGbps}], recycler above naive", async () => {
    const out = join(tempDir(), "cap.json");
    const r = await runInProcess(["capacity", "default", "--strategies", "naive,dqo", ...SMALL, "--json", out]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.costProfile.name).toBe("iommu-strict");
    expect(doc.results.map((x: { strategy: string }) => x.strategy)).toEqual(["naive", "dqo"]);
    const [naive, dqo] = doc.results;
    expect(dqo.capacityPps).toBeGreaterThan(10 * naive.capacityPps);
    // 1500-byte frames plus 24 bytes on the wire.
    expect(naive.capacityGbps).toBeCloseTo((naive.capacityPps * 1524 * 8) / 1e9, 6);
    expect(r.stdout).toMatch(/^naive +\d+\.\d{3} +\d+\.\d{2} /m);
  }, 120_000);

  it("refuses bad input with one line", async () => {
    expect(usageError(await runInProcess(["capacity", "default", "--packets", "20000"]))).toBe(
      "rxsim: capacity needs a CPU cost (--cost-profile bare-metal, iommu-lazy, iommu-strict or a file): with none every poll takes no time",
    );
    expect(usageError(await runInProcess(["capacity", "default", ...SMALL, "--max-drop", "2"]))).toMatch(
      /^rxsim: --max-drop "2": expected a fraction in \[0, 1\)/,
    );
    expect(usageError(await runInProcess(["compare", "--cost-profile", "turbo", "--packets", "2000"]))).toBe(
      "rxsim: --cost-profile turbo: not a built-in profile (none, bare-metal, iommu-lazy, iommu-strict) nor a .json file",
    );
    const bad = join(tempDir(), "p.json");
    writeFileSync(bad, JSON.stringify({ base: "iommu-strict", costs: { dmaUnmapp: 5 } }));
    expect(usageError(await runInProcess(["compare", "--cost-profile", bad, "--packets", "2000"]))).toMatch(
      /^rxsim: --cost-profile .*p\.json: unknown operation "dmaUnmapp" \(operations: pageAlloc, /,
    );
    writeFileSync(bad, JSON.stringify({ costs: { dmaMap: -1 } }));
    expect(usageError(await runInProcess(["compare", "--cost-profile", bad, "--packets", "2000"]))).toMatch(
      /: dmaMap must be a finite number of ns ≥ 0, got -1$/,
    );
    expect(usageError(await runInProcess(["compare", "--set", "costProfile=fast", "--packets", "2000"]))).toMatch(
      /^rxsim: costProfile: unknown profile "fast"/,
    );
  }, 120_000);

  it("sweep varies the cost profile", () => {
    const out = join(tempDir(), "s.jsonl");
    // Sweep workers run the built CLI.
    const r = runBuilt([
      "sweep",
      "default",
      "--vary",
      "costProfile=none,iommu-strict",
      "--strategies",
      "naive",
      "--packets",
      "5000",
      "--workers",
      "1",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const points = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const ns = Object.fromEntries(
      points.map((p) => [p.params.costProfile, p.results[0].metrics.cpuNsPerPacket as number]),
    );
    expect(ns.none).toBe(0);
    expect(ns["iommu-strict"]).toBeGreaterThan(700);
  }, 120_000);

  it("a user profile file runs", async () => {
    const p = join(tempDir(), "mine.json");
    writeFileSync(p, JSON.stringify({ name: "mine", base: "iommu-lazy", costs: { dmaUnmap: 900 } }));
    const out = join(tempDir(), "r.json");
    const r = await runInProcess([
      "compare",
      "--cost-profile",
      p,
      "--packets",
      "5000",
      "--strategies",
      "naive",
      "--json",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.config.costProfile.name).toBe("mine");
    expect(doc.config.costProfile.costs.dmaUnmap).toBe(900);
    expect(doc.results[0].metrics.cpuNsPerPacketByOp.dmaUnmap).toBeCloseTo(900, 0);
  }, 120_000);
});
