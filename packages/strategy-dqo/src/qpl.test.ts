import {
  CompletionKind,
  CompletionResult,
  createManualClock,
  createPageTable,
  createPoolWork,
  createRng,
  DmaTable,
  isQueueCannotStart,
  type RxStrategyEnv,
  resolveRxQueueConfig,
} from "@rxsim/core";
import { createScriptedQueue } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { INT_MAX } from "./constants.js";
import { createDqoStrategy, type DqoStrategy } from "./dqo-strategy.js";
import { direct } from "./test-support/direct-env.js";

// A doorbell after every post, so every posted buffer is visible to the device at once.
/** True once core's contract can drop a packet after the strategy took its buffer back. */

const SMALL = { bufqSlots: 16, complqSlots: 16, doorbellThreshold: 1 };

describe("QPL mode: the fixed pool", () => {
  it("allocates the whole pool at create, assigns it to states in order, and never allocates again", () => {
    // 256-slot rings: a 512-page pool; copy on demand would start at 416 used states.
    const sq = createScriptedQueue({ factory: createDqoStrategy({ qpl: true }) });
    const dqo = sq.queue.strategy as DqoStrategy;
    expect(dqo.geometry).toMatchObject({ qplPages: 512, numBufStates: 512 });
    expect(sq.pages.allocs).toBe(512);
    // The first fill took states 0…254 with pool pages 0…254, each stocked with the bias.
    expect(sq.queue.counters.buffersPosted).toBe(255);
    expect(Array.from(sq.queue.bufq.bufId.subarray(0, 255))).toEqual(Array.from({ length: 255 }, (_, i) => i));
    expect(sq.pages.peek(0)).toBe(INT_MAX);
    expect(sq.pages.peek(255)).toBe(1); // not assigned yet: only the QPL's own reference
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 40; i++) sq.receive(600 + ((round * 40 + i) % 900));
      sq.drain();
      while (sq.held.length > 300) sq.release(0, true);
    }
    expect(sq.queue.counters.rx_packets).toBe(4000);
    expect(sq.pages.allocs).toBe(512);
    expect(sq.pages.peakResident).toBe(512);
    expect(dqo.stats()).toMatchObject({
      qpl_pages: 512,
      pages_allocated: 512,
      rx_frag_alloc_cnt: 0,
      rx_buf_alloc_fail: 0,
      states_discarded: 0,
    });
    expect(sq.finish()).toEqual([]);
    expect(dqo.stats().pages_freed).toBe(512);
  });

  it("when the stack holds everything, posting stops and the device drops; releases bring it back", () => {
    // 32 pool pages, 4K buffers (one per page), copy on demand off: every fragment pins a pool page.
    const sq = createScriptedQueue({
      factory: createDqoStrategy({ qpl: { pages: 32, ondemandThreshold: 0 }, bufferSize: 4096 }),
      config: SMALL,
    });
    const dqo = sq.queue.strategy as DqoStrategy;
    let dropped = 0;
    for (let i = 0; i < 60; i++) {
      if (!sq.receive(1500)) dropped++;
      sq.drain();
    }
    expect(sq.held.length).toBe(32);
    expect(dropped).toBe(28);
    expect(sq.queue.counters.rx_no_buffer).toBe(28);
    expect(sq.queue.bufq.outstanding()).toBe(0);
    expect(dqo.states.lists().used).toHaveLength(32);
    expect(dqo.stats()).toMatchObject({ rx_buf_alloc_fail: 0, states_discarded: 0, pages_allocated: 32 });
    expect(dqo.stats().qpl_exhausted).toBeGreaterThan(0);
    expect(sq.pages.allocs).toBe(32);
    // The stack lets go: the scan finds the pages free again and traffic flows.
    sq.releaseAll(true);
    sq.drain();
    expect(sq.queue.bufq.outstanding()).toBe(15);
    for (let i = 0; i < 10; i++) expect(sq.receive(1500)).toBe(true);
    sq.drain();
    expect(sq.queue.counters.rx_packets).toBe(42);
    expect(sq.pages.allocs).toBe(32);
    expect(sq.finish()).toEqual([]);
  });

  it("a cut-short refill is logged and counted once; the free list's last states still get pool pages", () => {
    // Each attempt scans the one used entry 5 times (it is held), then takes a free state, if any.
    const d = direct({ qpl: { pages: 4, ondemandThreshold: 0 }, bufferSize: 4096 });
    expect(d.takeLog()).toEqual(["D qpl-pool pages=4", "P alloc 0", "P alloc 1", "P alloc 2", "P alloc 3"]);
    expect(d.refill(3).map((p) => p.page)).toEqual([0, 1, 2]);
    d.frag(0);
    d.takeLog();
    expect(d.refill(3)).toEqual([{ id: 3, page: 3, off: 0, len: 4096 }]);
    expect(d.takeLog()).toEqual(["D post 3 page=3 off=0 len=4096 new from=free", "D qpl-exhausted posted=1 max=3"]);
    expect(d.refill(0)).toEqual([]);
    expect(d.dqo.stats()).toMatchObject({ qpl_exhausted: 1, fresh_states: 4, used_scanned: 10, used_requeued: 10 });
    // The used entry is not discarded: its page stays the state's and the stack's.
    expect(d.s.lists()).toMatchObject({ used: [0], free: [] });
    expect(d.refs(0)).toBe(1);
    expect(d.pages.allocs).toBe(4);
  });

  it("skips the discard branch: a held used entry is never freed to make room", () => {
    // One state per pool page, all used and held, free list empty: the RDA path would discard one.
    const d = direct({ qpl: { pages: 3, ondemandThreshold: 0 }, bufferSize: 4096 });
    const held = d.refill(3).map((p) => d.frag(p.id));
    const before = d.pages.counters();
    d.takeLog();
    expect(d.refill(2)).toEqual([]);
    expect(d.takeLog()).toEqual(["D qpl-exhausted posted=0 max=2"]);
    expect(d.pages.frees).toBe(before.frees);
    expect(d.pages.allocs).toBe(before.allocs);
    expect(d.dqo.stats()).toMatchObject({ states_discarded: 0, pages_freed: 0 });
    d.release(held[1]);
    expect(d.refill(2).map((p) => p.id)).toEqual([1]);
  });

  it("teardown returns each state's unspent bias, then drops the QPL's reference of every pool page, once", () => {
    const d = direct({ qpl: { pages: 4, ondemandThreshold: 0 } }, { pageSize: 16384 });
    d.refill(2); // states 0 and 1 hold pool pages 0 and 1; pages 2 and 3 were never assigned
    const held = d.frag(0);
    d.takeLog();
    d.dqo.teardown();
    expect(d.takeLog()).toEqual([
      "D qpl-unassign 0 bufId=0",
      "D qpl-unassign 1 bufId=1",
      "D qpl-free 0",
      "D qpl-free 1",
      "P free 1",
      "D qpl-free 2",
      "P free 2",
      "D qpl-free 3",
      "P free 3",
    ]);
    // Page 0 is not freed: the stack still holds a fragment of it.
    expect(d.pages.isAllocated(0)).toBe(true);
    expect(d.pages.peek(0)).toBe(1);
    expect(Array.from(d.s.page).every((p) => p === -1)).toBe(true);
    expect(d.dqo.stats().pages_freed).toBe(4);
    const atomics = d.pages.atomicOps;
    d.dqo.teardown();
    expect(d.pages.atomicOps).toBe(atomics);
    expect(d.dqo.stats().pages_freed).toBe(4);
    d.release(held);
    expect(d.pages.resident).toBe(0);
  });

  it("without the bias trick a pool page keeps just the QPL's reference and teardown only puts it", () => {
    const d = direct({ qpl: { pages: 2, ondemandThreshold: 0 }, bias: false });
    d.refill(1);
    expect(d.pages.peek(0)).toBe(1);
    expect(d.s.pagecntBias[0]).toBe(1);
    const page = d.frag(0);
    expect(d.pages.peek(0)).toBe(2);
    d.release(page);
    const atomics = d.pages.atomicOps;
    d.dqo.teardown();
    expect(d.pages.atomicOps).toBe(atomics + 2);
    expect(d.pages.resident).toBe(0);
  });

  it("retries a pool page whose allocation fails, and gives up (freeing what it had) when the table keeps failing", () => {
    const d = direct({ qpl: { pages: 3 } }, {}, { attempts: [2, 3] });
    expect(d.takeLog()).toEqual([
      "D qpl-pool pages=3",
      "P alloc 0",
      "P alloc-fail 2",
      "P alloc-fail 3",
      "P alloc 1",
      "P alloc 2",
    ]);
    expect(Array.from({ length: 3 }, () => d.refill(1)[0].page)).toEqual([0, 1, 2]);
    // 64 failed attempts for the second page: setup fails as gve_alloc_queue_page_list would, after putting page 0 back.
    const pages = createPageTable({ failure: { attempts: Array.from({ length: 64 }, (_, i) => i + 2) } });
    const env: RxStrategyEnv = {
      config: resolveRxQueueConfig(SMALL),
      pages,
      post: () => {},
      redirect: { page: -1, offset: 0 },
      dma: new DmaTable(),
      work: createPoolWork(),
      rng: createRng(1, "strategy"),
      clock: createManualClock(),
      log: null,
    };
    let thrown: unknown;
    try {
      createDqoStrategy({ qpl: { pages: 3 } }).create(env);
    } catch (e) {
      thrown = e;
    }
    // A QueueCannotStartError: the harness reports it as this strategy's result, not as a fault.
    expect(isQueueCannotStart(thrown)).toBe(true);
    expect((thrown as Error).message).toBe(
      "dqo: could not allocate QPL page 2 of 3 in 64 attempts (the queue cannot start, as when gve_alloc_queue_page_list fails)",
    );
    expect(pages.allocs).toBe(1);
    expect(pages.frees).toBe(1);
    expect(pages.resident).toBe(0);
    // One put, of page 0 only: nothing for the page that never came.
    expect(pages.atomicOps).toBe(1);
    expect(pages.peek(0)).toBe(0);
  });
});

describe("QPL copy on demand (gve_rx_copy_ondemand)", () => {
  /** 16 pool pages, copy once 12 states are used; 4K buffers, so every fragment sends its state to used. */
  function nearlyFull() {
    const d = direct({ qpl: { pages: 16, ondemandThreshold: 4 }, bufferSize: 4096 });
    const posted = d.refill(16).map((p) => p.id);
    return { d, posted };
  }

  it("starts exactly when used_buf_states_cnt reaches num_buf_states - threshold", () => {
    const { d, posted } = nearlyFull();
    const held: number[] = [];
    for (let i = 0; i < 12; i++) held.push(d.frag(posted[i]));
    // The 12th fragment was completed with 11 used states: no copy.
    expect(d.s.lists().used).toHaveLength(12);
    expect(d.dqo.usedBufStatesCnt).toBe(12);
    expect(d.dqo.stats().rx_frag_alloc_cnt).toBe(0);
    expect(d.pages.allocs).toBe(16);
    d.takeLog();
    // With 12 used states the next fragment is copied into a fresh page.
    const page = d.frag(posted[12]);
    expect(page).toBe(16);
    expect(d.redirect).toEqual({ page: 16, offset: 0 });
    expect(d.takeLog()).toEqual(["P alloc 16", "D copy 12 page=16 len=1500 used=12 -> recycled"]);
    expect(d.pages.owner(16)).toBe(1);
    expect(d.pages.peek(16)).toBe(1); // the allocation's reference is the skb's
    expect(d.dqo.stats()).toMatchObject({ rx_frag_alloc_cnt: 1, pages_allocated: 16 });
    // The registered buffer is free at once: recycled, bias untouched, no stack reference.
    expect(d.s.lists().recycled).toEqual([12]);
    expect(d.s.pagecntBias[12]).toBe(INT_MAX);
    expect(d.refs(12)).toBe(0);
    expect(d.dqo.usedBufStatesCnt).toBe(12);
    // A used state taken back by the scan lowers the count below the threshold: no more copies.
    d.release(held[0]);
    expect(d.refill(2).map((p) => p.id)).toEqual([12, 0]);
    expect(d.dqo.usedBufStatesCnt).toBe(11);
    expect(d.frag(posted[13])).toBe(13);
    expect(d.dqo.stats().rx_frag_alloc_cnt).toBe(1);
  });

  it("puts the registered buffer back at the same offset, bias and offset untouched", () => {
    // 4 pages, copy once 1 state is used; 2K buffers on 4K pages.
    const d = direct({ qpl: { pages: 4, ondemandThreshold: 3 } });
    d.refill(3);
    d.frag(0); // held; state 0 moves on to offset 2048 and is recycled
    expect(d.refill(1)).toEqual([{ id: 0, page: 0, off: 2048, len: 2048 }]);
    d.frag(1);
    d.refill(1); // state 1 again, at 2048
    d.frag(1); // lands on its last single-ref offset: used
    expect(d.dqo.usedBufStatesCnt).toBe(1);
    const bias = d.s.pagecntBias[0];
    const copy = d.frag(0);
    expect(copy).toBe(4);
    expect(d.s.pageOffset[0]).toBe(2048);
    expect(d.s.pagecntBias[0]).toBe(bias);
    expect(d.refill(1)).toEqual([{ id: 0, page: 0, off: 2048, len: 2048 }]);
  });

  it("applies to every fragment of a packet, not to copybreak, errors or skb allocation failures", () => {
    // Threshold ≥ pages: copy from the first fragment on.
    const d = direct({ qpl: { pages: 4, ondemandThreshold: 4 } });
    d.refill(4);
    expect(d.complete(0, CompletionKind.Copy)).toBe(CompletionResult.Accepted);
    expect(d.complete(1, CompletionKind.Error)).toBe(CompletionResult.Accepted);
    expect(d.complete(2, CompletionKind.NoMemory)).toBe(CompletionResult.Accepted);
    expect(d.pages.allocs).toBe(4);
    expect(d.dqo.complete(3, CompletionKind.Fragment, 2048)).toBe(CompletionResult.Redirected);
    expect(d.s.lists().recycled).toEqual([0, 1, 2, 3]);
    expect(d.dqo.stats()).toMatchObject({ rx_frag_alloc_cnt: 1, rx_copybreak_pkt: 1, rx_skb_alloc_fail: 1 });
  });

  it("the copy page is the skb's: freed when the stack releases it, never by the strategy", () => {
    // 32 pool pages and the default threshold of 96: every fragment is copied.
    const sq = createScriptedQueue({ factory: createDqoStrategy({ qpl: { pages: 32 } }), config: SMALL });
    const dqo = sq.queue.strategy as DqoStrategy;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 10; i++) expect(sq.receive(i === 0 ? 9000 : 1500)).toBe(true);
      sq.drain();
    }
    expect(sq.held).toHaveLength(100);
    // Every fragment went to a copy page; the pool pages stay free and posted.
    const copies = dqo.stats().rx_frag_alloc_cnt;
    expect(copies).toBe(10 * 5 + 90);
    expect(sq.pages.allocs).toBe(32 + copies);
    expect(sq.pages.resident).toBe(32 + copies);
    expect(sq.checker.heldFragments()).toBe(copies);
    expect(dqo.states.lists().used).toEqual([]);
    sq.release(0, true);
    expect(sq.pages.resident).toBe(32 + copies - 5);
    sq.queue.teardown();
    // Teardown frees the pool; the copies stay with the skbs that hold them.
    expect(sq.pages.resident).toBe(copies - 5);
    sq.releaseAll();
    expect(sq.queue.checkLeaks()).toEqual([]);
    expect(sq.checker.violations).toBe(0);
  });

  it("a failed copy allocation drops the packet and recycles the buffer (rx_skb_alloc_fail)", () => {
    const sq = createScriptedQueue({
      factory: createDqoStrategy({ qpl: { pages: 32 } }),
      config: SMALL,
      failure: { attempts: [34, 35, 40] },
    });
    for (let i = 0; i < 12; i++) expect(sq.receive(1500)).toBe(true);
    sq.drain();
    expect(sq.held).toHaveLength(9);
    expect(sq.queue.counters.rx_skb_alloc_fail).toBe(3);
    expect((sq.queue.strategy as DqoStrategy).stats()).toMatchObject({ copy_alloc_fail: 3, rx_frag_alloc_cnt: 9 });
    expect(sq.pages.resident).toBe(32 + 9);
    expect(sq.finish()).toEqual([]);
  });
});
