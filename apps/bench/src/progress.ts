import cliProgress from "cli-progress";

/** A progress reporter for harness runs: `onProgress(done, total)`, then `stop()`. */
export interface Progress {
  onProgress(done: number, total: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr that appears only once a run has taken more than
 * `delayMs` (1 s), and never when stderr is not a terminal (pipes, CI, files).
 */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr, delayMs = 1000): Progress {
  if (!stream.isTTY) return { onProgress() {}, stop() {} };
  const started = performance.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    onProgress(done, total) {
      if (bar === null) {
        if (performance.now() - started < delayMs) return;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}`,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
