import {
  createScriptedQueue,
  describeStrategyConformance,
  idsPostedAfterTwoCompletions,
  type ScriptedQueue,
} from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import type { FifoCacheOptions } from "./fifo-cache-options.js";
import { createFifoCacheStrategy } from "./fifo-cache-strategy.js";

describeStrategyConformance("fifo-cache", () => createFifoCacheStrategy());
describeStrategyConformance("fifo-cache (small cache)", () => createFifoCacheStrategy({ cacheSize: 8 }), {
  propertyRuns: 10,
});

/** Eight-slot rings: seven buffers posted, so every page can be followed by hand. */
function small(options: FifoCacheOptions = {}): ScriptedQueue {
  return createScriptedQueue({
    factory: createFifoCacheStrategy({ cacheSize: 16, ...options }),
    config: { bufqSlots: 8, complqSlots: 8, doorbellThreshold: 2 },
  });
}

/** The page the last `n` posted buffers use, oldest first. */
function lastPosted(sq: ScriptedQueue, n: number): number[] {
  const bufq = sq.queue.bufq;
  const out: number[] = [];
  for (let k = n; k >= 1; k--) out.push(bufq.page[(bufq.tail - k) & bufq.mask]);
  return out;
}

/** Receive one packet as a page fragment, poll, and return the page it landed in. */
function receiveOne(sq: ScriptedQueue): number {
  const bufq = sq.queue.bufq;
  const page = bufq.page[bufq.hwHead];
  sq.receive(1500);
  sq.drain();
  return page;
}

describe("fifo-cache strategy", () => {
  it("allocates when the cache is empty and counts cache_empty", () => {
    const sq = small();
    expect(sq.queue.counters.buffersPosted).toBe(7);
    expect(sq.pages.allocs).toBe(7);
    expect(sq.queue.strategy.stats().cache_empty).toBe(7);
    expect(sq.finish()).toEqual([]);
  });

  it("gives the skb its own reference and puts the driver's in the cache", () => {
    const sq = small();
    const atomics = sq.pages.atomicOps;
    const page = receiveOne(sq);
    // page_ref_inc for the skb: one atomic; the driver's reference sits in the cache.
    expect(sq.pages.atomicOps - atomics).toBe(1);
    expect(sq.pages.peek(page)).toBe(2);
    expect(sq.queue.strategy.stats().cache_count).toBe(1);
    sq.release(0, true);
    expect(sq.pages.peek(page)).toBe(1);
    expect(sq.pages.isAllocated(page)).toBe(true);
    expect(sq.finish()).toEqual([]);
  });

  it("checks only the head: a busy head blocks reuse even when later pages are free", () => {
    const sq = small();
    const stats = () => sq.queue.strategy.stats();
    const a = receiveOne(sq); // cache: [a(busy)]
    const b = receiveOne(sq); // cache: [a(busy), b(busy)]
    sq.release(1); // b's skb let go: b is free, a still busy
    expect(sq.pages.peek(b)).toBe(1);
    expect(sq.pages.peek(a)).toBe(2);
    const allocs = sq.pages.allocs;
    receiveOne(sq);
    expect(stats().cache_busy).toBe(3);
    expect(stats().cache_reuse).toBe(0);
    expect(sq.pages.allocs).toBe(allocs + 1);
    expect(lastPosted(sq, 1)).not.toEqual([b]);
    expect(sq.finish()).toEqual([]);
  });

  it("reuses free pages in FIFO order", () => {
    const sq = small();
    const a = receiveOne(sq);
    const b = receiveOne(sq);
    const c = receiveOne(sq);
    sq.releaseAll(true); // a, b and c are free, in that order in the cache
    const allocs = sq.pages.allocs;
    for (let i = 0; i < 3; i++) sq.receive(1500);
    sq.drain();
    // The three new completions queued their (busy) pages behind c; the refill took a, b, c.
    expect(lastPosted(sq, 3)).toEqual([a, b, c]);
    expect(sq.pages.allocs).toBe(allocs);
    expect(sq.queue.strategy.stats().cache_reuse).toBe(3);
    expect(sq.finish()).toEqual([]);
  });

  it("releases the driver's reference when the cache is full", () => {
    const sq = small({ cacheSize: 4 }); // holds 3 pages
    for (let i = 0; i < 5; i++) sq.receive(1500);
    sq.drain();
    expect(sq.queue.strategy.stats().cache_full).toBe(2);
    expect(sq.queue.strategy.stats().cache_count).toBe(3);
    expect(sq.pages.frees).toBe(0);
    // The two refused pages now hang on their skb's reference alone.
    sq.releaseAll(true);
    expect(sq.pages.frees).toBe(2);
    expect(sq.finish()).toEqual([]);
  });

  it("puts dropped packets' pages in the cache without an skb reference, ready for reuse", () => {
    const sq = small();
    const page = sq.queue.bufq.page[0];
    sq.receive(64); // copybreak
    sq.drain();
    expect(sq.queue.counters.rx_copybreak_pkt).toBe(1);
    expect(sq.queue.strategy.stats().cache_reuse).toBe(1);
    expect(lastPosted(sq, 1)).toEqual([page]);
    expect(sq.finish()).toEqual([]);
  });

  it("rejects a buffer id that is in range but not outstanding", () => {
    const sq = small();
    sq.queue.deviceWriteRawCompletion(7, 1500, 1, 0);
    sq.queue.poll();
    expect(sq.queue.counters.rx_invalid_buf_id).toBe(1);
    expect(sq.queue.strategy.stats().invalid_buf_id).toBe(1);
    sq.queue.counters.rx_invalid_buf_id = 0;
    expect(sq.finish()).toEqual([]);
  });

  it("counts rx_buf_alloc_fail and ends the refill when a page cannot be allocated", () => {
    const sq = createScriptedQueue({ factory: createFifoCacheStrategy(), failure: { attempts: [5] } });
    expect(sq.queue.counters.buffersPosted).toBe(4);
    expect(sq.queue.strategy.stats().rx_buf_alloc_fail).toBe(1);
    expect(sq.finish()).toEqual([]);
  });

  it("validates its options with errors that name the option", () => {
    expect(() => createFifoCacheStrategy({ cacheSize: 100 })).toThrow(
      /fifo-cache: cacheSize must be a power of two in \[2, 65536\], got 100/,
    );
    expect(() => createScriptedQueue({ factory: createFifoCacheStrategy({ bufferSize: 8192 }) })).toThrow(
      /fifo-cache: bufferSize must be an integer in \[1, 4096\], got 8192/,
    );
    expect(createFifoCacheStrategy().options).toEqual({ cacheSize: 256, bufferSize: "queue", copybreak: "queue" });
  });
});

describe("fifo-cache strategy: buffer ids", () => {
  it("hands out the id completed last first (a LIFO stack of free ids)", () => {
    expect(idsPostedAfterTwoCompletions(createFifoCacheStrategy())).toEqual([1, 0]);
  });
});
