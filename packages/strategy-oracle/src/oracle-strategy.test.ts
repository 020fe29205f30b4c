import { COMPL_EOP, CompletionKind, CompletionResult, type RxQueueConfig, replayDecisionLog } from "@rxsim/core";
import {
  createScriptedQueue,
  idsPostedAfterTwoCompletions,
  recordDecisionLog,
  type ScriptedQueue,
} from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { createOracleStrategy, type OracleOptions } from "./index.js";

function open(config: Partial<RxQueueConfig> = {}, options: OracleOptions = {}): ScriptedQueue {
  return createScriptedQueue({ factory: createOracleStrategy(options), config });
}

const stats = (sq: ScriptedQueue) => sq.queue.strategy.stats();

/** Pages of the buffers posted now, from the buffer queue. */
function postedPages(sq: ScriptedQueue): Set<number> {
  const bufq = sq.queue.bufq;
  const out = new Set<number>();
  for (let s = bufq.head; s !== bufq.tail; s = (s + 1) & bufq.mask) out.add(bufq.page[s]);
  return out;
}

/** Rounds of traffic in which the stack keeps up to `hold` skbs, releasing the oldest. */
function traffic(sq: ScriptedQueue, rounds: number, hold: number): void {
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < 40; i++) sq.receive(i % 6 === 0 ? 9000 : 600 + (((round * 40 + i) * 37) % 900));
    sq.drain();
    while (sq.held.length > hold) sq.release(0, true);
  }
}

describe("oracle strategy", () => {
  it("fills the ring from as few pages as pieces allow", () => {
    const sq = open({ pageSize: 4096, bufferSize: 2048 });
    // 255 buffers posted: 128 pages, one piece left over.
    expect(sq.pages.allocs).toBe(128);
    expect(stats(sq)).toMatchObject({ pages_allocated: 128, free_pieces: 1, pieces_reused: 0 });
    const big = open({ pageSize: 65536, bufferSize: 2048 });
    expect(big.pages.allocs).toBe(8);
    expect(sq.finish()).toEqual([]);
    expect(big.finish()).toEqual([]);
  });

  it("after the stack releases everything, reuses the same pages without allocating", () => {
    const sq = open({ pageSize: 16384, bufferSize: 2048 });
    traffic(sq, 15, 200);
    sq.releaseAll(true);
    const allocs = sq.pages.allocs;
    const owned = new Set(sq.pages.allocatedPages());
    expect(stats(sq).free_pieces).toBe(allocs * 8 - 255);
    // The same traffic again: never more pieces in use than before, so never a new page.
    traffic(sq, 15, 200);
    sq.releaseAll(true);
    expect(sq.pages.allocs).toBe(allocs);
    expect(sq.pages.frees).toBe(0);
    for (const page of postedPages(sq)) expect(owned.has(page)).toBe(true);
    expect(stats(sq).pieces_reused).toBeGreaterThan(0);
    expect(sq.finish()).toEqual([]);
  });

  it("frees a piece at once after copybreak, rx errors and skb allocation failures", () => {
    const sq = open({ pageSize: 4096, bufferSize: 2048 });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 30; i++) sq.receive(64);
      for (let i = 0; i < 10; i++) sq.receive(1500, { error: true });
      sq.receive(1500, { skbAllocFail: true });
      sq.drain();
    }
    expect(sq.held.length).toBe(20 * 30);
    expect(sq.queue.counters.rx_copybreak_pkt).toBe(20 * 30);
    // Nothing went up as a fragment: the first 128 pages serve every packet.
    expect(sq.pages.allocs).toBe(128);
    expect(stats(sq).free_pieces).toBe(1);
    expect(sq.finish()).toEqual([]);
  });

  it("keeps one reference per page and takes one more per fragment handed up", () => {
    const sq = open({ pageSize: 4096, bufferSize: 2048 });
    const atomics = sq.pages.atomicOps;
    for (let i = 0; i < 100; i++) sq.receive(1500);
    sq.drain();
    // get_page per fragment: the oracle bounds pages, not atomics.
    expect(sq.pages.atomicOps - atomics).toBe(100);
    expect(sq.pages.refReads).toBe(0);
    const heldPerPage = new Map<number, number>();
    const skbs = sq.queue.skbs;
    for (const skb of sq.held) {
      for (const [page] of skbs.fragments(skb)) heldPerPage.set(page, (heldPerPage.get(page) ?? 0) + 1);
    }
    for (const page of sq.pages.allocatedPages()) expect(sq.pages.peek(page)).toBe(1 + (heldPerPage.get(page) ?? 0));
    sq.releaseAll(true);
    expect(sq.pages.atomicOps - atomics).toBe(200);
    for (const page of sq.pages.allocatedPages()) expect(sq.pages.peek(page)).toBe(1);
    expect(sq.finish()).toEqual([]);
  });

  it("gives its pages back at teardown; pages the stack holds free when released, and later releases are ignored", () => {
    const sq = open({ pageSize: 16384, bufferSize: 2048 });
    traffic(sq, 5, 100);
    const allocated = sq.pages.allocs;
    sq.queue.teardown();
    expect(stats(sq)).toMatchObject({ pages_freed: allocated, free_pieces: 0 });
    expect(sq.pages.resident).toBeGreaterThan(0);
    expect(sq.pages.resident).toBeLessThan(allocated);
    sq.releaseAll();
    expect(sq.pages.resident).toBe(0);
    expect(stats(sq).free_pieces).toBe(0);
    expect(sq.finish()).toEqual([]);
  });

  it("stops a refill at a failed allocation and counts rx_buf_alloc_fail", () => {
    const sq = createScriptedQueue({ factory: createOracleStrategy(), failure: { attempts: [6] } });
    // Five pages of two pieces.
    expect(sq.queue.counters.buffersPosted).toBe(10);
    expect(stats(sq).rx_buf_alloc_fail).toBe(1);
    sq.poll();
    expect(sq.queue.counters.buffersPosted).toBe(255);
    expect(sq.finish()).toEqual([]);
  });

  it("replays its decision log", () => {
    const text = recordDecisionLog(createOracleStrategy(), {
      config: { pageSize: 16384 },
      script: (sq) => traffic(sq, 10, 50),
    });
    const outcome = replayDecisionLog(text, createOracleStrategy());
    expect(outcome.mismatch).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(text).toMatch(/^D post .* reuse$/m);
  });

  it("validates its options", () => {
    expect(() => createOracleStrategy({ bufferSize: 10 })).toThrow(/oracle: bufferSize/);
    expect(() => open({ pageSize: 4096 }, { bufferSize: 8192 })).toThrow(
      /oracle: bufferSize must be an integer in \[64, 4096\], got 8192/,
    );
  });
});

describe("oracle strategy: buffer ids", () => {
  it("rejects ids out of range, never posted, or already completed", () => {
    const sq = createScriptedQueue({ factory: createOracleStrategy(), throwOnViolation: false });
    const bufq = sq.queue.bufq;
    const outstanding = new Set<number>();
    for (let s = bufq.head; s !== bufq.tail; s = (s + 1) & bufq.mask) outstanding.add(bufq.bufId[s]);
    const neverPosted = [...Array(256).keys()].find((id) => !outstanding.has(id)) as number;
    expect(neverPosted).toBeDefined();
    sq.queue.deviceWriteRawCompletion(neverPosted, 1500, COMPL_EOP, 0);
    sq.queue.deviceWriteRawCompletion(256, 1500, COMPL_EOP, 0);
    sq.queue.poll();
    expect(sq.queue.counters.rx_invalid_buf_id).toBe(2);
    // A buggy device completes one buffer twice in a row: the second completion is rejected.
    const id = bufq.bufId[bufq.hwHead];
    sq.receive(1500);
    sq.queue.deviceWriteRawCompletion(id, 1500, COMPL_EOP, 0);
    sq.drain();
    expect(sq.queue.counters.rx_invalid_buf_id).toBe(3);
    expect(sq.held.length).toBe(1);
    const strategy = sq.queue.strategy;
    expect(strategy.complete(-1, CompletionKind.Copy, 64)).toBe(CompletionResult.Rejected);
    expect(strategy.complete(1.5, CompletionKind.Error, 64)).toBe(CompletionResult.Rejected);
    expect(stats(sq).invalid_buf_id).toBe(5);
    expect(sq.checker.violations).toBe(0);
    sq.queue.counters.rx_invalid_buf_id = 0;
    expect(sq.finish()).toEqual([]);
  });
});

describe("oracle strategy: buffer id order", () => {
  it("hands out the id completed last first (a LIFO stack of free ids)", () => {
    expect(idsPostedAfterTwoCompletions(createOracleStrategy())).toEqual([1, 0]);
  });
});
