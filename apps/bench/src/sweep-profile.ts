import { readdirSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Accounting of a sweep's time, written as JSON to the file named by
 * RXSIM_SWEEP_PROFILE (unset: nothing is measured or written). On a shared
 * 2-core machine wall-clock speed-ups are noise, so `scripts/bench-sweep.mjs`
 * judges parallelism from these instead: when each phase ended, when each
 * task ran on which worker (hence idle worker-time at the start and the tail),
 * and the CPU time of every thread of the process.
 */
export const PROFILE_ENV = "RXSIM_SWEEP_PROFILE";

/** Milliseconds since the epoch, comparable between threads (each has its own timeOrigin). */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** CPU seconds (user + system) of the calling OS thread; null where /proc is missing. */
export function threadCpuS(): number | null {
  return statCpuS("/proc/thread-self/stat");
}

/** The calling OS thread's id (Linux), to find it in the per-thread CPU table; null elsewhere. */
export function osThreadId(): number | null {
  try {
    return Number(readFileSync("/proc/thread-self/stat", "utf8").split(" ", 1)[0]);
  } catch {
    return null;
  }
}

function statCpuS(path: string): number | null {
  try {
    const text = readFileSync(path, "utf8");
    // Fields after the parenthesised name (which may hold spaces): utime is the 14th, stime the 15th field.
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** How one task ran, as a worker reports it beside its result. */
export interface TaskTiming {
  threadId: number;
  /** The worker's OS thread id, and its CPU seconds when its module graph had loaded. */
  tid: number | null;
  loadCpuS: number | null;
  /** Epoch ms: the worker's module graph had loaded, the task began, ended. */
  moduleLoaded: number;
  start: number;
  end: number;
  /** CPU seconds of the worker thread when the task ended (cumulative). */
  cpuS: number | null;
}

/** Every thread of this process by name (Node's workers, V8's helpers, libuv's pool) with its CPU seconds. */
export function threadCpuTable(): { tid: number; name: string; cpuS: number }[] {
  const rows: { tid: number; name: string; cpuS: number }[] = [];
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return rows;
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const name = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
      rows.push({ tid: Number(tid), name, cpuS: statCpuS(`/proc/self/task/${tid}/stat`) ?? 0 });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return rows;
}

/** The main thread's side of the accounting: named moments, then every task's timing. */
export interface SweepProfile {
  /** False when RXSIM_SWEEP_PROFILE is unset: workers need not time their tasks. */
  enabled: boolean;
  mark(name: string): void;
  task(index: number, strategy: number, submitted: number, timing: TaskTiming): void;
  /** Note a number (bytes written, lines, …). */
  count(name: string, n: number): void;
  /** Take the per-thread CPU table now (call before the pool's threads end). */
  threads(): void;
  write(): void;
}

const NONE: SweepProfile = { enabled: false, mark() {}, task() {}, count() {}, threads() {}, write() {} };

/** A profile writing to RXSIM_SWEEP_PROFILE, or one that does nothing when it is unset. */
export function createSweepProfile(): SweepProfile {
  const path = process.env[PROFILE_ENV];
  if (!path) return NONE;
  const marks: Record<string, number> = { processStart: performance.timeOrigin };
  // The main thread's CPU seconds at each mark: what it spends while the workers compute competes with them.
  const mainCpuS: Record<string, number | null> = { processStart: 0 };
  const tasks: unknown[] = [];
  const counts: Record<string, number> = {};
  let threads: ReturnType<typeof threadCpuTable> = [];
  return {
    enabled: true,
    mark(name) {
      marks[name] = epochMs();
      mainCpuS[name] = threadCpuS();
    },
    task(index, strategy, submitted, timing) {
      tasks.push({ index, strategy, submitted, received: epochMs(), ...timing });
    },
    count(name, n) {
      counts[name] = (counts[name] ?? 0) + n;
    },
    threads() {
      threads = threadCpuTable();
    },
    write() {
      const cpu = process.cpuUsage();
      const body = {
        marks,
        mainCpuS,
        mainTid: osThreadId(),
        tasks,
        counts,
        threads,
        processCpuS: (cpu.user + cpu.system) / 1e6,
        mainThreadCpuS: threadCpuS(),
        end: epochMs(),
      };
      writeFileSync(path, `${JSON.stringify(body, null, 1)}\n`);
    },
  };
}
