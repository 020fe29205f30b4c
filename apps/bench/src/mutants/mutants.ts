/**
 * Deliberately broken strategies (test code only, never built or shipped).
 * Each reuses a real strategy and changes one decision, so what the checker
 * and the conformance suite must catch is exactly that bug.
 */
import {
  type CompletionKind,
  CompletionResult,
  type DmaApi,
  type PageTable,
  type RxStrategy,
  type RxStrategyEnv,
  type RxStrategyFactory,
  ViolationKind,
} from "@rxsim/core";
import type { ConformanceGeometry, ScriptedQueue } from "@rxsim/core/testing";
import { BufList, createDqoStrategy, DqoStrategy, INT_MAX, resolveDqoOptions } from "@rxsim/strategy-dqo";
import { createNaiveStrategy } from "@rxsim/strategy-naive";

/** A broken strategy and how its bug shows. */
export interface Mutant {
  /** Factory name, also the conformance suite's title. */
  readonly name: string;
  /** The bug, in words. */
  readonly bug: string;
  /** The broken strategy. */
  make(): RxStrategyFactory;
  /** The real strategy it was made from: the same script must pass with it. */
  base(): RxStrategyFactory;
  /** The page and buffer size that shows the bug. */
  readonly geometry: ConformanceGeometry;
  /** Traffic that provokes the bug deterministically (the queue already did its first refill). */
  provoke(sq: ScriptedQueue): void;
  /** The first violation the checker must report. */
  readonly kind: ViolationKind;
  /** Its message: it must point at the bug. */
  readonly message: RegExp;
}

const G_2K: ConformanceGeometry = { pageSize: 4096, bufferSize: 2048 };
const G_4K: ConformanceGeometry = { pageSize: 4096, bufferSize: 4096 };

/** Receive `rounds` bursts of 100 1500-byte packets, polling after each; `release`: the stack lets go at once. */
function bursts(sq: ScriptedQueue, rounds: number, release: boolean): void {
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < 100; i++) sq.receive(1500);
    sq.drain();
    if (release) sq.releaseAll(true);
  }
}

/** A dqo factory whose strategies are made by `create` (a subclass, or dqo on a changed environment). */
function dqoMutant(name: string, create: (env: RxStrategyEnv, name: string) => RxStrategy): RxStrategyFactory {
  return { ...createDqoStrategy(), name, create: (env) => create(env, name) };
}

/**
 * `gve_try_recycle_buf` without its `last_single_ref_offset` check: forgetting
 * the remembered offset after every completion makes the check never match,
 * so a buffer whose next offset may still be held goes to `recycled`.
 */
class ForgetsLastSingleRefOffset extends DqoStrategy {
  override complete(bufId: number, kind: CompletionKind, bytes: number): CompletionResult {
    const result = super.complete(bufId, kind, bytes);
    if (result !== CompletionResult.Rejected) this.states.lastSingleRefOffset[bufId] = -1;
    return result;
  }
}

/**
 * `gve_get_recycled_buf_state` taking `used` entries without looking at their
 * references: before each refill every used entry moves to `recycled`, which
 * is posted unchecked.
 */
class ReusesUsedBlindly extends DqoStrategy {
  override refill(max: number): number {
    const s = this.states;
    for (let id = s.dequeue(BufList.Used); id !== -1; id = s.dequeue(BufList.Used)) s.enqueue(BufList.Recycled, id);
    return super.refill(max);
  }
}

/**
 * `gve_free_page_dqo` that drops every reference of the page, the stack's
 * included, instead of the unspent bias and the driver's own: pages still in
 * skbs are freed at teardown.
 */
class FreesHeldPages extends DqoStrategy {
  private readonly table: PageTable;
  constructor(env: RxStrategyEnv, name: string) {
    super(env, resolveDqoOptions(), name);
    this.table = env.pages;
  }
  override teardown(): void {
    const page = this.states.page;
    for (let id = 0; id < this.states.size; id++) {
      if (page[id] === -1) continue;
      this.table.sub(page[id], this.table.peek(page[id]));
      page[id] = -1;
    }
  }
}

/** `gve_free_page_dqo` without `page_ref_sub(bias - 1)`: the unspent bias is never returned. */
class KeepsBiasAtTeardown extends DqoStrategy {
  override teardown(): void {
    this.states.pagecntBias.fill(1);
    super.teardown();
  }
}

/**
 * `gve_alloc_page_dqo` stocking a fresh page with `INT_MAX - 2` references
 * while setting `pagecnt_bias` to `INT_MAX`: the driver believes it holds one
 * reference more than it does.
 */
function stocksOneShort(pages: PageTable): PageTable {
  return new Proxy(pages, {
    get(target, key) {
      if (key === "add") return (page: number, n: number) => target.add(page, n === INT_MAX - 1 ? n - 1 : n);
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Naive, but the buffer id goes into a descriptor field one bit too narrow:
 * ids from half the ring up wrap onto ids still outstanding.
 */
function narrowBufIdField(): RxStrategyFactory {
  const naive = createNaiveStrategy();
  return {
    ...naive,
    name: "mutant-narrow-buf-id",
    create(env) {
      const mask = env.config.bufqSlots / 2 - 1;
      return naive.create({ ...env, post: (bufId, page, offset, len) => env.post(bufId & mask, page, offset, len) });
    },
  };
}

/** `env.dma` with some calls turned into no-ops. */
function dmaWithout(dma: DmaApi, skip: "map" | "unmap"): DmaApi {
  return {
    map: (page) => (skip === "map" ? undefined : dma.map(page)),
    unmap: (page) => (skip === "unmap" ? undefined : dma.unmap(page)),
    syncForCpu: (page) => dma.syncForCpu(page),
    syncForDevice: (page) => dma.syncForDevice(page),
    isMapped: (page) => dma.isMapped(page),
  };
}

/** A strategy that forwards every call to `inner` except those in `over`. */
function delegate(inner: RxStrategy, name: string, over: Partial<RxStrategy>): RxStrategy {
  return {
    contractVersion: inner.contractVersion,
    name,
    copybreak: inner.copybreak,
    refill: (max) => inner.refill(max),
    complete: (bufId, kind, bytes) => inner.complete(bufId, kind, bytes),
    teardown: () => inner.teardown(),
    stats: () => inner.stats(),
    ...over,
  };
}

/**
 * Naive with split pages that unmaps a page as soon as one of its pieces
 * completes, as a page-per-buffer driver does: the other piece is still posted.
 */
function unmapsAtFirstPiece(): RxStrategyFactory {
  const naive = createNaiveStrategy({ splitPages: true });
  const name = "mutant-unmaps-posted-page";
  return {
    ...naive,
    name,
    create(env) {
      const pageOf = new Map<number, number>();
      const early = new Set<number>();
      const inner = naive.create({
        ...env,
        post: (bufId, page, offset, len) => {
          pageOf.set(bufId, page);
          env.post(bufId, page, offset, len);
        },
        // The page's own unmap comes later; it was done early.
        dma: { ...dmaWithout(env.dma, "unmap"), unmap: (page) => void (early.delete(page) || env.dma.unmap(page)) },
      });
      return delegate(inner, name, {
        complete(bufId, kind, bytes) {
          const page = pageOf.get(bufId) ?? -1;
          const result = inner.complete(bufId, kind, bytes);
          if (result !== CompletionResult.Rejected && page >= 0 && !early.has(page) && env.dma.isMapped(page)) {
            env.dma.unmap(page);
            early.add(page);
          }
          return result;
        },
      });
    },
  };
}

/** Naive whose teardown frees nothing: posted buffers keep their pages and their mappings. */
function tearsDownNothing(): RxStrategyFactory {
  const naive = createNaiveStrategy();
  const name = "mutant-keeps-mappings";
  return { ...naive, name, create: (env) => delegate(naive.create(env), name, { teardown: () => {} }) };
}

/** The mutants the checker and the conformance suite must both flag. */
export const MUTANTS: readonly Mutant[] = [
  {
    name: "mutant-no-last-single-ref-offset",
    bug: "dqo without the last_single_ref_offset check",
    make: () =>
      dqoMutant(
        "mutant-no-last-single-ref-offset",
        (env, n) => new ForgetsLastSingleRefOffset(env, resolveDqoOptions(), n),
      ),
    base: () => createDqoStrategy(),
    geometry: G_2K,
    // Held skbs: the second half of each page goes up while the first is still held.
    provoke: (sq) => bursts(sq, 6, false),
    kind: ViolationKind.PostedWhileHeld,
    message: /^buf_id \d+ posts page \d+ bytes \[0, 2048\) while a live skb holds bytes \[0, 1500\) of it: /,
  },
  {
    name: "mutant-reuses-used-unchecked",
    bug: "dqo reusing a used page without looking at its references",
    make: () =>
      dqoMutant("mutant-reuses-used-unchecked", (env, n) => new ReusesUsedBlindly(env, resolveDqoOptions(), n)),
    base: () => createDqoStrategy(),
    // Whole-page buffers: every completed buffer goes to the used list.
    geometry: G_4K,
    provoke: (sq) => bursts(sq, 4, false),
    kind: ViolationKind.PostedWhileHeld,
    message: /^buf_id \d+ posts page \d+ bytes \[0, 4096\) while a live skb holds bytes \[0, 1500\) of it: /,
  },
  {
    name: "mutant-frees-held-page",
    bug: "dqo freeing a page at teardown while an skb holds it",
    make: () => dqoMutant("mutant-frees-held-page", (env, n) => new FreesHeldPages(env, n)),
    base: () => createDqoStrategy(),
    geometry: G_2K,
    provoke: (sq) => {
      bursts(sq, 1, false);
      sq.queue.teardown();
    },
    kind: ViolationKind.FreedWhileHeld,
    message:
      /^page \d+ freed while a live skb holds bytes \[\d+, \d+\): the strategy dropped a reference it did not own$/,
  },
  {
    name: "mutant-narrow-buf-id",
    bug: "naive posting a buffer id twice (the id field one bit too narrow)",
    make: narrowBufIdField,
    base: () => createNaiveStrategy(),
    geometry: G_2K,
    // The first refill already posts id 0 twice (ring slots 0 and 128 of 256).
    provoke: () => {},
    kind: ViolationKind.DuplicateBufId,
    message:
      /^buf_id 0 posted twice while outstanding \(first at page \d+ bytes \[0, 2048\), again at page \d+ bytes \[0, 2048\)\)$/,
  },
  {
    name: "mutant-leaks-at-teardown",
    bug: "dqo leaking pages at teardown (the unspent bias never returned)",
    make: () => dqoMutant("mutant-leaks-at-teardown", (env, n) => new KeepsBiasAtTeardown(env, resolveDqoOptions(), n)),
    base: () => createDqoStrategy(),
    geometry: G_2K,
    provoke: (sq) => {
      bursts(sq, 2, true);
      sq.finish();
    },
    kind: ViolationKind.Leak,
    message: /^leak: 255 page\(s\) still allocated after teardown with every skb released \(pages 0, 1, 2, /,
  },
  {
    name: "mutant-bias-off-by-one",
    bug: "dqo whose bias arithmetic is off by one (a page stocked with one reference less than its bias)",
    make: () =>
      dqoMutant(
        "mutant-bias-off-by-one",
        (env, n) => new DqoStrategy({ ...env, pages: stocksOneShort(env.pages) }, resolveDqoOptions(), n),
      ),
    base: () => createDqoStrategy(),
    geometry: G_2K,
    // Prompt release hides it until teardown returns the bias: one reference more than the page had,
    // so gve_free_page_dqo's page_ref_sub frees the page before its dma_unmap_page (the put then underflows).
    provoke: (sq) => {
      bursts(sq, 3, true);
      sq.finish();
    },
    kind: ViolationKind.FreedWhileMapped,
    message:
      /^page \d+ freed while still DMA-mapped: the device could write into memory the allocator hands out again$/,
  },
  {
    name: "mutant-posts-unmapped",
    bug: "dqo that never maps its pages (gve_alloc_page without dma_map_page)",
    make: () =>
      dqoMutant(
        "mutant-posts-unmapped",
        (env, n) => new DqoStrategy({ ...env, dma: dmaWithout(env.dma, "map") }, resolveDqoOptions(), n),
      ),
    base: () => createDqoStrategy(),
    geometry: G_2K,
    // The first refill posts unmapped pages.
    provoke: () => {},
    kind: ViolationKind.PostedUnmapped,
    message: /^buf_id \d+ posts page \d+, which is not DMA-mapped: the device's write would fault in the IOMMU$/,
  },
  {
    name: "mutant-unmaps-posted-page",
    bug: "naive with split pages unmapping a page when its first piece completes",
    make: unmapsAtFirstPiece,
    base: () => createNaiveStrategy({ splitPages: true }),
    geometry: G_2K,
    provoke: (sq) => {
      sq.receive(1500);
      sq.drain();
    },
    kind: ViolationKind.UnmappedWhilePosted,
    message:
      /^page \d+ unmapped while posted to the device as buf_id \d+ bytes \[2048, 4096\): the device's write would fault in the IOMMU$/,
  },
  {
    name: "mutant-frees-mapped-page",
    bug: "dqo whose gve_free_page_dqo forgets dma_unmap_page",
    make: () =>
      dqoMutant(
        "mutant-frees-mapped-page",
        (env, n) => new DqoStrategy({ ...env, dma: dmaWithout(env.dma, "unmap") }, resolveDqoOptions(), n),
      ),
    base: () => createDqoStrategy(),
    geometry: G_2K,
    provoke: (sq) => {
      bursts(sq, 2, true);
      sq.finish();
    },
    kind: ViolationKind.FreedWhileMapped,
    message:
      /^page \d+ freed while still DMA-mapped: the device could write into memory the allocator hands out again$/,
  },
  {
    name: "mutant-keeps-mappings",
    bug: "naive whose teardown frees (and unmaps) nothing",
    make: tearsDownNothing,
    base: () => createNaiveStrategy(),
    geometry: G_2K,
    provoke: (sq) => {
      sq.finish();
    },
    kind: ViolationKind.MappingLeak,
    message: /^mapping leak: 255 page\(s\) still DMA-mapped after teardown with every skb released \(pages 0, 1, 2, /,
  },
];

/** The real strategies the mutants come from, on the mutants' geometries: the same restricted suite must pass. */
export const CONTROLS: readonly Pick<Mutant, "name" | "make" | "geometry">[] = [
  { name: "control-dqo-2k", make: () => createDqoStrategy(), geometry: G_2K },
  { name: "control-dqo-4k", make: () => createDqoStrategy(), geometry: G_4K },
  { name: "control-naive-2k", make: () => createNaiveStrategy(), geometry: G_2K },
  { name: "control-naive-split-2k", make: () => createNaiveStrategy({ splitPages: true }), geometry: G_2K },
];
