import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";
import { CLI, runBuilt, tempDir } from "../test-support/run-cli.js";

// The Kubernetes example's container scripts, run here as the pods would run
// them (no cluster: Kubernetes itself is not tested, see the manifest's header).
const MANIFEST = resolve(import.meta.dirname, "../../../examples/slurm/k8s-indexed-job.yaml");
const SWEEP = "--vary queue.pageSize=4096,16384 --vary traffic.packetSize=1500,4000,9000 --packets 10000";

interface Container {
  env: { name: string; value: string }[];
  command: string[];
  args: string[];
  volumeMounts: { name: string; mountPath: string }[];
}
interface Doc {
  kind: string;
  metadata: { name: string };
  spec: { completionMode?: string; completions?: number; template: { spec: { containers: Container[] } } };
}

describe("examples/slurm/k8s-indexed-job.yaml", () => {
  const docs = loadAll(readFileSync(MANIFEST, "utf8")) as Doc[];
  const job = docs.find((d) => d.kind === "Job" && d.spec.completionMode === "Indexed") as Doc;
  const merge = docs.find((d) => d.kind === "Job" && d.metadata.name.endsWith("-merge")) as Doc;
  const shard = job.spec.template.spec.containers[0];
  const merger = merge.spec.template.spec.containers[0];
  const envOf = (c: Container) => Object.fromEntries(c.env.map((e) => [e.name, e.value]));

  it("is an Indexed Job with SHARDS equal to its completions, and both Jobs mount the shared volume at DATA", () => {
    expect(envOf(shard).SHARDS).toBe(String(job.spec.completions));
    expect(envOf(merger).SHARDS).toBe(String(job.spec.completions));
    for (const c of [shard, merger]) expect(c.volumeMounts[0].mountPath).toBe(envOf(c).DATA);
  });

  it("its pods' scripts, run with each JOB_COMPLETION_INDEX and then the merge, give the one-machine file", () => {
    const one = join(tempDir(), "one.jsonl");
    expect(runBuilt(["sweep", ...SWEEP.split(" "), "--workers", "1", "--out", one]).code).toBe(0);
    const data = tempDir();
    const shards = Number(envOf(shard).SHARDS);
    const run = (c: Container, extra: Record<string, string>) =>
      spawnSync(c.command[0], [...c.command.slice(1), ...c.args], {
        env: { ...process.env, ...envOf(c), DATA: data, RXSIM: `${process.execPath} ${CLI}`, SWEEP, ...extra },
        encoding: "utf8",
      });
    // Merge first would wait forever; the scripts run in order here, as the Jobs finish on a cluster.
    for (let index = 0; index < shards; index++) {
      const r = run(shard, { JOB_COMPLETION_INDEX: String(index) });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`shard ${index + 1}/${shards}:`);
    }
    const m = run(merger, {});
    expect(m.status, m.stderr).toBe(0);
    expect(readdirSync(data).sort()).toEqual([
      ...Array.from({ length: shards }, (_, i) => `shard-${i + 1}-of-${shards}.jsonl`),
      "sweep.jsonl",
    ]);
    expect(readFileSync(join(data, "sweep.jsonl"), "utf8")).toBe(readFileSync(one, "utf8"));
  });
});
