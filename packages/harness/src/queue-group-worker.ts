// One group of a multi-queue host's queues, in its own worker thread (queue-threads.ts starts it).
import { type MessagePort, workerData } from "node:worker_threads";
import { isQueueCannotStart, type RxStrategyFactory } from "@rxsim/core";
import { DISK_TRAFFIC_FILES } from "./disk-traffic-files.js";
import { type GroupFinish, GroupRun } from "./host-groups.js";
import type { StopKey } from "./host-simulation.js";
import { prepareInputs } from "./run-inputs.js";
import type { ScenarioConfig } from "./scenario-config.js";

/** What queue-threads.ts hands the worker. */
export interface QueueGroupWorkerData {
  readonly config: ScenarioConfig;
  /** URL of the module whose `loadFactory(ref)` gives the strategy. */
  readonly loader: string;
  readonly ref: unknown;
  readonly queues: readonly number[];
  readonly group: number;
  readonly port: MessagePort;
  /** Int32: [0] messages sent by every group; [1 + group] commands sent to this group. */
  readonly signal: SharedArrayBuffer;
  /**
   * Float64: the command, [0] and [1] the host's stop so far (time, queue),
   * [2] 1 to finish there rather than advance to it; [3 + group] arrivals this
   * group has read (progress).
   */
  readonly shared: SharedArrayBuffer;
}

/** Messages a group sends, in this order. */
export type GroupMessage =
  | { readonly type: "started"; readonly residentPages: number }
  | { readonly type: "records"; readonly chunk: Float64Array; readonly count: number }
  | { readonly type: "loop"; readonly stop: StopKey; readonly arrivals: number; readonly measuring: boolean }
  | { readonly type: "advanced"; readonly stop: StopKey }
  | { readonly type: "finished"; readonly end: GroupFinish }
  // The run cannot be spread after all, or failed: the caller runs it in one thread, which reports it exactly.
  | { readonly type: "fallback"; readonly reason: string };

const data = workerData as QueueGroupWorkerData;
const signal = new Int32Array(data.signal);
const shared = new Float64Array(data.shared);

function send(message: GroupMessage, transfer: ArrayBuffer[] = []): void {
  data.port.postMessage(message, transfer);
  // The caller waits on this counter (it runs synchronously): wake it.
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

async function main(): Promise<void> {
  const loader = (await import(data.loader)) as { loadFactory(ref: unknown): Promise<RxStrategyFactory> };
  const factory = await loader.loadFactory(data.ref);
  const inputs = prepareInputs(data.config, DISK_TRAFFIC_FILES);
  let run: GroupRun;
  try {
    run = new GroupRun(
      data.config,
      factory,
      inputs,
      data.queues,
      (chunk, count) => send({ type: "records", chunk, count }, [chunk.buffer as ArrayBuffer]),
      (done) => {
        shared[3 + data.group] = done;
      },
    );
  } catch (e) {
    if (!isQueueCannotStart(e)) throw e;
    send({ type: "fallback", reason: "a queue cannot start" });
    return;
  }
  send({ type: "started", residentPages: run.begin() });
  send({ type: "loop", ...run.loop() });
  // The host stops where its last busy group does: run the events before that, then finish there.
  let commands = 0;
  for (;;) {
    Atomics.wait(signal, 1 + data.group, commands);
    commands = Atomics.load(signal, 1 + data.group);
    if (shared[2] === 1) {
      send({ type: "finished", end: run.finish(shared[0]) });
      return;
    }
    send({ type: "advanced", stop: run.advance({ t: shared[0], queue: shared[1] }) });
  }
}

try {
  await main();
} catch (e) {
  send({ type: "fallback", reason: e instanceof Error ? e.message : String(e) });
} finally {
  data.port.close();
}
