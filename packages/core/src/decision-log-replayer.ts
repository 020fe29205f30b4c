import { createManualClock, type ManualClock } from "./clock.js";
import { resolveRxQueueConfig } from "./config.js";
import { createPoolWork } from "./cost-meter.js";
import type { DecisionLogHeader } from "./decision-log.js";
import type { DecisionLogSink } from "./decision-log-sink.js";
import { DmaTable } from "./dma-table.js";
import { createPageTable, type PageTable } from "./page-table.js";
import { createRng } from "./rng.js";
import {
  CompletionKind,
  type FragmentRedirect,
  type RxQueueConfig,
  type RxStrategy,
  type RxStrategyEnv,
  type RxStrategyFactory,
} from "./strategy.js";

/** Options of {@link createDecisionLogReplayer}. */
export interface DecisionLogReplayerOptions {
  /** Allocation attempts the log says failed ({@link allocFailAttempts} of its lines). */
  failAttempts: readonly number[];
  /** Where the strategy's and the page table's decision lines go (null: not formatted at all). */
  log: DecisionLogSink | null;
  /** Told of every buffer the strategy posts, after the refill limit is checked. */
  onPost?: (bufId: number, page: number, offset: number, len: number) => void;
}

/**
 * A strategy being fed a decision log's inputs one line at a time: what
 * {@link replayDecisionLog} runs, exposed so a viewer can show the page table
 * and the strategy between any two inputs. Every mutable value lives in an
 * object reachable from here (no closure state), so a viewer can checkpoint it.
 */
export interface DecisionLogReplayer {
  /** The log's header. */
  readonly header: DecisionLogHeader;
  /** The queue configuration, defaults filled in. */
  readonly config: RxQueueConfig;
  /** The replay's page table. */
  readonly pages: PageTable;
  /** The strategy under replay. */
  readonly strategy: RxStrategy;
  /** Where the strategy put a redirected fragment (valid after a `Redirected` completion). */
  readonly redirect: FragmentRedirect;
  /** Simulated time of the last input (ns). */
  readonly clock: ManualClock;
  /**
   * Feed one input line (`I refill|complete|release|teardown …`).
   * @returns refill: buffers posted; complete: the `CompletionResult`; release, teardown: 0.
   * @throws Error naming `lineNumber` for a line that is not a known input.
   */
  input(line: string, lineNumber: number): number;
}

const KIND_BY_NAME: Record<string, CompletionKind> = {
  frag: CompletionKind.Fragment,
  copy: CompletionKind.Copy,
  error: CompletionKind.Error,
  nomem: CompletionKind.NoMemory,
};

/** The allocation attempts a log's `P alloc-fail <attempt>` lines name, in order. */
export function allocFailAttempts(lines: Iterable<string>): number[] {
  const out: number[] = [];
  for (const l of lines) if (l.startsWith("P alloc-fail ")) out.push(Number(l.slice(13)));
  return out;
}

class Replayer implements DecisionLogReplayer {
  readonly config: RxQueueConfig;
  readonly pages: PageTable;
  readonly strategy: RxStrategy;
  readonly redirect: FragmentRedirect = { page: -1, offset: 0 };
  readonly clock: ManualClock = createManualClock();
  /** DMA mappings the strategy makes (counted, not checked: the log replays decisions). */
  readonly dma = new DmaTable();
  /** Posts the current refill may still make. */
  postBudget = 0;

  constructor(
    readonly header: DecisionLogHeader,
    factory: RxStrategyFactory,
    options: DecisionLogReplayerOptions,
  ) {
    this.config = resolveRxQueueConfig(header.config);
    this.pages = createPageTable({ pageSize: this.config.pageSize, failure: { attempts: options.failAttempts } });
    this.pages.setLog(options.log);
    const onPost = options.onPost;
    const env: RxStrategyEnv = {
      config: this.config,
      pages: this.pages,
      post: (bufId, page, offset, len) => {
        if (this.postBudget-- <= 0) throw new Error("replay: strategy posted beyond the refill limit");
        if (onPost !== undefined) onPost(bufId, page, offset, len);
      },
      redirect: this.redirect,
      dma: this.dma,
      work: createPoolWork(),
      rng: createRng(header.seed, header.stream),
      clock: this.clock,
      log: options.log,
    };
    this.strategy = factory.create(env);
    if (this.strategy.onPageCountDrop) this.pages.setListener(this.strategy as Required<RxStrategy>);
  }

  input(l: string, lineNumber: number): number {
    if (!l.startsWith("I ")) throw new Error(`decision log line ${lineNumber}: unknown line ${JSON.stringify(l)}`);
    const at = l.lastIndexOf("@");
    if (at > 0) {
      const t = Number(l.slice(at + 1));
      if (t > this.clock.now()) this.clock.set(t);
    }
    const f = l.split(" ");
    const pages = this.pages;
    switch (f[1]) {
      case "refill": {
        pages.inNapi = f[3] === "napi";
        this.postBudget = Number(f[2]);
        const n = this.strategy.refill(Number(f[2]));
        this.postBudget = 0;
        pages.inNapi = false;
        return n;
      }
      case "complete": {
        // Completions are handled inside the NAPI poll, as in RxQueue.poll.
        pages.inNapi = true;
        const r = this.strategy.complete(Number(f[2]), KIND_BY_NAME[f[3]], Number(f[4]));
        pages.inNapi = false;
        return r;
      }
      case "release": {
        const page = Number(f[2]);
        const inNapi = f[5] === "napi";
        pages.inNapi = inNapi;
        pages.put(page);
        this.strategy.onFragmentRelease?.(page, Number(f[3]), Number(f[4]), inNapi);
        pages.inNapi = false;
        return 0;
      }
      case "teardown":
        this.strategy.teardown();
        return 0;
      case "teardown-work":
        this.strategy.runTeardownWork?.();
        return 0;
      default:
        throw new Error(`decision log line ${lineNumber}: unknown input ${JSON.stringify(f[1])}`);
    }
  }
}

/**
 * Create a fresh strategy from `factory` on a fresh page table for a log
 * with `header`, ready to be fed the log's inputs with
 * {@link DecisionLogReplayer.input}. {@link replayDecisionLog} is built on it.
 */
export function createDecisionLogReplayer(
  header: DecisionLogHeader,
  factory: RxStrategyFactory,
  options: DecisionLogReplayerOptions,
): DecisionLogReplayer {
  return new Replayer(header, factory, options);
}
