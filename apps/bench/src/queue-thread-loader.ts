import type { RxStrategyFactory } from "@rxsim/core";
import { createQueueThreads, type QueueThreads } from "@rxsim/harness";
import { CliError } from "./errors.js";
import { loadStrategies } from "./load-strategies.js";

/** How a queue thread finds its strategy again: the `--strategies` list, loaded as the command loaded it. */
export interface QueueThreadRef {
  readonly strategies: string;
  readonly index: number;
  readonly cwd: string;
}

/** Called in each queue thread (the harness imports this module there). */
export async function loadFactory(ref: QueueThreadRef): Promise<RxStrategyFactory> {
  const factories = await loadStrategies(ref.strategies, ref.cwd);
  return factories[ref.index];
}

/** Parse `--threads <n>`: a whole number ≥ 1; undefined: every CPU. */
export function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < 1 || n > 1024) {
    throw new CliError(`--threads ${JSON.stringify(text)}: expected a whole number from 1 to 1024`);
  }
  return n;
}

/**
 * Multi-queue runs of these strategies spread over `threads` threads
 * (default: every CPU, for runs of at least 2,000,000 packets); results are the
 * same as in one thread. Asked for explicitly (`--threads n`), every
 * multi-queue run is spread and each says on stderr how it ran.
 */
export function queueThreadsFor(
  threads: number | undefined,
  strategies: string,
  factories: readonly RxStrategyFactory[],
): QueueThreads | undefined {
  if (threads === 1) return undefined;
  const cwd = process.cwd();
  const explicit = threads !== undefined;
  return createQueueThreads({
    loader: new URL("./queue-thread-loader.js", import.meta.url),
    threads,
    minPackets: explicit ? 0 : undefined,
    refOf: (factory) => {
      const index = factories.indexOf(factory);
      return index < 0 ? undefined : { strategies, index, cwd };
    },
    onRun: explicit
      ? (r) =>
          process.stderr.write(
            r.threads > 1
              ? `rxsim: ${r.strategy}: ${r.queues} queues over ${r.threads} threads\n`
              : `rxsim: ${r.strategy}: ${r.queues} queues in one thread: ${r.reason}\n`,
          )
      : undefined,
  });
}
