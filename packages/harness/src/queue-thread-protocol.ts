// What the caller and its queue threads say to each other (queue-threads.ts, queue-group-worker.ts).
import type { MessagePort } from "node:worker_threads";
import type { GroupFinish } from "./host-groups.js";
import type { ScenarioConfig } from "./scenario-config.js";
import type { StopKey } from "./stop-key.js";

/** What the thread is started with. */
export interface QueueThreadData {
  /** Its end of the channel to the caller. */
  readonly port: MessagePort;
}

/** One run of one group: the "run" message. */
export interface GroupRunRequest {
  readonly type: "run";
  readonly config: ScenarioConfig;
  /** URL of the module whose `loadFactory(ref)` gives the strategy. */
  readonly loader: string;
  readonly ref: unknown;
  readonly queues: readonly number[];
  readonly group: number;
  /** Int32: [0] messages sent by every group of this run; [1 + group] commands sent to this group. */
  readonly signal: SharedArrayBuffer;
  /**
   * Float64: the command, [0] and [1] the host's stop so far (time, queue),
   * [2] 1 to finish there rather than advance to it, 2 to abandon the run;
   * [3 + group] arrivals this group has read (progress).
   */
  readonly shared: SharedArrayBuffer;
}

/** Messages a group sends during a run, in this order. */
export type GroupMessage =
  | { readonly type: "started"; readonly residentPages: number }
  | { readonly type: "records"; readonly chunk: Float64Array; readonly count: number }
  | { readonly type: "loop"; readonly stop: StopKey; readonly arrivals: number; readonly measuring: boolean }
  | { readonly type: "advanced"; readonly stop: StopKey }
  | { readonly type: "finished"; readonly end: GroupFinish }
  // The run cannot be spread after all, or failed: the caller runs it in one thread, which reports it exactly.
  | { readonly type: "fallback"; readonly reason: string };

/** Command values in `shared[2]`. */
export const ADVANCE = 0;
export const FINISH = 1;
export const ABANDON = 2;
