import { createScriptedQueue, describeStrategyConformance, idsPostedAfterTwoCompletions } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { PP_FRAG_BIAS } from "./page-pool.js";
import { createPagePoolStrategy } from "./page-pool-strategy.js";

describeStrategyConformance("page_pool", () => createPagePoolStrategy());
describeStrategyConformance(
  "page_pool (small pool)",
  () => createPagePoolStrategy({ poolSize: 16, cacheSize: 8, refillBatch: 4, bulkAlloc: 4 }),
  { propertyRuns: 10 },
);

describe("page_pool strategy", () => {
  it("carves fragments with one atomic per page setup and none per fragment", () => {
    const sq = createScriptedQueue({
      factory: createPagePoolStrategy(),
      config: { pageSize: 16384, bufferSize: 2048 },
    });
    const posted = sq.queue.counters.buffersPosted;
    expect(posted).toBe(255);
    const pagesUsed = Math.ceil(posted / 8);
    // One bias add per page, one drain per page the carving moved past; nothing per fragment.
    expect(sq.pages.atomicOps).toBe(pagesUsed + (pagesUsed - 1));
    // A full page carries its 8 posted pieces on top of the pool's reference; the current one the bias.
    const first = sq.queue.bufq.page[0];
    expect(sq.pages.peek(first)).toBe(1 + 8);
    const last = sq.queue.bufq.page[posted - 1];
    expect(sq.pages.peek(last)).toBe(1 + PP_FRAG_BIAS);
    expect(sq.finish()).toEqual([]);
  });

  it("hands the fragment's piece to the skb, so the stack's put returns the page", () => {
    const sq = createScriptedQueue({ factory: createPagePoolStrategy(), config: { bufferSize: 4096 } });
    const page = sq.queue.bufq.page[0];
    // Whole pages: the pool's reference plus the posted buffer's piece.
    expect(sq.pages.peek(page)).toBe(2);
    sq.receive(1500);
    sq.drain();
    expect(sq.held.length).toBe(1);
    // The piece now belongs to the skb; the page is not back in the pool.
    expect(sq.pages.peek(page)).toBe(2);
    const stats = () => sq.queue.strategy.stats();
    const cachedBefore = stats().recycle_cached;
    sq.release(0, true);
    expect(sq.pages.peek(page)).toBe(1);
    expect(stats().recycle_cached).toBe(cachedBefore + 1);
    expect(sq.finish()).toEqual([]);
  });

  it("recycles directly into the cache on NAPI releases and into the ring otherwise", () => {
    const sq = createScriptedQueue({ factory: createPagePoolStrategy(), config: { bufferSize: 4096 } });
    const stats = () => sq.queue.strategy.stats();
    for (let i = 0; i < 20; i++) sq.receive(1500);
    sq.drain();
    for (let i = 0; i < 10; i++) sq.release(0, true);
    expect(stats().recycle_cached).toBe(10);
    expect(stats().recycle_ring).toBe(0);
    for (let i = 0; i < 10; i++) sq.release(0, false);
    expect(stats().recycle_cached).toBe(10);
    expect(stats().recycle_ring).toBe(10);
    expect(stats().ring_count).toBe(10);
    expect(sq.finish()).toEqual([]);
  });

  it("gives a dropped buffer's piece back at once with direct recycling", () => {
    const sq = createScriptedQueue({ factory: createPagePoolStrategy(), config: { bufferSize: 4096 } });
    const first = [sq.queue.bufq.page[0], sq.queue.bufq.page[1]];
    const allocs = sq.pages.allocs;
    sq.receive(64); // copybreak
    sq.receive(1500, { error: true });
    sq.drain();
    expect(sq.queue.counters.rx_copybreak_pkt).toBe(1);
    expect(sq.queue.strategy.stats().recycle_cached).toBe(2);
    // The refill at the end of the poll took both pages straight back from the cache.
    expect(sq.pages.allocs).toBe(allocs);
    expect([sq.queue.bufq.page[255], sq.queue.bufq.page[0]].sort()).toEqual(first.sort());
    expect(sq.finish()).toEqual([]);
  });

  it("reports the pages still in flight at teardown and frees them when the stack lets go", () => {
    const sq = createScriptedQueue({ factory: createPagePoolStrategy() });
    for (let i = 0; i < 10; i++) sq.receive(1500);
    sq.drain();
    expect(sq.held.length).toBe(10);
    sq.queue.teardown();
    const stats = sq.queue.strategy.stats();
    // Ten 2 KiB fragments were carved from five 4 KiB pages; everything else went back to the allocator.
    expect(stats.teardown_inflight).toBe(5);
    expect(stats.inflight).toBe(5);
    expect(sq.pages.resident).toBe(5);
    sq.releaseAll();
    // Returned after page_pool_destroy: parked in the ring until the release retry, a second later.
    expect(sq.pages.resident).toBe(5);
    expect(sq.queue.strategy.stats().ring_count).toBe(5);
    expect(stats.release_retries).toBe(0);
    const at = sq.queue.teardownWorkAt();
    expect(at).toBeGreaterThan(sq.clock.now());
    sq.clock.set(at);
    sq.queue.runTeardownWork();
    expect(sq.queue.checkLeaks()).toEqual([]);
    const after = sq.queue.strategy.stats();
    expect(after.inflight).toBe(0);
    expect(after.release_cnt).toBe(after.hold_cnt);
    expect(after.release_retries).toBe(1);
    expect(sq.queue.teardownWorkAt()).toBe(Number.POSITIVE_INFINITY);
    expect(sq.checker.violations).toBe(0);
  });

  it("runs the release retry one second (DEFER_TIME) after the destroy", () => {
    const sq = createScriptedQueue({ factory: createPagePoolStrategy() });
    sq.receive(1500);
    sq.drain();
    const t = sq.clock.now();
    sq.queue.teardown();
    expect(sq.queue.teardownWorkAt()).toBe(t + 1e9);
  });

  it("releases an skb dropped half-built at teardown without direct recycling (into the ring)", () => {
    const sq = createScriptedQueue({ factory: createPagePoolStrategy(), config: { bufferSize: 4096 } });
    // A first buffer of a packet whose end never comes: the skb is still under construction.
    sq.queue.deviceWriteRawCompletion(0, 1500, 0, 0);
    sq.queue.poll();
    expect(sq.held.length).toBe(0);
    const before = sq.queue.strategy.stats();
    sq.queue.teardown();
    const after = sq.queue.strategy.stats();
    // gve_rx_stop_ring_dqo disabled direct recycling first: nothing reached the cache.
    expect(after.recycle_cached).toBe(before.recycle_cached);
    expect(after.recycle_ring).toBeGreaterThan(before.recycle_ring);
    expect(sq.finish()).toEqual([]);
  });

  it("sizes its ring as gve does: 4 × the buffer queue's slots", () => {
    // 16 buffer-queue slots: a 64-entry ring (1024 on the default 256-slot queue).
    const sq = createScriptedQueue({
      factory: createPagePoolStrategy(),
      config: { bufqSlots: 16, complqSlots: 16, doorbellThreshold: 4, bufferSize: 4096 },
    });
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 10; i++) sq.receive(1500);
      sq.drain();
    }
    expect(sq.held.length).toBe(100);
    sq.releaseAll(false);
    const s = sq.queue.strategy.stats();
    expect(s.recycle_ring).toBe(64);
    expect(s.recycle_ring_full).toBe(36);
    expect(sq.finish()).toEqual([]);
  });

  it("rejects a buffer id that is in range but not outstanding", () => {
    const sq = createScriptedQueue({
      factory: createPagePoolStrategy(),
      config: { bufqSlots: 8, complqSlots: 8, doorbellThreshold: 4 },
    });
    // Seven of the eight ids are posted (one ring slot stays empty); id 7 is free.
    sq.queue.deviceWriteRawCompletion(7, 1500, 1, 0);
    sq.queue.poll();
    expect(sq.queue.counters.rx_invalid_buf_id).toBe(1);
    expect(sq.queue.strategy.stats().invalid_buf_id).toBe(1);
    sq.queue.counters.rx_invalid_buf_id = 0;
    expect(sq.finish()).toEqual([]);
  });

  it("counts rx_buf_alloc_fail and ends the refill when the pool cannot get a page", () => {
    const sq = createScriptedQueue({ factory: createPagePoolStrategy(), failure: { attempts: [1] } });
    expect(sq.queue.counters.buffersPosted).toBe(0);
    expect(sq.queue.strategy.stats().rx_buf_alloc_fail).toBe(1);
    expect(sq.finish()).toEqual([]);
  });

  it("validates its options with errors that name the option", () => {
    expect(() => createPagePoolStrategy({ poolSize: 16385 })).toThrow(
      /page_pool: poolSize must be an integer in \[1, 16384\], got 16385/,
    );
    expect(() => createPagePoolStrategy({ refillBatch: 200 })).toThrow(/refillBatch must be an integer in \[1, 128\]/);
    expect(() => createPagePoolStrategy({ bulkAlloc: 0 })).toThrow(/bulkAlloc/);
    expect(() => createScriptedQueue({ factory: createPagePoolStrategy({ bufferSize: 8192 }) })).toThrow(
      /page_pool: bufferSize must be an integer in \[1, 4096\], got 8192/,
    );
    expect(() => createPagePoolStrategy({ poolSize: "x" as unknown as number })).toThrow(/poolSize/);
    expect(createPagePoolStrategy().options).toEqual({
      bufferSize: "queue",
      poolSize: "gve",
      cacheSize: 128,
      refillBatch: 64,
      bulkAlloc: 64,
      copybreak: "queue",
    });
  });
});

describe("page_pool strategy: buffer ids", () => {
  it("hands out the id completed last first (gve's LIFO free_buf_states)", () => {
    expect(idsPostedAfterTwoCompletions(createPagePoolStrategy())).toEqual([1, 0]);
  });
});
