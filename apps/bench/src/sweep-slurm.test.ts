import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runBuilt, tempDir } from "../test-support/run-cli.js";
import { jobState, type SlurmCluster, slurmMissing, startSlurmCluster } from "../test-support/slurm-cluster.js";

// The job-array example run for real on a one-node Slurm (Debian's slurm-wlm
// and munge), no mock scheduler: three array tasks each run one shard, a
// dependent job merges, and the merged file must equal the one-machine run.
const SUBMIT = resolve(import.meta.dirname, "../../../examples/slurm/submit.sh");
const SWEEP = [
  "--vary",
  "queue.pageSize=4096,16384",
  "--vary",
  "traffic.packetSize=1500,4000,9000",
  "--packets",
  "10000",
];
const FINAL = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "NODE_FAIL",
  "OUT_OF_MEMORY",
  "BOOT_FAIL",
  "DEADLINE",
]);

describe("sweep on Slurm (examples/slurm, a real single-node cluster)", () => {
  let cluster: SlurmCluster | null = null;

  beforeAll(async () => {
    const missing = slurmMissing();
    // Fail, not skip: a machine without Slurm has not run this test.
    if (missing !== null) throw new Error(`the Slurm test cannot run: ${missing}`);
    cluster = await startSlurmCluster();
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it("runs one shard per array task, merges in a dependent job, and equals the one-machine run byte for byte", async () => {
    const c = cluster as SlurmCluster;
    const one = join(tempDir(), "one-machine.jsonl");
    const straight = runBuilt(["sweep", ...SWEEP, "--workers", "1", "--out", one]);
    expect(straight.code, straight.stderr).toBe(0);

    const dir = join(c.dir, "sweep");
    const submit = spawnSync(SUBMIT, ["3", dir, ...SWEEP], {
      env: { ...c.env, RXSIM: `${process.execPath} ${CLI}`, RXSIM_CPUS_PER_TASK: "1" },
      encoding: "utf8",
    });
    expect(submit.status, submit.stderr).toBe(0);
    const [arrayJob, mergeJob] = submit.stdout.trim().split(" ");
    const logs = () =>
      readdirSync(dir)
        .filter((f) => f.endsWith(".out"))
        .map((f) => `--- ${f}\n${readFileSync(join(dir, f), "utf8")}`)
        .join("\n");
    const end = Date.now() + 240_000;
    let state = jobState(mergeJob, c.env);
    while (!FINAL.has(state) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 500));
      state = jobState(mergeJob, c.env);
    }
    expect(state, logs()).toBe("COMPLETED");

    // Each array task wrote its own shard, named by SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT.
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith(".jsonl"))
        .sort(),
    ).toEqual(["shard-1-of-3.jsonl", "shard-2-of-3.jsonl", "shard-3-of-3.jsonl", "sweep.jsonl"]);
    const shard2 = readFileSync(join(dir, "shard-2-of-3.jsonl"), "utf8").trim().split("\n");
    expect(shard2.map((l) => JSON.parse(l).shard)).toEqual(["2/3", "2/3"]);
    expect(readFileSync(join(dir, `rxsim-sweep-${arrayJob}_2.out`), "utf8")).toMatch(/shard 2\/3: 2 points/);
    expect(readFileSync(join(dir, "sweep.jsonl"), "utf8")).toBe(readFileSync(one, "utf8"));
  }, 300_000);
});
