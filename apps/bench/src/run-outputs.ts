import type { ComparisonOptions, ComparisonResult } from "@rxsim/harness";
import { createFileLineSink, type FileLineSink } from "./file-line-sink.js";
import { assertWritable, checkOutputPaths, type PathFlag } from "./output-paths.js";
import { createProgress } from "./progress.js";
import { withWatchdog } from "./watchdog.js";

/** A run's outputs: files written after it (`--json`, `--csv`) and streamed during it (`--record`, `--decision-log`). */
export interface RunOutputs {
  /** Written whole after the run. */
  readonly after: readonly PathFlag[];
  /** Streamed during the run to a sibling file, renamed on success. */
  readonly streamed: readonly PathFlag[];
  /** The command's input files (an output may not be one of them). */
  readonly inputs: readonly PathFlag[];
}

/** Check every output path before the run: none empty, none twice, none an input, every one writable. */
export function checkRunOutputs(outputs: RunOutputs): void {
  checkOutputPaths([...outputs.after, ...outputs.streamed], outputs.inputs);
  for (const [flag, path] of [...outputs.after, ...outputs.streamed])
    if (path !== undefined) assertWritable(flag, path);
}

/**
 * Add to a failed run's message which outputs were not written (the previous
 * files are untouched), unless it says so already.
 */
export function sayNotWritten(error: unknown, outputs: RunOutputs): unknown {
  const given = [...outputs.streamed, ...outputs.after].filter(([, path]) => path !== undefined);
  if (
    given.length === 0 ||
    !(error instanceof Error) ||
    /^cannot write|nothing was written|not written/.test(error.message)
  ) {
    return error;
  }
  try {
    error.message += `; not written: ${given.map(([flag, path]) => `${flag} ${path}`).join(", ")}`;
  } catch {
    // A frozen error keeps its message.
  }
  return error;
}

/**
 * Run a comparison under the `--timeout` watchdog with progress on stderr,
 * streaming `--record` / `--decision-log` to sibling files renamed only when
 * the run succeeded. On any failure the temporaries are removed and the
 * error says what was not written.
 */
export function runWithOutputs(
  label: string,
  timeoutS: number,
  outputs: RunOutputs,
  run: (options: ComparisonOptions) => ComparisonResult,
  extra: Pick<ComparisonOptions, "queueThreads"> = {},
): ComparisonResult {
  const progress = createProgress(label);
  const sinks = new Map<string, FileLineSink>();
  let running = "(setup)";
  try {
    for (const [flag, path] of outputs.streamed)
      if (path !== undefined) sinks.set(flag, createFileLineSink(flag, path));
    const result = withWatchdog(
      timeoutS,
      () => running,
      () =>
        run({
          onProgress: progress.onProgress,
          onStrategyStart: (name) => {
            running = name;
          },
          recordTrace: sinks.get("--record"),
          decisionLog: sinks.get("--decision-log"),
          ...extra,
        }),
    );
    progress.stop();
    for (const sink of sinks.values()) sink.commit();
    return result;
  } catch (error) {
    progress.stop();
    for (const sink of sinks.values()) sink.abandon();
    throw sayNotWritten(error, outputs);
  }
}
