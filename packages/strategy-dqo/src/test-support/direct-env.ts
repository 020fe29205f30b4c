import {
  type AllocFailureOptions,
  CompletionKind,
  CompletionResult,
  createManualClock,
  createMemoryLogSink,
  createPageTable,
  createPoolWork,
  createRng,
  DmaTable,
  type FragmentRedirect,
  type MemoryLogSink,
  type PageTable,
  type RxQueueConfig,
  type RxStrategyEnv,
  resolveRxQueueConfig,
} from "@rxsim/core";
import type { BufStates } from "../buf-states.js";
import { createDqoStrategy, type DqoStrategy } from "../dqo-strategy.js";
import type { DqoOptions } from "../options.js";

/** One `env.post` call. */
export interface Post {
  id: number;
  page: number;
  off: number;
  len: number;
}

/** A dqo strategy driven by hand: no rings, no device, the test plays driver and stack. */
export interface Direct {
  readonly dqo: DqoStrategy;
  readonly s: BufStates;
  readonly pages: PageTable;
  readonly log: MemoryLogSink;
  /** Where the strategy writes a redirected fragment's page and offset. */
  readonly redirect: FragmentRedirect;
  /** Every post so far. */
  readonly posts: Post[];
  /** `refill(max)`; returns the posts it made. */
  refill(max: number): Post[];
  /**
   * Complete `id` as a fragment of `bytes` (default 1500) handed to the stack;
   * returns the page the stack now references (the copy's page when redirected).
   */
  frag(id: number, bytes?: number): number;
  /** Complete `id` with another kind. */
  complete(id: number, kind: CompletionKind): CompletionResult;
  /** The stack drops one fragment reference on `page` (`put_page`). */
  release(page: number): void;
  /** Stack references on state `id`'s page (`page_count - bias`), without counting a read. */
  refs(id: number): number;
  /** Log lines (`D` and `P`) written since the last call. */
  takeLog(): string[];
}

/**
 * Small default rings so states are easy to reason about: 16 slots, 64 states.
 * @param withLog - give the strategy the log sink (default); false runs it with `env.log` null.
 * @param maxPages - the page table's cap (default none).
 */
export function direct(
  options: DqoOptions = {},
  config: Partial<RxQueueConfig> = {},
  failure?: AllocFailureOptions,
  withLog = true,
  maxPages?: number,
): Direct {
  const cfg = resolveRxQueueConfig({ bufqSlots: 16, complqSlots: 16, doorbellThreshold: 8, ...config });
  const pages = createPageTable({ pageSize: cfg.pageSize, failure, maxPages });
  const log = createMemoryLogSink();
  pages.setLog(log);
  const posts: Post[] = [];
  const redirect: FragmentRedirect = { page: -1, offset: 0 };
  const env: RxStrategyEnv = {
    config: cfg,
    pages,
    post: (id, page, off, len) => void posts.push({ id, page, off, len }),
    redirect,
    dma: new DmaTable(),
    work: createPoolWork(),
    rng: createRng(1, "strategy"),
    clock: createManualClock(),
    log: withLog ? log : null,
  };
  const dqo = createDqoStrategy(options).create(env) as DqoStrategy;
  let seen = 0;
  return {
    dqo,
    s: dqo.states,
    pages,
    log,
    redirect,
    posts,
    refill(max) {
      const before = posts.length;
      const n = dqo.refill(max);
      if (n !== posts.length - before) throw new Error(`refill returned ${n} but posted ${posts.length - before}`);
      return posts.slice(before);
    },
    frag(id, bytes = 1500) {
      const page = dqo.states.page[id];
      const result = dqo.complete(id, CompletionKind.Fragment, bytes);
      return result === CompletionResult.Redirected ? redirect.page : page;
    },
    complete: (id, kind) => dqo.complete(id, kind, 100),
    release: (page) => pages.put(page),
    refs: (id) => pages.peek(dqo.states.page[id]) - dqo.states.pagecntBias[id],
    takeLog() {
      const out = log.lines.slice(seen);
      seen = log.lines.length;
      return out;
    },
  };
}
