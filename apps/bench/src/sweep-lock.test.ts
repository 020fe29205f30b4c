import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLI, runBuilt, tempDir } from "../test-support/run-cli.js";
import { LOCK_STALE_MS, lockOutput } from "./sweep-lock.js";

const env = (over: Partial<Parameters<typeof lockOutput>[2]> = {}) => ({
  host: "here",
  alive: () => true,
  now: () => Date.now(),
  ...over,
});

function holderFile(target: string, holder: { pid: number; host: string }, ageMs = 0): void {
  const lock = `${target}.lock`;
  writeFileSync(lock, JSON.stringify({ ...holder, since: "2026-11-29T00:00:00.000Z", token: "someone-else" }));
  const t = new Date(Date.now() - ageMs);
  utimesSync(lock, t, t);
}

describe("the output lock", () => {
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  afterEach(() => stderr.mockClear());

  it("is taken atomically, refuses a second taker naming the holder, and is gone after release", () => {
    const out = join(tempDir(), "a.jsonl");
    const lock = lockOutput("--out", out, env());
    expect(JSON.parse(readFileSync(`${out}.lock`, "utf8")).pid).toBe(process.pid);
    expect(() => lockOutput("--out", out, env())).toThrow(
      new RegExp(`^--out \\S+a\\.jsonl is being written by another rxsim \\(pid ${process.pid} on here since `),
    );
    lock.release();
    expect(existsSync(`${out}.lock`)).toBe(false);
    lockOutput("--out", out, env()).release();
  });

  it("removes a stale lock of a process gone from this host, with a note", () => {
    const out = join(tempDir(), "b.jsonl");
    holderFile(out, { pid: 4242, host: "here" });
    const lock = lockOutput("--out", out, env({ alive: (pid) => pid !== 4242 }));
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(
      /removed the stale lock \S+b\.jsonl\.lock \(pid 4242 on here is gone\)/,
    );
    lock.release();
  });

  it("keeps the lock of a live process on this host however old it is", () => {
    const out = join(tempDir(), "c.jsonl");
    holderFile(out, { pid: 4242, host: "here" }, 10 * LOCK_STALE_MS);
    expect(() => lockOutput("--out", out, env())).toThrow(/being written by another rxsim \(pid 4242 on here/);
  });

  it("judges another host's lock by its heartbeat: fresh is kept, silent for too long is stale", () => {
    const out = join(tempDir(), "d.jsonl");
    holderFile(out, { pid: 7, host: "node-b" }, LOCK_STALE_MS / 2);
    expect(() => lockOutput("--out", out, env({ alive: () => false }))).toThrow(/pid 7 on node-b/);
    holderFile(out, { pid: 7, host: "node-b" }, 2 * LOCK_STALE_MS);
    const lock = lockOutput("--out", out, env({ alive: () => false }));
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/pid 7 on node-b has not refreshed it for 1\d\d s/);
    lock.release();
  });

  it("does not remove a lock another process took since (release only removes its own)", () => {
    const out = join(tempDir(), "e.jsonl");
    const lock = lockOutput("--out", out, env());
    holderFile(out, { pid: 9, host: "node-c" });
    lock.release();
    expect(existsSync(`${out}.lock`)).toBe(true);
  });
});

describe("the lock in the built CLI", () => {
  const AXES = ["--vary", "queue.pageSize=4096,16384", "--vary", "traffic.packetSize=1500,4000,9000"];

  it("refuses a sweep on an --out another live rxsim holds, and takes over one whose process died", () => {
    const dir = tempDir();
    const out = join(dir, "held.jsonl");
    // A live process of this host holds it: this test's own process.
    holderFile(out, { pid: process.pid, host: hostname() });
    const r = runBuilt(["sweep", ...AXES, "--packets", "5000", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      new RegExp(`^rxsim: --out \\S+held\\.jsonl is being written by another rxsim \\(pid ${process.pid} on `),
    );
    expect(existsSync(out)).toBe(false);
    // A process that has exited.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    holderFile(out, { pid: Number(dead.stdout), host: hostname() });
    const ok = runBuilt(["sweep", ...AXES, "--packets", "5000", "--out", out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`(pid ${dead.stdout} on ${hostname()} is gone)`);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it("lets only one of two sweeps started at once on one --out run; the file is the straight run's", async () => {
    const dir = tempDir();
    const args = ["sweep", ...AXES, "--packets", "200000", "--workers", "1"];
    const ref = join(dir, "ref.jsonl");
    expect(runBuilt([...args, "--out", ref]).code).toBe(0);
    const out = join(dir, "both.jsonl");
    const start = () =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args, "--out", out, "--resume"]);
        let stderr = "";
        child.stderr.on("data", (d) => {
          stderr += d;
        });
        child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
      });
    const runs = await Promise.all([start(), start()]);
    const codes = runs.map((r) => r.code).sort();
    expect(codes, runs.map((r) => r.stderr).join("\n")).toEqual([0, 2]);
    const loser = runs.find((r) => r.code === 2);
    expect(loser?.stderr).toMatch(/is being written by another rxsim/);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(ref, "utf8"));
  });
});
