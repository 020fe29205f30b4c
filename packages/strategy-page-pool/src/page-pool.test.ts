import { createPageTable, NO_PAGE, type PageTable } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { PagePool, type PagePoolConfig, PP_DEFER_TIME_NS, PP_FRAG_BIAS } from "./page-pool.js";

const DEFAULTS: PagePoolConfig = { pageSize: 4096, poolSize: 1024, cacheSize: 128, refillBatch: 64, bulkAlloc: 64 };

function setup(cfg: Partial<PagePoolConfig> = {}, attempts?: number[]): { pages: PageTable; pool: PagePool } {
  const pages = createPageTable({ pageSize: cfg.pageSize ?? 4096, failure: attempts ? { attempts } : undefined });
  const pool = new PagePool(pages, { ...DEFAULTS, ...cfg });
  pages.setListener({ onPageCountDrop: (page, _count, inNapi) => pool.recycle(page, inNapi) });
  return { pages, pool };
}

/** Hand out `n` whole pages (count 2: the pool's reference and the user's piece). */
function takeWhole(pool: PagePool, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(pool.alloc(4096));
  return out;
}

/** The user releases its piece of `page` (`put_page`), in or out of the owning NAPI context. */
function release(pages: PageTable, page: number, inNapi: boolean): void {
  pages.inNapi = inNapi;
  pages.put(page);
  pages.inNapi = false;
}

describe("PagePool allocation", () => {
  it("allocates 64 pages in bulk when cache and ring are both empty, and hands out the last", () => {
    const { pages, pool } = setup();
    const page = pool.allocPages();
    expect(pages.allocs).toBe(64);
    expect(page).toBe(63);
    expect(pool.cached).toBe(63);
    expect(pool.allocEmpty).toBe(1);
    expect(pool.allocSlow).toBe(1);
    expect(pool.holdCnt).toBe(64);
    // The next 63 come from the cache without touching the allocator.
    for (let i = 0; i < 63; i++) pool.allocPages();
    expect(pages.allocs).toBe(64);
    expect(pool.allocFast).toBe(63);
  });

  it("keeps what a bulk allocation got before a failure, and fails only when it got nothing", () => {
    const { pages, pool } = setup({}, [11]);
    expect(pool.allocPages()).not.toBe(NO_PAGE);
    expect(pages.allocs).toBe(10);
    expect(pool.cached).toBe(9);
    expect(pool.holdCnt).toBe(10);

    const dry = setup({}, [1]);
    expect(dry.pool.allocPages()).toBe(NO_PAGE);
    expect(dry.pool.allocSlow).toBe(0);
    expect(dry.pool.holdCnt).toBe(0);
  });

  it("takes from the cache before the ring", () => {
    const { pages, pool } = setup();
    const [a, b, c] = takeWhole(pool, 3);
    release(pages, a, false); // ring
    release(pages, b, true); // cache
    release(pages, c, false); // ring
    const cachedBefore = pool.cached;
    expect(pool.ringed).toBe(2);
    expect(pool.allocPages()).toBe(b);
    expect(pool.ringed).toBe(2);
    expect(pool.cached).toBe(cachedBefore - 1);
  });

  it("refills the empty cache from the ring 64 pages at a time, oldest first", () => {
    const { pages, pool } = setup({ bulkAlloc: 100, cacheSize: 128 });
    const handed = takeWhole(pool, 100);
    for (const p of handed) release(pages, p, false);
    expect(pool.ringed).toBe(100);
    expect(pool.cached).toBe(0);
    const page = pool.allocPages();
    expect(pool.allocRefill).toBe(1);
    expect(pool.ringed).toBe(36);
    expect(pool.cached).toBe(63);
    // The 64 oldest ring entries moved; the last of them is handed out first.
    expect(page).toBe(handed[63]);
    expect(pages.allocs).toBe(100);
  });
});

describe("PagePool recycling", () => {
  it("recycles into the cache only when released in the owning NAPI context", () => {
    const { pages, pool } = setup({ bulkAlloc: 2 });
    const [a, b] = takeWhole(pool, 2);
    release(pages, a, true);
    expect(pool.recycleCached).toBe(1);
    expect(pool.cached).toBe(1);
    expect(pool.ringed).toBe(0);
    release(pages, b, false);
    expect(pool.recycleCached).toBe(1);
    expect(pool.recycleRing).toBe(1);
    expect(pool.ringed).toBe(1);
    expect(pool.cached).toBe(1);
  });

  it("falls back to the ring when the cache is full, and counts cache_full", () => {
    const { pages, pool } = setup({ cacheSize: 4, refillBatch: 3, bulkAlloc: 3 });
    const handed = takeWhole(pool, 6);
    for (const p of handed) release(pages, p, true);
    expect(pool.cached).toBe(4);
    expect(pool.recycleCached).toBe(4);
    expect(pool.recycleCacheFull).toBe(2);
    expect(pool.recycleRing).toBe(2);
    expect(pool.ringed).toBe(2);
  });

  it("frees a page when the ring is full", () => {
    const { pages, pool } = setup({ poolSize: 4 });
    const handed = takeWhole(pool, 6);
    for (const p of handed) release(pages, p, false);
    expect(pool.ringed).toBe(4);
    expect(pool.recycleRingFull).toBe(2);
    expect(pool.releaseCnt).toBe(2);
    expect(pages.frees).toBe(2);
    expect(pages.isAllocated(handed[4])).toBe(false);
    expect(pages.isAllocated(handed[5])).toBe(false);
    expect(pages.isAllocated(handed[3])).toBe(true);
  });
});

describe("PagePool fragments", () => {
  it("carves aligned pieces with one bias set per page and no atomic per piece", () => {
    const { pages, pool } = setup({ pageSize: 16384 });
    const atomicsBefore = pages.atomicOps;
    const first = pool.alloc(2048);
    expect(pages.atomicOps - atomicsBefore).toBe(1);
    expect(pages.peek(first)).toBe(1 + PP_FRAG_BIAS);
    const offsets = [pool.offset];
    for (let i = 1; i < 8; i++) {
      expect(pool.alloc(2048)).toBe(first);
      offsets.push(pool.offset);
    }
    expect(offsets).toEqual([0, 2048, 4096, 6144, 8192, 10240, 12288, 14336]);
    expect(pages.atomicOps - atomicsBefore).toBe(1);
    // Pieces are aligned: 1000-byte pieces start on 64-byte boundaries.
    const odd = setup({ pageSize: 4096 });
    odd.pool.alloc(1000);
    odd.pool.alloc(1000);
    expect(odd.pool.offset).toBe(1024);
  });

  it("drains the page when the next piece does not fit and reuses it at once if nothing holds it", () => {
    const { pages, pool } = setup();
    const page = pool.alloc(2048);
    expect(pool.alloc(2048)).toBe(page);
    // Both users release their pieces; the unused bias still keeps the page.
    release(pages, page, true);
    release(pages, page, true);
    expect(pages.peek(page)).toBe(1 + PP_FRAG_BIAS - 2);
    expect(pool.recycleCached).toBe(0);
    const atomics = pages.atomicOps;
    expect(pool.alloc(2048)).toBe(page);
    expect(pool.offset).toBe(0);
    // One sub for the drain, one add for the new round.
    expect(pages.atomicOps - atomics).toBe(2);
    expect(pool.recycleCached).toBe(1);
    expect(pages.peek(page)).toBe(1 + PP_FRAG_BIAS);
  });

  it("drains a page still in use and recycles it when its last piece is released", () => {
    const { pages, pool } = setup();
    const page = pool.alloc(2048);
    pool.alloc(2048);
    release(pages, page, true); // one piece still held
    const next = pool.alloc(2048);
    expect(next).not.toBe(page);
    // Drained: only the held piece and the pool's reference remain.
    expect(pages.peek(page)).toBe(2);
    const cached = pool.cached;
    release(pages, page, true);
    expect(pages.peek(page)).toBe(1);
    expect(pool.cached).toBe(cached + 1);
  });
});

describe("PagePool teardown", () => {
  it("frees the cache, the ring and the frag page, reports pages in flight and parks them in the ring when they return", () => {
    const { pages, pool } = setup({ bulkAlloc: 8 });
    const whole = takeWhole(pool, 3);
    release(pages, whole[0], true); // cache
    release(pages, whole[1], false); // ring
    const frag = pool.alloc(2048); // frag page, one piece held
    expect(pool.destroy(5_000)).toBe(2); // whole[2] and the frag page are still held
    expect(pool.teardownInflight).toBe(2);
    expect(pages.resident).toBe(2);
    // page_pool_release_retry is scheduled one second later.
    expect(pool.retryAt).toBe(5_000 + PP_DEFER_TIME_NS);
    // Returning pages wait in the ring (direct recycling is off, even in NAPI context) ...
    const ringBefore = pool.recycleRing;
    release(pages, whole[2], true);
    release(pages, frag, true);
    expect(pool.recycleRing).toBe(ringBefore + 2);
    expect(pool.recycleCached).toBe(1); // whole[0], before the destroy
    expect(pool.ringed).toBe(2);
    expect(pages.resident).toBe(2);
    expect(pool.inflight).toBe(2);
    // ... until the retry frees them; nothing is left in flight, so it does not run again.
    expect(pool.releaseRetry(pool.retryAt)).toBe(0);
    expect(pages.resident).toBe(0);
    expect(pool.inflight).toBe(0);
    expect(pool.releaseCnt).toBe(pool.holdCnt);
    expect(pool.retryAt).toBe(Number.POSITIVE_INFINITY);
    expect(pool.releaseRetries).toBe(1);
  });

  it("retries every second while pages are still in flight, freeing what came back each time", () => {
    const { pages, pool } = setup({ bulkAlloc: 4 });
    const whole = takeWhole(pool, 2);
    pool.destroy(0);
    expect(pool.retryAt).toBe(PP_DEFER_TIME_NS);
    release(pages, whole[0], false);
    expect(pool.releaseRetry(PP_DEFER_TIME_NS)).toBe(1);
    expect(pages.isAllocated(whole[0])).toBe(false);
    expect(pool.retryAt).toBe(2 * PP_DEFER_TIME_NS);
    release(pages, whole[1], false);
    expect(pool.releaseRetry(2 * PP_DEFER_TIME_NS)).toBe(0);
    expect(pages.resident).toBe(0);
    expect(pool.retryAt).toBe(Number.POSITIVE_INFINITY);
  });

  it("schedules no retry when nothing is in flight at destroy", () => {
    const { pages, pool } = setup({ bulkAlloc: 4 });
    const [a] = takeWhole(pool, 1);
    release(pages, a, false);
    expect(pool.destroy(7)).toBe(0);
    expect(pool.retryAt).toBe(Number.POSITIVE_INFINITY);
    expect(pages.resident).toBe(0);
  });

  it("a page returned after destroy to a full ring is freed at once and counted as ring_full", () => {
    const { pages, pool } = setup({ poolSize: 2, bulkAlloc: 4 });
    const whole = takeWhole(pool, 3);
    pool.destroy(0);
    for (const p of whole) release(pages, p, false);
    expect(pool.recycleRing).toBe(2);
    expect(pool.recycleRingFull).toBe(1);
    expect(pages.isAllocated(whole[2])).toBe(false);
    expect(pages.resident).toBe(2);
  });

  it("after disableDirect, releases in NAPI context go to the ring, not the cache", () => {
    const { pages, pool } = setup({ bulkAlloc: 2 });
    const [a, b] = takeWhole(pool, 2);
    release(pages, a, true);
    expect(pool.recycleCached).toBe(1);
    pool.disableDirect();
    release(pages, b, true);
    expect(pool.recycleCached).toBe(1);
    expect(pool.recycleRing).toBe(1);
    expect(pool.ringed).toBe(1);
  });
});

describe("PagePool ring: the kernel's ptr_ring", () => {
  it("sees the ring full early when a refill consumed entries it has not cleared yet", () => {
    const { pages, pool } = setup({ poolSize: 128, bulkAlloc: 64, cacheSize: 128, refillBatch: 64 });
    // 40 pages into the ring, then a refill takes all 40: 32 slots are cleared (two batches of 16), 8 are not.
    const first = takeWhole(pool, 40);
    for (const p of first) release(pages, p, false);
    expect(pool.ringed).toBe(40);
    for (let i = 0; i < 24; i++) pool.allocPages(); // the rest of the first bulk
    pool.allocPages(); // refill from the ring
    expect(pool.allocRefill).toBe(1);
    expect(pool.ringed).toBe(0);
    // 128 pages come back: the producer reaches the 8 uncleared slots after 120 and sees "full".
    for (const p of takeWhole(pool, 128)) release(pages, p, false);
    expect(pool.ringed).toBe(120);
    expect(pool.recycleRingFull).toBe(8);
  });
});
