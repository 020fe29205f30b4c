import type { Clock } from "./clock.js";
import type { PoolWork } from "./cost-meter.js";
import type { DecisionLogSink } from "./decision-log-sink.js";
import type { DmaApi } from "./dma-table.js";
import type { PageTable } from "./page-table.js";
import type { Rng } from "./rng.js";

/**
 * Version of the strategy contract this package defines. A factory states the
 * version it implements; the harness refuses versions it does not know, so
 * the contract can evolve without silently misreading old strategies.
 * Version 2 added DMA mapping ({@link RxStrategyEnv.dma}): a buffer may only be
 * posted on a mapped page, and a page must be unmapped before it is freed.
 */
export const RX_STRATEGY_CONTRACT_VERSION = 2 as const;

/** What the driver did with a completed buffer. Passed to {@link RxStrategy.complete}. */
export const CompletionKind = {
  /** The buffer's bytes go up the stack as a page fragment of an skb (`skb_add_rx_frag`). */
  Fragment: 0,
  /** Copybreak: the bytes were copied into a small new skb; the buffer is free at once. */
  Copy: 1,
  /** The device flagged `rx_error`: the packet is dropped; the buffer is free at once. */
  Error: 2,
  /** The skb could not be allocated (`napi_get_frags` failed): dropped; the buffer is free at once. */
  NoMemory: 3,
} as const;
/** One of {@link CompletionKind}. */
export type CompletionKind = (typeof CompletionKind)[keyof typeof CompletionKind];

/** What {@link RxStrategy.complete} tells the driver. */
export const CompletionResult = {
  /** The buffer id is out of range or not outstanding: the driver drops the packet (`-EINVAL`). */
  Rejected: -1,
  /** Accepted. For a fragment, the skb references the posted buffer's bytes. */
  Accepted: 0,
  /**
   * Accepted, but the strategy copied the bytes elsewhere (QPL's copy on
   * demand): the skb references `env.redirect.page` at `env.redirect.offset`
   * instead, and the posted buffer is free at once. Only for fragments.
   */
  Redirected: 1,
  /**
   * Accepted, but the strategy could not take the bytes (QPL's copy on demand
   * found no page) and took the buffer back: the driver drops the packet as
   * for a failed skb allocation (`-ENOMEM`, `rx_skb_alloc_fail`). Only for fragments.
   */
  Dropped: 2,
} as const;
/** One of {@link CompletionResult}. */
export type CompletionResult = (typeof CompletionResult)[keyof typeof CompletionResult];

/** The RX queue's configuration, fixed for a run. */
export interface RxQueueConfig {
  /** Bytes per page (`PAGE_SIZE`): 4096, 16384 or 65536. */
  readonly pageSize: number;
  /** Buffer-queue ring slots (power of two). */
  readonly bufqSlots: number;
  /** Completion-queue ring slots (power of two). */
  readonly complqSlots: number;
  /** The driver's data buffer size (`data_buffer_size_dqo`), 2048 by default. Strategies may choose their own. */
  readonly bufferSize: number;
  /** The driver's `rx_copybreak` in bytes (256 by default). */
  readonly copybreak: number;
  /** NAPI budget: packets per poll (64). */
  readonly budget: number;
  /** Posted buffers between doorbell writes (`GVE_RX_BUF_THRESH_DQO`, 32). */
  readonly doorbellThreshold: number;
  /** Fragments per skb before another is chained (`MAX_SKB_FRAGS`, 17). */
  readonly maxSkbFrags: number;
  /** Header-split header buffer size in bytes (128), 0 when header split is off. */
  readonly headerBufferSize: number;
}

/** Where a {@link CompletionResult.Redirected} fragment lives. Written by the strategy, read by the driver. */
export interface FragmentRedirect {
  /** Page holding the copied bytes; the skb's reference must already be counted in its page count. */
  page: number;
  /** Offset of the copied bytes inside that page. */
  offset: number;
}

/**
 * Everything a strategy may touch. Given once to {@link RxStrategyFactory.create};
 * the strategy keeps it. Nothing here is global: time and randomness come from
 * the clock and RNG stream injected by whoever runs the simulation.
 */
export interface RxStrategyEnv {
  /** The queue's configuration. */
  readonly config: RxQueueConfig;
  /** The page allocator and reference counts. All page memory comes from here. */
  readonly pages: PageTable;
  /**
   * Post one buffer to the buffer queue (one `gve_rx_desc_dqo`). Only call from
   * {@link RxStrategy.refill}, at most `max` times per call.
   * @param bufId - the strategy's id for the buffer, echoed in its completion; non-negative.
   * @param page - page holding the buffer.
   * @param offset - byte offset of the buffer in the page.
   * @param len - bytes the device may write (at most `pageSize - offset`).
   */
  post(bufId: number, page: number, offset: number, len: number): void;
  /**
   * The device's DMA mappings (contract version 2). Map a page before posting
   * any buffer on it, keep it mapped while buffers on it are posted, unmap it
   * before the page is freed (by the strategy or, for a page handed to the
   * stack, before the stack's last put), and leave nothing mapped after
   * teardown. Sync each received buffer for the CPU and each reused one for
   * the device where the driver does. Counted and, with a cost profile, priced.
   */
  readonly dma: DmaApi;
  /**
   * Work the page table cannot see, for the cost model: a strategy that
   * allocates in bulk or runs a page_pool-like cache and ring counts it here.
   */
  readonly work: PoolWork;
  /** Filled by a strategy that returns {@link CompletionResult.Redirected}. */
  readonly redirect: FragmentRedirect;
  /** A random stream reserved for the strategy (independent of traffic streams). */
  readonly rng: Rng;
  /** Simulated time. */
  readonly clock: Clock;
  /** Decision log sink, or null when logging is off (check it before formatting a line). */
  readonly log: DecisionLogSink | null;
}

/**
 * One RX buffer recycling scheme: the part of a driver that decides which
 * page and offset each posted buffer uses and when memory is reused or freed.
 *
 * The driver model (core's `RxQueue`) owns the rings, builds skbs and talks to
 * the stack; it calls these members and nothing else. Page references held by
 * skbs are real references in the {@link PageTable}: when the stack releases
 * an skb, the driver calls `pages.put()` once per fragment. So for
 * {@link CompletionKind.Fragment} the strategy must make sure the page count
 * includes the skb's reference (by a `get`, by spending a pre-paid bias, or by
 * handing over the allocation's own reference).
 */
export interface RxStrategy {
  /** The contract version this object implements. */
  readonly contractVersion: typeof RX_STRATEGY_CONTRACT_VERSION;
  /** Short name for tables and logs (for example `"dqo"`). */
  readonly name: string;
  /** The copybreak threshold in bytes this strategy's driver uses; single-buffer packets this short are copied. */
  readonly copybreak: number;
  /**
   * Post up to `max` buffers through `env.post` (`gve_rx_post_buffers_dqo`).
   * `max` is `min(bufq free slots, complq free slots)`. Stop early when memory
   * runs out. Called once at the end of every NAPI poll and once at start.
   * @returns how many buffers were posted.
   */
  refill(max: number): number;
  /**
   * The device returned buffer `bufId` and the driver decided `kind`. The
   * strategy first validates the id (in range and outstanding) and returns
   * {@link CompletionResult.Rejected} if not, then takes the buffer back.
   * @param bufId - the id from the completion descriptor (untrusted).
   * @param kind - what the driver did with the bytes.
   * @param bytes - bytes the device wrote into the buffer.
   */
  complete(bufId: number, kind: CompletionKind, bytes: number): CompletionResult;
  /**
   * Optional. Told when a page's count drops to the value the strategy asked
   * for with `pages.watch()` (page_pool's recycling path).
   * @param inNapi - true inside the NAPI poll (direct recycling allowed).
   */
  onPageCountDrop?(page: number, count: number, inNapi: boolean): void;
  /**
   * Optional. Told after the stack released each fragment of an skb (its
   * reference is already dropped). Only an oracle can know this for free.
   */
  onFragmentRelease?(page: number, offset: number, len: number, inNapi: boolean): void;
  /**
   * The device has stopped and handed back every posted buffer: free every
   * page the strategy still holds (`gve_rx_free_ring_dqo`). Pages still
   * referenced by skbs are freed when the stack releases them.
   */
  teardown(): void;
  /**
   * Optional. When deferred work the strategy scheduled at {@link teardown}
   * is due: the simulated time in nanoseconds, or `Infinity` when none is
   * pending (page_pool's release retry, `page_pool_release_retry`, which frees
   * pages returned after `page_pool_destroy` about once a second). Asked only
   * after teardown; during the run a strategy acts only inside the calls above.
   */
  teardownWorkAt?(): number;
  /**
   * Optional. Run the deferred work due now ({@link teardownWorkAt} has come;
   * the clock reads that time). It may schedule more. The driver keeps
   * calling it, in time order with the stack's releases, until nothing is
   * pending or no skb is left (then one last call: nothing more can come
   * back, and whatever is still allocated after it is a leak).
   */
  runTeardownWork?(): void;
  /** The strategy's own counters, with the driver's names where it has them. */
  stats(): Readonly<Record<string, number>>;
}

/**
 * Creates a strategy for one RX queue. This is what strategy packages export
 * (`createDqoStrategy(options)` returns one) and what the harness and CLI take.
 */
export interface RxStrategyFactory<Options = unknown> {
  /** The contract version the strategies it creates implement. */
  readonly contractVersion: typeof RX_STRATEGY_CONTRACT_VERSION;
  /** Short name, unique among the strategies compared in one run. */
  readonly name: string;
  /** The options it was made with, after defaults (for reports). */
  readonly options: Readonly<Options>;
  /** Create a fresh strategy bound to `env`. Called once per simulated queue. */
  create(env: RxStrategyEnv): RxStrategy;
}

/** True when `value` looks like an {@link RxStrategyFactory} of a version this core understands. */
export function isRxStrategyFactory(value: unknown): value is RxStrategyFactory {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.contractVersion === RX_STRATEGY_CONTRACT_VERSION &&
    typeof v.name === "string" &&
    v.name.length > 0 &&
    typeof v.create === "function"
  );
}

/**
 * Explain why `value` is not a usable factory, or return null when it is.
 * Used by loaders of third-party strategies to give a one-line error.
 */
export function describeFactoryProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return `expected a strategy factory object, got ${typeof value}`;
  const v = value as Record<string, unknown>;
  if (v.contractVersion !== RX_STRATEGY_CONTRACT_VERSION) {
    return `contractVersion is ${JSON.stringify(v.contractVersion)}, this rxsim understands ${RX_STRATEGY_CONTRACT_VERSION}`;
  }
  if (typeof v.name !== "string" || v.name.length === 0) return "name must be a non-empty string";
  if (typeof v.create !== "function") return "create must be a function (env) => strategy";
  return null;
}
