import { createManualClock } from "./clock.js";
import { resolveRxQueueConfig } from "./config.js";
import { createPoolWork } from "./cost-meter.js";
import type { DecisionLogSink } from "./decision-log-sink.js";
import { DmaTable } from "./dma-table.js";
import { createPageTable } from "./page-table.js";
import { createRng } from "./rng.js";
import {
  CompletionKind,
  type FragmentRedirect,
  type RxQueueConfig,
  type RxStrategyEnv,
  type RxStrategyFactory,
} from "./strategy.js";

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

const KIND_BY_NAME: Record<string, CompletionKind> = {
  frag: CompletionKind.Fragment,
  copy: CompletionKind.Copy,
  error: CompletionKind.Error,
  nomem: CompletionKind.NoMemory,
};

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
  const headerLine = all[0] ?? "";
  const prefix = `# rxsim decision-log v${DECISION_LOG_VERSION} `;
  if (!headerLine.startsWith(prefix)) {
    throw new Error(
      `not an rxsim decision log v${DECISION_LOG_VERSION}: first line is ${JSON.stringify(headerLine.slice(0, 60))}`,
    );
  }
  const header = JSON.parse(headerLine.slice(prefix.length)) as DecisionLogHeader;
  const config = resolveRxQueueConfig(header.config);
  const failAttempts: number[] = [];
  for (const l of all) if (l.startsWith("P alloc-fail ")) failAttempts.push(Number(l.slice(13)));
  const clock = createManualClock();
  const produced: string[] = [];
  const sink: DecisionLogSink = { line: (t) => void produced.push(t) };
  const pages = createPageTable({ pageSize: config.pageSize, failure: { attempts: failAttempts } });
  pages.setLog(sink);
  const redirect: FragmentRedirect = { page: -1, offset: 0 };
  let postBudget = 0;
  const env: RxStrategyEnv = {
    config,
    pages,
    post: () => {
      if (postBudget-- <= 0) throw new Error("replay: strategy posted beyond the refill limit");
    },
    redirect,
    dma: new DmaTable(),
    work: createPoolWork(),
    rng: createRng(header.seed, header.stream),
    clock,
    log: sink,
  };
  const strategy = factory.create(env);
  if (strategy.onPageCountDrop) pages.setListener(strategy as Required<typeof strategy>);

  const expected: { line: string; n: number }[] = [];
  let inputs = 0;
  const setTime = (l: string) => {
    const at = l.lastIndexOf("@");
    if (at > 0) {
      const t = Number(l.slice(at + 1));
      if (t > clock.now()) clock.set(t);
    }
  };
  for (let i = 1; i < all.length; i++) {
    const l = all[i];
    if (l.startsWith("#")) continue;
    if (l.startsWith("D ") || l.startsWith("P ")) {
      expected.push({ line: l, n: i + 1 });
      continue;
    }
    if (!l.startsWith("I ")) throw new Error(`decision log line ${i + 1}: unknown line ${JSON.stringify(l)}`);
    inputs++;
    setTime(l);
    const f = l.split(" ");
    switch (f[1]) {
      case "refill":
        pages.inNapi = f[3] === "napi";
        postBudget = Number(f[2]);
        strategy.refill(Number(f[2]));
        postBudget = 0;
        pages.inNapi = false;
        break;
      case "complete":
        // Completions are handled inside the NAPI poll, as in RxQueue.poll.
        pages.inNapi = true;
        strategy.complete(Number(f[2]), KIND_BY_NAME[f[3]], Number(f[4]));
        pages.inNapi = false;
        break;
      case "release": {
        const page = Number(f[2]);
        const inNapi = f[5] === "napi";
        pages.inNapi = inNapi;
        pages.put(page);
        strategy.onFragmentRelease?.(page, Number(f[3]), Number(f[4]), inNapi);
        pages.inNapi = false;
        break;
      }
      case "teardown":
        strategy.teardown();
        break;
      case "teardown-work":
        strategy.runTeardownWork?.();
        break;
      default:
        throw new Error(`decision log line ${i + 1}: unknown input ${JSON.stringify(f[1])}`);
    }
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
