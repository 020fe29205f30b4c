// Benchmark: the same sweep (2 parameters × 3 values × 2 strategies) on 1 and
// on 2 worker threads, alternating, 5 rounds; prints each time, then min /
// median / max, the speed-up of the medians and each round's paired ratio
// (the two runs of a round are seconds apart, so a change of load hits both),
// with the machine, the load average before and after (a loaded machine makes
// the figures unreliable) and the date. Each run also writes its accounting
// (RXSIM_SWEEP_PROFILE): the medians of time before the first task, idle
// worker-seconds at the tail and CPU-s by thread say where the time not spent
// computing went, which wall time on a busy machine cannot.
// Run after a build: `pnpm bench:sweep [packets] [rounds]`.
// RXSIM_CLI=path/to/cli.js measures another build (e.g. the previous commit's).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { accountLine, accountSweep } from "./sweep-accounting.mjs";

const root = resolve(import.meta.dirname, "..");
const cli = process.env.RXSIM_CLI ? resolve(process.env.RXSIM_CLI) : join(root, "apps/bench/dist/cli.js");
const packets = process.argv[2] ?? "1000000";
const rounds = Number(process.argv[3] ?? "5");
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
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const loadBefore = load();
// Linux's CPU pressure: the share of time some runnable thread waited for a core (0 % on an idle machine).
const pressure = () => {
  try {
    return `${/avg10=([\d.]+)/.exec(readFileSync("/proc/pressure/cpu", "utf8"))?.[1]} %`;
  } catch {
    return "n/a";
  }
};
const pressureBefore = pressure();
const times = { 1: [], 2: [] };
const accounts = { 1: [], 2: [] };
for (let round = 0; round < rounds; round++) {
  // Alternate which goes first, so a change of load hits both alike.
  for (const workers of round % 2 === 0 ? [1, 2] : [2, 1]) {
    const out = join(dir, `w${workers}-r${round}.jsonl`);
    const profile = join(dir, `w${workers}-r${round}.json`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args, "--workers", String(workers), "--out", out], {
      encoding: "utf8",
      env: { ...process.env, RXSIM_SWEEP_PROFILE: profile },
    });
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    times[workers].push(s);
    console.log(`round ${round + 1}, ${workers} worker(s): ${s.toFixed(2)} s`);
    // A build without the profile (RXSIM_CLI of an older commit) is timed only.
    if (existsSync(profile)) {
      const a = accountSweep(profile, workers);
      accounts[workers].push(a);
      console.log(`  ${accountLine(a)}`);
    }
  }
}
rmSync(dir, { recursive: true, force: true });
const sorted = (a) => [...a].sort((x, y) => x - y);
const median = (a) => sorted(a)[Math.floor(a.length / 2)];
const spread = (a) =>
  `min ${sorted(a)[0].toFixed(2)} / median ${median(a).toFixed(2)} / max ${sorted(a).at(-1).toFixed(2)} s`;
console.log(
  `\nsweep of 9 points × 2 strategies, ${packets} packets each — ${cpus()[0]?.model.trim()}, ${availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z; load average ${loadBefore} before, ${load()} after; CPU pressure (avg10) ${pressureBefore} before, ${pressure()} after`,
);
console.log(`1 worker:  ${spread(times[1])}`);
console.log(`2 workers: ${spread(times[2])}`);
console.log(
  `speed-up of the medians ×${(median(times[1]) / median(times[2])).toFixed(2)}; of the minimums ×${(sorted(times[1])[0] / sorted(times[2])[0]).toFixed(2)}`,
);
const paired = times[1].map((t, i) => t / times[2][i]);
console.log(
  `paired ratio per round (1 worker / 2 workers): ${paired.map((r) => `×${r.toFixed(2)}`).join(" ")}; median ×${median(paired).toFixed(2)}`,
);
for (const w of [1, 2]) {
  const a = accounts[w];
  if (a.length === 0) continue;
  const med = (f) => median(a.map(f)).toFixed(2);
  console.log(
    `${w} worker(s), medians: before 1st task ${med((x) => x.beforeFirstTaskS)} s (CLI load ${med((x) => x.cliLoadS)}, pool→task ${med((x) => x.poolToFirstTaskS)}); task-s ${med((x) => x.taskS)}; idle worker-s at the tail ${med((x) => x.tailIdleWorkerS)}; CPU-s main ${med((x) => x.mainThreadCpuS)} (during tasks ${med((x) => x.mainCpuDuringTasksS)}), workers ${med((x) => x.threadCpuS.workers)}, other threads ${med((x) => x.threadCpuS.other)}; not parallel work ${med((x) => x.serialS)} s`,
  );
}
if (accounts[1].length > 0 && accounts[2].length > 0) {
  // From CPU seconds: with one worker, V8's helper threads (compilation) run on the idle second core;
  // with two they take the workers' cores, as does any CPU the main thread spends while tasks run. On a
  // quiet machine this cross-checks the wall-clock ratio and says where it went; on a busy one the CPU
  // seconds swell too (two workers' more than one's: caches shared with the other processes).
  const m = (w, f) => median(accounts[w].map(f));
  const cpu = (x) => x.threadCpuS.workers + x.threadCpuS.other;
  const t1 = m(1, (x) => x.beforeFirstTaskS) + m(1, (x) => x.threadCpuS.workers) + m(1, (x) => x.afterLastTaskS);
  const t2 =
    m(2, (x) => x.beforeFirstTaskS) +
    (m(2, cpu) + m(2, (x) => x.mainCpuDuringTasksS) + m(2, (x) => x.tailIdleWorkerS)) / 2 +
    m(2, (x) => x.afterLastTaskS);
  console.log(
    `CPU-s two workers spend beyond one (each isolate loads and compiles the simulation itself): ${(m(2, cpu) - m(1, cpu)).toFixed(2)}; speed-up these CPU figures imply ×${(t1 / t2).toFixed(2)} (${t1.toFixed(2)} s / ${t2.toFixed(2)} s)`,
  );
}
if (Number(loadBefore.split(" ")[0]) > 0.5) {
  console.log(
    "the load average before was above 0.5: other processes ran, so the wall times above are not a measurement of rxsim",
  );
}
