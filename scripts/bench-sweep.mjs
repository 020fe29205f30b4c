// Benchmark: the same sweep (2 parameters × 3 values × 2 strategies) on 1 and
// on 2 worker threads, alternating, 3 rounds; prints each time and the medians
// with the machine and date. Run after a build: `pnpm bench:sweep`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const cli = join(root, "apps/bench/dist/cli.js");
const packets = process.argv[2] ?? "1000000";
const args = [
  "sweep",
  "--vary",
  "queue.pageSize=4096,16384,65536",
  "--vary",
  "stack.holdNs=1000,10000,100000",
  "--set",
  "stack.hold=fixed",
  "--strategies",
  "naive,dqo",
  "--packets",
  packets,
];
const dir = mkdtempSync(join(tmpdir(), "rxsim-bench-sweep-"));
const times = { 1: [], 2: [] };
for (let round = 0; round < 3; round++) {
  for (const workers of [1, 2]) {
    const out = join(dir, `w${workers}-r${round}.jsonl`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args, "--workers", String(workers), "--out", out], {
      encoding: "utf8",
    });
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    times[workers].push(s);
    console.log(`round ${round + 1}, ${workers} worker(s): ${s.toFixed(2)} s`);
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const m1 = median(times[1]);
const m2 = median(times[2]);
console.log(
  `\nsweep of 9 points × 2 strategies, ${packets} packets each — ${cpus()[0]?.model.trim()}, ${availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
console.log(
  `median 1 worker: ${m1.toFixed(2)} s; median 2 workers: ${m2.toFixed(2)} s; speed-up ×${(m1 / m2).toFixed(2)}`,
);
