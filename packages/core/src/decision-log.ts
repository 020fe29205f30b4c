import { allocFailAttempts, createDecisionLogReplayer } from "./decision-log-replayer.js";
import type { DecisionLogSink } from "./decision-log-sink.js";
import type { RxQueueConfig, RxStrategyFactory } from "./strategy.js";

/** Version of the decision-log line format. */
export const DECISION_LOG_VERSION = 1;

/** What the first line of a decision log records, so the log alone can be replayed. */
export interface DecisionLogHeader {
  /** Strategy name. */
  strategy: string;
  /** The strategy's options (for people; replay takes the factory from the caller). */
  options: unknown;
  /** The queue configuration. */
  config: RxQueueConfig;
  /** Seed and stream name of the strategy's RNG. */
  seed: number;
  stream: string;
}

/** Format the header line: `# rxsim decision-log v1 {json}`. */
export function formatDecisionLogHeader(header: DecisionLogHeader): string {
  return `# rxsim decision-log v${DECISION_LOG_VERSION} ${JSON.stringify(header)}`;
}

/**
 * Read a decision log's first line (`# rxsim decision-log v1 {json}`).
 * @throws Error naming the line when it is not a version-1 header.
 */
export function parseDecisionLogHeader(line: string): DecisionLogHeader {
  const prefix = `# rxsim decision-log v${DECISION_LOG_VERSION} `;
  if (!line.startsWith(prefix)) {
    throw new Error(
      `not an rxsim decision log v${DECISION_LOG_VERSION}: first line is ${JSON.stringify(line.slice(0, 60))}`,
    );
  }
  return JSON.parse(line.slice(prefix.length)) as DecisionLogHeader;
}

/** A sink that keeps lines in memory. */
export interface MemoryLogSink extends DecisionLogSink {
  /** The lines so far. */
  readonly lines: string[];
}

/** Create a sink that keeps every line in memory (tests, small runs). */
export function createMemoryLogSink(): MemoryLogSink {
  const lines: string[] = [];
  return { lines, line: (text) => void lines.push(text) };
}

/** Outcome of {@link replayDecisionLog}. */
export interface ReplayOutcome {
  /** True when every decision line matched. */
  ok: boolean;
  /** Decision lines compared. */
  decisions: number;
  /** Inputs replayed. */
  inputs: number;
  /** The first difference, if any. */
  mismatch?: { lineNumber: number; expected: string; actual: string };
}

/**
 * Replay a decision log into a fresh strategy made by `factory` and compare
 * its decisions, line by line, with the log's.
 *
 * Inputs (`I …` lines) are fed to the strategy exactly as the driver fed them;
 * the replay's own page table fails the allocation attempts the log says
 * failed. Decision lines (`D …` from the strategy, `P …` from the page table)
 * must come out identical and in the same order.
 */
export function replayDecisionLog(text: string, factory: RxStrategyFactory): ReplayOutcome {
  const all = text.split("\n").filter((l) => l.length > 0);
  const header = parseDecisionLogHeader(all[0] ?? "");
  const produced: string[] = [];
  const replayer = createDecisionLogReplayer(header, factory, {
    failAttempts: allocFailAttempts(all),
    log: { line: (t) => void produced.push(t) },
  });
  const expected: { line: string; n: number }[] = [];
  let inputs = 0;
  for (let i = 1; i < all.length; i++) {
    const l = all[i];
    if (l.startsWith("#")) continue;
    if (l.startsWith("D ") || l.startsWith("P ")) {
      expected.push({ line: l, n: i + 1 });
      continue;
    }
    inputs++;
    replayer.input(l, i + 1);
  }
  for (let k = 0; k < Math.max(expected.length, produced.length); k++) {
    const e = expected[k];
    const a = produced[k];
    if (e?.line !== a) {
      return {
        ok: false,
        decisions: k,
        inputs,
        mismatch: { lineNumber: e?.n ?? all.length + 1, expected: e?.line ?? "(end of log)", actual: a ?? "(nothing)" },
      };
    }
  }
  return { ok: true, decisions: expected.length, inputs };
}
