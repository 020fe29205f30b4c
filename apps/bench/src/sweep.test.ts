import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBuilt, runBuiltUntilKilled, tempDir } from "../test-support/run-cli.js";

const AXES = ["--vary", "queue.pageSize=4096,16384,65536", "--vary", "traffic.packetSize=1500,9000"];

function lines(path: string): string[] {
  return readFileSync(path, "utf8").trim().split("\n");
}

describe("rxsim sweep (built CLI, worker pool)", () => {
  const dir = tempDir();
  const straight = join(dir, "straight.jsonl");

  it("runs the cartesian product, one line per point, in point order", () => {
    const r = runBuilt(["sweep", ...AXES, "--packets", "20000", "--workers", "2", "--out", straight]);
    expect(r.code, r.stderr).toBe(0);
    const recs = lines(straight).map((l) => JSON.parse(l));
    expect(recs.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(recs[0].params).toEqual({ "queue.pageSize": "4096", "traffic.packetSize": "1500" });
    expect(recs[5].params).toEqual({ "queue.pageSize": "65536", "traffic.packetSize": "9000" });
    expect(recs[0].results.map((x: { strategy: string }) => x.strategy)).toEqual(["naive", "dqo"]);
  });

  it("gives the same file on 1 worker as on 2", () => {
    const one = join(dir, "one.jsonl");
    expect(runBuilt(["sweep", ...AXES, "--packets", "20000", "--workers", "1", "--out", one]).code).toBe(0);
    expect(readFileSync(one, "utf8")).toBe(readFileSync(straight, "utf8"));
  });

  it("splits into deterministic shards, one per file, that merge into the straight run's file byte for byte", () => {
    const a = join(dir, "s1.jsonl");
    const b = join(dir, "s2.jsonl");
    expect(
      runBuilt(["sweep", ...AXES, "--packets", "20000", "--workers", "1", "--shard", "1/2", "--out", a]).code,
    ).toBe(0);
    expect(
      runBuilt(["sweep", ...AXES, "--packets", "20000", "--workers", "2", "--shard", "2/2", "--out", b]).code,
    ).toBe(0);
    expect(lines(a).map((l) => JSON.parse(l).index)).toEqual([0, 2, 4]);
    expect(lines(a).map((l) => JSON.parse(l).shard)).toEqual(["1/2", "1/2", "1/2"]);
    const merged = join(dir, "merged.jsonl");
    const m = runBuilt(["sweep", "merge", "--out", merged, b, a]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toContain("6 points from 2 file(s)");
    expect(readFileSync(merged, "utf8")).toBe(readFileSync(straight, "utf8"));
  });

  it("redoes a torn last line on --resume and ends identical to a straight run", () => {
    const torn = join(dir, "torn.jsonl");
    const full = lines(straight);
    writeFileSync(torn, `${full[0]}\n${full[1]}\n${full[2].slice(0, 100)}`);
    const r = runBuilt(["sweep", ...AXES, "--packets", "20000", "--workers", "2", "--out", torn, "--resume"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("the last line was cut off by a crash; redoing that point");
    expect(readFileSync(torn, "utf8")).toBe(readFileSync(straight, "utf8"));
  });

  it("keeps every finished point when killed with SIGKILL, and --resume completes it to the same file", async () => {
    const slowAxes = ["--vary", "queue.pageSize=4096,16384", "--vary", "traffic.packetSize=1500,4000,9000"];
    const ref = join(dir, "ref.jsonl");
    expect(runBuilt(["sweep", ...slowAxes, "--packets", "400000", "--workers", "2", "--out", ref]).code).toBe(0);
    const killed = join(dir, "killed.jsonl");
    await runBuiltUntilKilled(
      ["sweep", ...slowAxes, "--packets", "400000", "--workers", "1", "--out", killed],
      () => existsSync(killed) && readFileSync(killed, "utf8").split("\n").length >= 3,
    );
    // Every line finished before the kill is a whole point, identical to the straight run's.
    const text = readFileSync(killed, "utf8");
    const kept = text
      .slice(0, text.lastIndexOf("\n") + 1)
      .split("\n")
      .filter((l) => l.length > 0);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThan(6);
    const reference = new Set(lines(ref));
    for (const line of kept)
      expect(reference.has(line), `not a point of the straight run: ${line.slice(0, 80)}`).toBe(true);
    copyFileSync(killed, join(dir, "killed-copy.jsonl"));
    const r = runBuilt(["sweep", ...slowAxes, "--packets", "400000", "--workers", "2", "--out", killed, "--resume"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\d+ already done/);
    expect(readFileSync(killed, "utf8")).toBe(readFileSync(ref, "utf8"));
  });

  it("refuses to overwrite results without --resume, and to resume another sweep", () => {
    const r = runBuilt(["sweep", ...AXES, "--packets", "20000", "--out", straight]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^rxsim: .*straight\.jsonl already holds results; add --resume/);
    const other = runBuilt([
      "sweep",
      "--vary",
      "queue.pageSize=4096",
      "--packets",
      "20000",
      "--out",
      straight,
      "--resume",
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toMatch(/holds points of another sweep/);
  });

  it("validates every point's config before running, naming the key", () => {
    const r = runBuilt(["sweep", "--vary", "queue.bufqSlots=512,1000", "--out", join(dir, "bad.jsonl")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/bufqSlots/);
    expect(existsSync(join(dir, "bad.jsonl"))).toBe(false);
  });

  it("needs --vary and --out", () => {
    expect(runBuilt(["sweep", "--out", join(dir, "x.jsonl")]).stderr).toMatch(
      /^rxsim: sweep needs at least one --vary/,
    );
    expect(runBuilt(["sweep", ...AXES]).stderr).toMatch(/^rxsim: required option '--out <file.jsonl>' not specified/);
  });
});
