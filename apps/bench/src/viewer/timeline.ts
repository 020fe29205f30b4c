import { type Checkpoint, restoreCheckpoint, takeCheckpoint } from "./checkpoint.js";
import { StepFlag } from "./log-index.js";
import { COUNTER_NAMES, type ViewerReplay } from "./viewer-replay.js";

/** Options of {@link buildTimeline}. */
export interface TimelineOptions {
  /** Steps between checkpoints (default: steps / 200, at least 256). */
  checkpointEvery?: number;
  /** Counter samples to keep over the whole run (default 2000). */
  samples?: number;
  /** Steps to apply between two yields of the builder (default 20,000). */
  chunk?: number;
}

/**
 * One pass over the whole log: counters sampled over time, checkpoints to
 * seek from, and the steps where the checker saw a violation.
 */
export interface Timeline {
  readonly checkpointEvery: number;
  /** `checkpoints[k]`: the replay after `k * checkpointEvery` steps. */
  readonly checkpoints: readonly Checkpoint[];
  /** Steps between two samples. */
  readonly sampleEvery: number;
  /** Step of each sample. */
  readonly sampleStep: Int32Array;
  /** Simulated time of each sample (ns). */
  readonly sampleTime: Float64Array;
  /** One series per counter of COUNTER_NAMES. */
  readonly series: readonly Float64Array[];
}

/**
 * Build the timeline by replaying `replay` from its start to its end,
 * yielding the steps done after every chunk so a page can stay responsive
 * (drive it with `for … of` in Node, or a chunk per task in a browser).
 * Leaves `replay` at step 0. Marks violation steps in the log index's flags.
 */
export function* buildTimeline(replay: ViewerReplay, options: TimelineOptions = {}): Generator<number, Timeline> {
  const steps = replay.steps;
  const checkpointEvery = options.checkpointEvery ?? Math.max(256, Math.ceil(steps / 200));
  const sampleEvery = Math.max(1, Math.ceil(steps / (options.samples ?? 2000)));
  const chunk = options.chunk ?? 20_000;
  const skip = replay.checkpointSkip();
  const n = Math.floor(steps / sampleEvery) + 1;
  const sampleStep = new Int32Array(n);
  const sampleTime = new Float64Array(n);
  const series = COUNTER_NAMES.map(() => new Float64Array(n));
  const checkpoints: Checkpoint[] = [];
  const flags = replay.index.flags;
  let k = 0;
  const sample = () => {
    sampleStep[k] = replay.step;
    sampleTime[k] = replay.replayer.clock.now();
    const c = replay.counters();
    for (let j = 0; j < c.length; j++) series[j][k] = c[j];
    k++;
  };
  for (;;) {
    if (replay.step % checkpointEvery === 0) checkpoints.push(takeCheckpoint(replay, skip));
    if (replay.step % sampleEvery === 0) sample();
    const before = replay.checker.violations;
    if (!replay.advance()) break;
    if (replay.checker.violations !== before) flags[replay.step - 1] |= StepFlag.Violation;
    if (replay.step % chunk === 0) yield replay.step;
  }
  restoreCheckpoint(checkpoints[0]);
  return { checkpointEvery, checkpoints, sampleEvery, sampleStep, sampleTime, series };
}

/** Run {@link buildTimeline} to its end at once (Node, tests). */
export function buildTimelineNow(replay: ViewerReplay, options?: TimelineOptions): Timeline {
  const it = buildTimeline(replay, options);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/**
 * Bring `replay` to `step`: forward by stepping, or from the latest
 * checkpoint at or before it when that is closer (always when going back).
 */
export function seek(replay: ViewerReplay, timeline: Timeline, step: number): void {
  const target = Math.max(0, Math.min(step, replay.steps));
  const k = Math.min(timeline.checkpoints.length - 1, Math.floor(target / timeline.checkpointEvery));
  const from = k * timeline.checkpointEvery;
  if (target < replay.step || from > replay.step) restoreCheckpoint(timeline.checkpoints[k]);
  while (replay.step < target && replay.advance()) {}
}
