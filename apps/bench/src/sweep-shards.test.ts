import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runBuilt, tempDir } from "../test-support/run-cli.js";

// Shards, resume refusals, merge and status through the built CLI (worker threads need built JS).
const AXES = ["--vary", "queue.pageSize=4096,16384", "--vary", "traffic.packetSize=1500,4000,9000"];
const RUN = [...AXES, "--packets", "10000", "--workers", "1"];

const text = (path: string) => readFileSync(path, "utf8");
const lines = (path: string) => text(path).trim().split("\n");

function refused(r: { code: number; stderr: string }): string {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
  return r.stderr.trim();
}

describe("sweep shards, merge and status (built CLI)", () => {
  const dir = tempDir();
  const whole = join(dir, "whole.jsonl");
  const s1 = join(dir, "s1.jsonl");
  const s2 = join(dir, "s2.jsonl");
  const s3 = join(dir, "s3.jsonl");

  beforeAll(() => {
    for (const [out, shard] of [
      [whole, []],
      [s1, ["--shard", "1/3"]],
      [s2, ["--shard", "2/3"]],
      [s3, ["--shard", "3/3"]],
    ] as const) {
      const r = runBuilt(["sweep", ...RUN, ...shard, "--out", out]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it("writes the shard into every line; a whole sweep is shard 1/1", () => {
    expect(lines(s2).map((l) => [JSON.parse(l).index, JSON.parse(l).shard])).toEqual([
      [1, "2/3"],
      [4, "2/3"],
    ]);
    expect(new Set(lines(whole).map((l) => JSON.parse(l).shard))).toEqual(new Set(["1/1"]));
    // No lock is left behind by a finished sweep.
    expect(existsSync(`${whole}.lock`)).toBe(false);
  });

  it("--resume refuses a file of another shard of the same sweep and leaves it as it was", () => {
    const before = text(s1);
    const msg = refused(runBuilt(["sweep", ...RUN, "--shard", "2/3", "--out", s1, "--resume"]));
    expect(msg).toMatch(
      /^rxsim: \S+s1\.jsonl holds shard 1\/3 of this sweep; this run is shard 2\/3: give each shard its own --out/,
    );
    expect(text(s1)).toBe(before);
    // Also the whole sweep resumed on one shard's file: the old rewrite would have kept only its own points.
    expect(refused(runBuilt(["sweep", ...RUN, "--out", s1, "--resume"]))).toMatch(
      /holds shard 1\/3 of this sweep; this run is shard 1\/1/,
    );
    expect(text(s1)).toBe(before);
    expect(existsSync(`${s1}.lock`)).toBe(false);
  });

  it("--resume refuses a file of another record version, naming both versions", () => {
    const old = join(dir, "v1.jsonl");
    const rec = JSON.parse(lines(whole)[0]);
    rec.version = 1;
    delete rec.shard;
    writeFileSync(old, `${JSON.stringify(rec)}\n`);
    expect(refused(runBuilt(["sweep", ...RUN, "--out", old, "--resume"]))).toMatch(
      /v1\.jsonl holds sweep records of version 1; this rxsim reads version 2/,
    );
    expect(lines(old)).toHaveLength(1);
  });

  it("merges shards in any order to the one-machine file byte for byte; a point given twice alike is fine", () => {
    const merged = join(dir, "merged.jsonl");
    const r = runBuilt(["sweep", "merge", "--out", merged, s3, s1, s2, s1]);
    expect(r.code, r.stderr).toBe(0);
    expect(text(merged)).toBe(text(whole));
    // `report` reads it as any sweep.
    const rep = runBuilt(["report", merged, "--out", join(dir, "merged.html")]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(text(join(dir, "merged.html"))).toContain("6 points of 6");
  });

  it("merge names the missing points and writes nothing", () => {
    const out = join(dir, "partial.jsonl");
    expect(refused(runBuilt(["sweep", "merge", "--out", out, s1, s3]))).toMatch(
      /^rxsim: 2 of 6 points are missing: 1, 4 /,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("merge refuses a point given twice with different results, naming both files", () => {
    const forged = join(dir, "forged.jsonl");
    const recs = lines(s1).map((l) => JSON.parse(l));
    recs[1].results[0].metrics.pageAllocs += 1;
    writeFileSync(forged, recs.map((x) => `${JSON.stringify(x)}\n`).join(""));
    expect(refused(runBuilt(["sweep", "merge", "--out", join(dir, "x.jsonl"), s1, s2, s3, forged]))).toMatch(
      /^rxsim: point 3 is in \S+s1\.jsonl and in \S+forged\.jsonl with different results/,
    );
  });

  it("merge refuses a shard of another sweep", () => {
    const other = join(dir, "other.jsonl");
    expect(runBuilt(["sweep", "--vary", "queue.pageSize=4096,16384", "--packets", "10000", "--out", other]).code).toBe(
      0,
    );
    expect(refused(runBuilt(["sweep", "merge", "--out", join(dir, "y.jsonl"), s1, other]))).toMatch(
      /other\.jsonl is from another sweep than \S+s1\.jsonl/,
    );
    expect(existsSync(join(dir, "y.jsonl"))).toBe(false);
  });

  it("merge refuses a shard of another record version", () => {
    const old = join(dir, "v1-merge.jsonl");
    writeFileSync(old, text(s2).replaceAll('"version":2', '"version":1'));
    expect(refused(runBuilt(["sweep", "merge", "--out", join(dir, "y.jsonl"), s1, old, s3]))).toMatch(
      /v1-merge\.jsonl holds sweep records of version 1; this rxsim reads version 2/,
    );
    expect(existsSync(join(dir, "y.jsonl"))).toBe(false);
  });

  it("merge refuses a torn shard: that shard did not finish", () => {
    const torn = join(dir, "torn.jsonl");
    writeFileSync(torn, `${lines(s2)[0]}\n${lines(s2)[1].slice(0, 50)}`);
    expect(refused(runBuilt(["sweep", "merge", "--out", join(dir, "y.jsonl"), s1, torn, s3]))).toMatch(
      /torn\.jsonl: the last line is cut off: that shard did not finish/,
    );
    expect(existsSync(join(dir, "y.jsonl"))).toBe(false);
  });

  it("merge refuses to write over one of its inputs", () => {
    const before = text(s1);
    expect(refused(runBuilt(["sweep", "merge", "--out", s1, s1, s2, s3]))).toMatch(
      /--out \S+s1\.jsonl is also an input/,
    );
    expect(text(s1)).toBe(before);
  });

  it("status shows points done and missing per shard and per sweep", () => {
    const partial = join(dir, "status-s2.jsonl");
    writeFileSync(partial, `${lines(s2)[0]}\n`);
    const r = runBuilt(["sweep", "status", s1, partial, join(dir, "not-yet.jsonl")]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.trim().split("\n");
    expect(out[0]).toMatch(/s1\.jsonl: sweep [0-9a-f]{16} shard 1\/3: 2\/2 points; complete$/);
    expect(out[1]).toMatch(/status-s2\.jsonl: sweep [0-9a-f]{16} shard 2\/3: 1\/2 points; missing 4$/);
    expect(out[2]).toMatch(/not-yet\.jsonl: not started \(no such file\)/);
    expect(out[3]).toMatch(/^sweep [0-9a-f]{16}: 3\/6 points in 2 file\(s\); missing 2, 4-5$/);
    // A file being written says by whom (its lock).
    writeFileSync(`${partial}.lock`, JSON.stringify({ pid: 4321, host: "node-7", since: "x", token: "t" }));
    expect(runBuilt(["sweep", "status", partial]).stdout).toMatch(
      /status-s2\.jsonl: .*missing 4; running: pid 4321 on node-7, lock refreshed \d+ s ago/,
    );
  });
});
