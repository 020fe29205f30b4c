import { availableParallelism } from "node:os";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { RxStrategyFactory } from "@rxsim/core";
import { DISK_TRAFFIC_FILES } from "./disk-traffic-files.js";
import {
  canSpread,
  combineGroups,
  type GroupFinish,
  type GroupLoopEnd,
  latestStop,
  queueGroups,
} from "./host-groups.js";
import { type StopKey, stopsLater } from "./host-simulation.js";
import type { GroupMessage, QueueGroupWorkerData } from "./queue-group-worker.js";
import { ResidentMerge } from "./resident-records.js";
import type { PreparedInputs } from "./run-inputs.js";
import type { ProgressSpan, QueueThreads, RunOptions, SimulationOutcome } from "./run-options.js";
import type { ScenarioConfig } from "./scenario-config.js";

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
  /** Runs of fewer packets stay in one thread, where starting threads would cost more than they save (default 200,000). */
  readonly minPackets?: number;
}

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
  const minPackets = options.minPackets ?? 200_000;
  const loader = String(options.loader);
  return {
    run(config, factory, inputs, runOptions, progress) {
      if (!canSpread(config, runOptions) || config.packets < minPackets) return null;
      // A capture is read again by each thread; from disk only.
      if (config.traffic.kind === "capture" && inputs.files !== DISK_TRAFFIC_FILES) return null;
      const ref = options.refOf(factory);
      if (ref === undefined) return null;
      const groups = queueGroups(config, threads);
      if (groups === null) return null;
      return runGroups(config, factory, inputs, runOptions, progress, groups, loader, ref);
    },
  };
}

function runGroups(
  config: ScenarioConfig,
  factory: RxStrategyFactory,
  _inputs: PreparedInputs,
  runOptions: RunOptions,
  progress: ProgressSpan,
  groups: number[][],
  loader: string,
  ref: unknown,
): SimulationOutcome | null {
  const n = groups.length;
  const signal = new Int32Array(new SharedArrayBuffer(4 * (1 + n)));
  const shared = new Float64Array(new SharedArrayBuffer(8 * (3 + n)));
  const ports: MessagePort[] = [];
  const workers = groups.map((queues, group) => {
    const channel = new MessageChannel();
    ports.push(channel.port1);
    const workerData: QueueGroupWorkerData = {
      config,
      loader,
      ref,
      queues,
      group,
      port: channel.port2,
      signal: signal.buffer as SharedArrayBuffer,
      shared: shared.buffer as SharedArrayBuffer,
    };
    const worker = new Worker(new URL("./queue-group-worker.js", import.meta.url), {
      workerData,
      transferList: [channel.port2],
    });
    // Never keep the process alive for a thread (a watchdog may stop the caller mid-run).
    worker.unref();
    return worker;
  });
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
    const command = (stop: StopKey, finish: boolean) => {
      shared[0] = stop.t;
      shared[1] = stop.queue;
      shared[2] = finish ? 1 : 0;
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
              return null;
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
          command(until, false);
        } else if (until !== null && answers.every((a) => a !== null)) {
          const next = latestStop(answers as StopKey[]);
          if (stopsLater(next, until)) {
            until = next;
            command(until, false);
          } else {
            // No group ran past the stop: the host ends there.
            for (let g = 0; g < n; g++) merge.close(g);
            finishing = true;
            command(until, true);
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
    return outcome;
  } finally {
    for (const p of ports) p.close();
    for (const w of workers) void w.terminate();
  }
}
