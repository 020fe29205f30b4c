// Turns one RXSIM_SWEEP_PROFILE file (apps/bench/src/sweep-profile.ts) into
// the accounting bench-sweep prints: where the wall time went and how much of
// it was not parallel work. Figures that do not depend on the machine's load
// the way wall time does (CPU seconds, idle worker-seconds at the tail) are
// what show whether a change removed serial time.
import { readFileSync } from "node:fs";

const s = (ms) => ms / 1000;

/** Summarise one profile; `workers` is the --workers of the run. */
export function accountSweep(path, workers) {
  const p = JSON.parse(readFileSync(path, "utf8"));
  const m = p.marks;
  const tasks = p.tasks;
  const byWorker = new Map();
  for (const t of tasks) {
    const w = byWorker.get(t.threadId) ?? { tasks: [], moduleLoaded: t.moduleLoaded, loadCpuS: t.loadCpuS, tid: t.tid };
    w.tasks.push(t);
    byWorker.set(t.threadId, w);
  }
  const firstStart = Math.min(...tasks.map((t) => t.start));
  const lastEnd = Math.max(...tasks.map((t) => t.end));
  const taskS = tasks.reduce((a, t) => a + s(t.end - t.start), 0);
  let tailIdleS = 0;
  let startIdleS = 0;
  let gapS = 0;
  const perWorker = [];
  for (const [id, w] of byWorker) {
    w.tasks.sort((a, b) => a.start - b.start);
    const first = w.tasks[0].start;
    const last = w.tasks.at(-1).end;
    tailIdleS += s(lastEnd - last);
    startIdleS += s(first - firstStart);
    for (let i = 1; i < w.tasks.length; i++) gapS += s(w.tasks[i].start - w.tasks[i - 1].end);
    perWorker.push({
      id,
      tasks: w.tasks.length,
      busyS: w.tasks.reduce((a, t) => a + s(t.end - t.start), 0),
      // From the pool's creation to the worker's modules loaded, and the CPU that took.
      startupS: s(w.moduleLoaded - m.poolCreate),
      startupCpuS: w.loadCpuS,
      firstTaskAfterProcessStartS: s(first - m.processStart),
    });
  }
  // Workers that got no task at all idled for the whole run.
  for (let i = byWorker.size; i < workers; i++) tailIdleS += s(lastEnd - firstStart);
  const wallS = s(m.done - m.processStart);
  // CPU by thread: main, the workers, and the rest (V8's GC and compiler helpers, libuv's pool).
  const workerTids = new Set([...byWorker.values()].map((w) => w.tid));
  const threadGroups = { main: 0, workers: 0, other: 0 };
  for (const t of p.threads) {
    const group = t.tid === p.mainTid ? "main" : workerTids.has(t.tid) ? "workers" : "other";
    threadGroups[group] += t.cpuS;
  }
  return {
    wallS,
    // Before any worker computes: Node and the CLI load, the plan, the pool and workers start.
    cliLoadS: s(m.command - m.processStart),
    planS: s(m.poolCreate - m.command),
    poolToFirstTaskS: s(firstStart - m.poolCreate),
    beforeFirstTaskS: s(firstStart - m.processStart),
    parallelS: s(lastEnd - firstStart),
    afterLastTaskS: s(m.done - lastEnd),
    taskS,
    tasks: tasks.length,
    longestTaskS: Math.max(...tasks.map((t) => s(t.end - t.start))),
    startIdleWorkerS: startIdleS,
    gapWorkerS: gapS,
    tailIdleWorkerS: tailIdleS,
    // Wall time that was not a worker computing a task, if the work had been spread perfectly.
    serialS: wallS - taskS / workers,
    processCpuS: p.processCpuS,
    mainThreadCpuS: p.mainThreadCpuS,
    // Main-thread CPU while the workers computed: it competes with them for the two cores.
    mainCpuDuringTasksS: (p.mainCpuS.allWritten ?? 0) - (p.mainCpuS.poolCreate ?? 0),
    lineBytes: p.counts.lineBytes ?? 0,
    threadCpuS: threadGroups,
    perWorker,
  };
}

/** One line of the figures that matter for the speed-up. */
export function accountLine(a) {
  const f = (x) => x.toFixed(2);
  return `wall ${f(a.wallS)} s = before 1st task ${f(a.beforeFirstTaskS)} (CLI load ${f(a.cliLoadS)}, plan ${f(a.planS)}, pool→task ${f(a.poolToFirstTaskS)}) + tasks ${f(a.parallelS)} + after ${f(a.afterLastTaskS)}; task-s ${f(a.taskS)} (longest ${f(a.longestTaskS)}); idle worker-s: start ${f(a.startIdleWorkerS)}, gaps ${f(a.gapWorkerS)}, tail ${f(a.tailIdleWorkerS)}; CPU-s process ${f(a.processCpuS)}, main thread ${f(a.mainThreadCpuS ?? Number.NaN)} (${f(a.mainCpuDuringTasksS)} while tasks ran), workers ${f(a.threadCpuS.workers)}, other threads ${f(a.threadCpuS.other)}`;
}
