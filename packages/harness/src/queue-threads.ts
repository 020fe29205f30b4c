import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { RxStrategyFactory } from "@rxsim/core";
import { DISK_TRAFFIC_FILES } from "./disk-traffic-files.js";
import { combineGroups, type GroupFinish, type GroupLoopEnd, queueGroups, spreadRefusal } from "./host-groups.js";
import { ABANDON, ADVANCE, FINISH, type GroupMessage, type GroupRunRequest } from "./queue-thread-protocol.js";
import { ResidentMerge } from "./resident-records.js";
import type { ProgressSpan, QueueThreads, RunOptions, SimulationOutcome } from "./run-options.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { latestStop, type StopKey, stopsLater } from "./stop-key.js";

/** Options of {@link createQueueThreads}. */
export interface QueueThreadsOptions {
  /**
   * URL (or path-free specifier) of an ES module exporting
   * `loadFactory(ref): RxStrategyFactory | Promise<RxStrategyFactory>`: each
   * thread loads its own strategy instance's factory with it.
   */
  readonly loader: string | URL;
  /** The structured-cloneable reference `loadFactory` turns back into `factory`; undefined: run it in one thread. */
  refOf(factory: RxStrategyFactory): unknown;
  /** Threads at most (default: the machine's available parallelism). Fewer than 2: nothing is spread. */
  readonly threads?: number;
  /** Runs of fewer packets stay in one thread, where starting threads would cost more than they save (default 2,000,000: measured break-even of a one-shot CLI run, docs/benchmarks/2026-11-30.md). */
  readonly minPackets?: number;
  /** Told how each multi-queue run went: over how many threads, or in one thread and why. */
  onRun?(report: QueueThreadsReport): void;
}

/** How one multi-queue run went. */
export interface QueueThreadsReport {
  readonly strategy: string;
  readonly queues: number;
  /** Threads it ran on (1: not spread). */
  readonly threads: number;
  /** Why it stayed in (or went back to) one thread. */
  readonly reason?: string;
}

const WORKER_URL = new URL("./queue-group-worker.js", import.meta.url);

/** How long the caller sleeps between looks at its threads' progress, ms. */
const WAKE_MS = 100;

/**
 * Spread multi-queue hosts over worker threads: each thread simulates a
 * group of queues (queues whose NAPI shares a CPU stay together) and reads
 * the whole packet stream, so its queues see exactly the arrivals they would
 * in one thread; the host's totals and peaks are merged from the groups in
 * the one-thread loop's event order (resident-records.ts). Results are the
 * same as in one thread, byte for byte. Runs with a host page cap (queues
 * then compete for pages), a decision log or a trace being written stay in
 * one thread, as does any run a thread fails: it is run again in one thread,
 * which reports the failure as it would have.
 *
 * The call stays synchronous: the caller blocks (`Atomics.wait`) while the
 * threads run and reads their messages with `receiveMessageOnPort`.
 */
export function createQueueThreads(options: QueueThreadsOptions): QueueThreads {
  const threads = options.threads ?? availableParallelism();
  const minPackets = options.minPackets ?? 2_000_000;
  const loader = String(options.loader);
  const pool = new ThreadPool();
  return {
    run(config, factory, inputs, runOptions, progress) {
      const report = (threads: number, reason?: string) =>
        options.onRun?.({ strategy: factory.name, queues: config.host.queues, threads, reason });
      const oneThread = (reason: string) => {
        report(1, reason);
        return null;
      };
      if (config.host.queues < 2) return null;
      const refused = spreadRefusal(config, runOptions);
      if (refused !== null) return oneThread(refused);
      if (config.packets < minPackets) return oneThread(`fewer than ${minPackets} packets`);
      // A capture is read again by each thread; from disk only.
      if (config.traffic.kind === "capture" && inputs.files !== DISK_TRAFFIC_FILES) {
        return oneThread("the capture is not read from disk");
      }
      // Under a module runner that serves the sources (tests), the compiled worker is not beside this file.
      if (!existsSync(fileURLToPath(WORKER_URL))) return oneThread("the compiled queue thread module is missing");
      const ref = options.refOf(factory);
      if (ref === undefined) return oneThread("the strategy cannot be loaded in a thread");
      const groups = queueGroups(config, threads);
      if (groups === null) return oneThread(threads < 2 ? "one thread asked for" : "every NAPI on one CPU");
      const outcome = runGroups(pool, config, factory, runOptions, progress, groups, loader, ref);
      if (typeof outcome === "string") return oneThread(`a thread stopped (${outcome}): run again in one thread`);
      report(groups.length);
      return outcome;
    },
  };
}

/** Starts a queue thread: a bootstrap that imports the worker module and, if that fails, answers every run with a fallback. */
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
import(workerData.entry).catch((e) => {
  const reason = "queue thread failed to load: " + (e && e.message ? e.message : String(e));
  workerData.port.on("message", (r) => {
    workerData.port.postMessage({ type: "fallback", reason });
    const s = new Int32Array(r.signal);
    Atomics.add(s, 0, 1);
    Atomics.notify(s, 0);
  });
});
`;

/** A started queue thread and the caller's end of its channel. */
interface QueueThread {
  readonly worker: Worker;
  readonly port: MessagePort;
}

/** Queue threads kept between runs (a comparison's strategies, a capacity search's probes): starting one costs ~0.1 s. */
class ThreadPool {
  private threads: QueueThread[] = [];

  /** `n` idle threads. */
  take(n: number): QueueThread[] {
    while (this.threads.length < n) this.threads.push(startThread());
    return this.threads.slice(0, n);
  }

  /** Stop every thread (after a run was abandoned, one may still be busy). */
  discard(): void {
    for (const t of this.threads) {
      t.port.close();
      void t.worker.terminate();
    }
    this.threads = [];
  }
}

function startThread(): QueueThread {
  const channel = new MessageChannel();
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { entry: WORKER_URL.href, port: channel.port2 },
    transferList: [channel.port2],
  });
  // Never keep the process alive for a thread (a watchdog may stop the caller mid-run).
  worker.unref();
  channel.port1.unref();
  return { worker, port: channel.port1 };
}

function runGroups(
  pool: ThreadPool,
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  runOptions: RunOptions,
  progress: ProgressSpan,
  groups: number[][],
  loader: string,
  ref: unknown,
): SimulationOutcome | string {
  const n = groups.length;
  const signal = new Int32Array(new SharedArrayBuffer(4 * (1 + n)));
  const shared = new Float64Array(new SharedArrayBuffer(8 * (3 + n)));
  const threads = pool.take(n);
  const ports = threads.map((t) => t.port);
  groups.forEach((queues, group) => {
    const request: GroupRunRequest = {
      type: "run",
      config,
      loader,
      ref,
      queues,
      group,
      signal: signal.buffer as SharedArrayBuffer,
      shared: shared.buffer as SharedArrayBuffer,
    };
    ports[group].postMessage(request);
  });
  let clean = false;
  try {
    const started: (number | null)[] = new Array(n).fill(null);
    const loops: (GroupLoopEnd | null)[] = new Array(n).fill(null);
    const ends: (GroupFinish | null)[] = new Array(n).fill(null);
    let merge: ResidentMerge | null = null;
    const early: { g: number; chunk: Float64Array; count: number }[] = [];
    // The host's stop so far, and each group's answer to the last advance to it.
    let until: StopKey | null = null;
    let answers: (StopKey | null)[] = [];
    let finishing = false;
    const command = (stop: StopKey, what: number) => {
      shared[0] = stop.t;
      shared[1] = stop.queue;
      shared[2] = what;
      answers = new Array(n).fill(null);
      for (let g = 0; g < n; g++) {
        Atomics.add(signal, 1 + g, 1);
        Atomics.notify(signal, 1 + g);
      }
    };
    const total = progress.total > 0 ? progress.total : config.packets;
    while (ends.some((e) => e === null)) {
      const seen = Atomics.load(signal, 0);
      let got = false;
      for (let g = 0; g < n; g++) {
        for (let m = receiveMessageOnPort(ports[g]); m !== undefined; m = receiveMessageOnPort(ports[g])) {
          got = true;
          const message = m.message as GroupMessage;
          switch (message.type) {
            case "fallback":
              // Stop the other groups where they wait; the pool is discarded below.
              command({ t: 0, queue: 0 }, ABANDON);
              return message.reason;
            case "started":
              started[g] = message.residentPages;
              if (started.every((s) => s !== null)) {
                merge = new ResidentMerge(started as number[], config.warmupPackets);
                for (const e of early) merge.push(e.g, e.chunk, e.count);
                early.length = 0;
              }
              break;
            case "records":
              if (merge === null) early.push({ g, chunk: message.chunk, count: message.count });
              else merge.push(g, message.chunk, message.count);
              break;
            case "loop":
              loops[g] = { stop: message.stop, arrivals: message.arrivals, measuring: message.measuring };
              break;
            case "advanced":
              answers[g] = message.stop;
              break;
            case "finished":
              ends[g] = message.end;
              break;
          }
        }
      }
      if (!finishing && merge !== null) {
        if (until === null && loops.every((l) => l !== null)) {
          // Every group's loop is over: each runs its events before the latest stop.
          until = latestStop((loops as GroupLoopEnd[]).map((l) => l.stop));
          command(until, ADVANCE);
        } else if (until !== null && answers.every((a) => a !== null)) {
          const next = latestStop(answers as StopKey[]);
          if (stopsLater(next, until)) {
            until = next;
            command(until, ADVANCE);
          } else {
            // No group ran past the stop: the host ends there.
            for (let g = 0; g < n; g++) merge.close(g);
            finishing = true;
            command(until, FINISH);
          }
        }
      }
      if (!got) Atomics.wait(signal, 0, seen, WAKE_MS);
      if (runOptions.onProgress && until === null) {
        let done = Number.POSITIVE_INFINITY;
        for (let g = 0; g < n; g++) done = Math.min(done, shared[3 + g]);
        if (done > 0) runOptions.onProgress(progress.base + done, total);
      }
    }
    const outcome = combineGroups(
      config,
      factory,
      groups,
      loops as GroupLoopEnd[],
      ends as GroupFinish[],
      merge as ResidentMerge,
    );
    runOptions.onProgress?.(progress.base + outcome.arrivals, total);
    clean = true;
    return outcome;
  } finally {
    // A run that did not end cleanly (a fallback, an exception here) may leave a thread busy: start afresh next time.
    if (!clean) pool.discard();
  }
}
