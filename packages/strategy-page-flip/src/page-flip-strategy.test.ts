import {
  COMPL_EOP,
  CompletionKind,
  CompletionResult,
  createManualClock,
  createPageTable,
  createPoolWork,
  createRng,
  DEFAULT_RX_QUEUE_CONFIG,
  DmaTable,
  InvariantChecker,
  type RxQueueConfig,
  type RxStrategyEnv,
  replayDecisionLog,
  resolveRxQueueConfig,
} from "@rxsim/core";
import {
  createScriptedQueue,
  idsPostedAfterTwoCompletions,
  recordDecisionLog,
  type ScriptedQueue,
} from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import {
  createPageFlipStrategy,
  type PageFlipDriver,
  type PageFlipOptions,
  pageFlipGeometry,
  resolvePageFlipOptions,
  USHRT_MAX,
} from "./index.js";

/**
 * A driver by hand, one buffer at a time: post, complete, hold and release
 * exactly as the driver model does (the checker sees every step and throws at
 * the first violation), so a test can follow one page through its life.
 */
function hand(pageSize: number, bufferSize: number, options: PageFlipOptions = {}) {
  const config = resolveRxQueueConfig({ pageSize, bufferSize, bufqSlots: 64, complqSlots: 64 });
  const pages = createPageTable({ pageSize });
  const checker = new InvariantChecker({ pageSize, throwOnViolation: true });
  pages.setObserver(checker);
  const dma = new DmaTable();
  dma.setObserver(checker);
  let last = { id: -1, page: -1, offset: -1 };
  const env: RxStrategyEnv = {
    config,
    pages,
    post(id, page, offset, len) {
      checker.posted(id, page, offset, len, pages.isAllocated(page), dma.isMapped(page));
      last = { id, page, offset };
    },
    dma,
    work: createPoolWork(),
    redirect: { page: -1, offset: 0 },
    rng: createRng(1, "strategy"),
    clock: createManualClock(),
    log: null,
  };
  const strategy = createPageFlipStrategy(options).create(env);
  const held: { page: number; offset: number; len: number }[] = [];
  const h = {
    pages,
    strategy,
    held,
    /** The buffer posted last. */
    get last() {
      return last;
    },
    stat: (key: string) => strategy.stats()[key],
    /** Post one buffer. */
    post(): void {
      expect(strategy.refill(1)).toBe(1);
    },
    /** Complete the last posted buffer as `kind`; a fragment is held by the stack. Then post the next (unless told not to). */
    receive(bytes = 1500, kind: CompletionKind = CompletionKind.Fragment, postNext = true): void {
      const { id, page, offset } = last;
      checker.completed(id);
      expect(strategy.complete(id, kind, bytes)).toBe(CompletionResult.Accepted);
      if (kind === CompletionKind.Fragment) {
        checker.held(page, offset, bytes);
        held.push({ page, offset, len: bytes });
      }
      if (postNext) h.post();
    },
    /** The stack drops every held fragment (`put_page`). */
    releaseAll(): void {
      for (const f of held.splice(0)) {
        checker.released(f.page, f.offset, f.len);
        pages.put(f.page);
      }
    },
    /** The device hands back what is posted; the strategy frees what it holds. */
    teardown(): void {
      if (last.id >= 0) checker.completed(last.id);
      strategy.teardown();
    },
    /** Teardown, release, and return the pages still allocated. */
    finish(): number[] {
      h.teardown();
      h.releaseAll();
      return pages.allocatedPages();
    },
  };
  h.post();
  return h;
}

function open(config: Partial<RxQueueConfig> = {}, options: PageFlipOptions = {}, seed = 1): ScriptedQueue {
  return createScriptedQueue({ factory: createPageFlipStrategy(options), config, seed });
}

/** The most recently posted buffer. */
function lastPosted(sq: ScriptedQueue): { id: number; page: number; offset: number } {
  const bufq = sq.queue.bufq;
  const s = (bufq.tail - 1) & bufq.mask;
  return { id: bufq.bufId[s], page: bufq.page[s], offset: bufq.offset[s] };
}

const stat = (sq: ScriptedQueue, key: string) => sq.queue.strategy.stats()[key];

describe("page-flip: 4 KiB pages", () => {
  it("flips between the two halves of one page while the stack lets go in time", () => {
    const h = hand(4096, 2048);
    const page = h.last.page;
    const offsets = [h.last.offset];
    for (let i = 0; i < 6; i++) {
      h.receive();
      h.releaseAll();
      expect(h.last.page).toBe(page);
      offsets.push(h.last.offset);
    }
    expect(offsets).toEqual([0, 2048, 0, 2048, 0, 2048, 0]);
    expect(h.pages.allocs).toBe(1);
    expect(h.stat("reuse")).toBe(6);
    expect(h.finish()).toEqual([]);
  });

  it("drains the page (busy) when the stack still holds the other half: count - bias > 1", () => {
    const h = hand(4096, 2048);
    const page = h.last.page;
    h.receive(); // half 0 held; half 2048 posted
    expect(h.last).toMatchObject({ page, offset: 2048 });
    h.receive(); // half 2048 held too, and half 0 is still the stack's
    expect(h.stat("busy")).toBe(1);
    expect(h.last.page).not.toBe(page);
    expect(h.pages.allocs).toBe(2);
    // __page_frag_cache_drain took back the unspent bias: only the stack's two references are left.
    expect(h.pages.peek(page)).toBe(2);
    h.releaseAll();
    expect(h.pages.isAllocated(page)).toBe(false);
    expect(h.finish()).toEqual([]);
  });

  it("restocks the bias in one atomic when it falls to 1", () => {
    const h = hand(4096, 2048);
    const page = h.last.page;
    // The 65534th fragment leaves the bias at 1.
    for (let i = 0; i < USHRT_MAX - 2; i++) {
      h.receive();
      h.releaseAll();
    }
    expect(h.stat("restock")).toBe(0);
    const atomics = h.pages.atomicOps;
    h.receive();
    expect(h.stat("restock")).toBe(1);
    expect(h.pages.atomicOps).toBe(atomics + 1);
    // 65535 in reserve again, plus the fragment just handed up.
    expect(h.pages.peek(page)).toBe(USHRT_MAX + 1);
    h.releaseAll();
    // Without the restock the driver's last reference would go up here and the page be freed while posted.
    for (let i = 0; i < 4; i++) {
      h.receive();
      h.releaseAll();
    }
    expect(h.last.page).toBe(page);
    expect(h.pages.allocs).toBe(1);
    expect(h.finish()).toEqual([]);
    // 65,535 fragments one by one: about 10 s on a loaded 2-core machine.
  }, 60_000);

  it("reads the page count once per fragment, with one atomic per fresh page and none per reuse", () => {
    const sq = open({ pageSize: 4096, bufferSize: 2048 });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 40; i++) sq.receive(1500);
      sq.drain();
      sq.releaseAll(true);
    }
    expect(sq.pages.refReads).toBe(800);
    expect(stat(sq, "busy")).toBe(0);
    expect(sq.pages.allocs).toBe(255);
    // page_ref_add per allocation plus the stack's put per fragment: no atomic per reuse.
    expect(sq.pages.atomicOps).toBe(255 + 800);
    expect(stat(sq, "reuse")).toBe(800);
    expect(sq.finish()).toEqual([]);
  });
});

// Buffers per large page: offsets 0, bufferSize, … up to the driver's last offset (ixgbe
// 12,992 on 16 KiB pages and 62,144 on 64 KiB; i40e 14,016 and 63,168; "simplified" pageSize - bufferSize).
describe.each([
  { pageSize: 16384, bufferSize: 2048, driver: "ixgbe", perPage: 7 },
  { pageSize: 16384, bufferSize: 2048, driver: "i40e", perPage: 7 },
  { pageSize: 16384, bufferSize: 2048, driver: "simplified", perPage: 8 },
  { pageSize: 16384, bufferSize: 4096, driver: "ixgbe", perPage: 4 },
  { pageSize: 65536, bufferSize: 2048, driver: "ixgbe", perPage: 31 },
  { pageSize: 65536, bufferSize: 2048, driver: "i40e", perPage: 31 },
  { pageSize: 65536, bufferSize: 2048, driver: "simplified", perPage: 32 },
  { pageSize: 65536, bufferSize: 4096, driver: "ixgbe", perPage: 16 },
] as const)(
  "page-flip ($driver): $pageSize-byte pages, $bufferSize-byte buffers",
  ({ pageSize, bufferSize, driver, perPage }) => {
    it("walks forward by the buffer size and leaves the page after the last offset", () => {
      const h = hand(pageSize, bufferSize, { driver });
      const page = h.last.page;
      const offsets = [h.last.offset];
      for (let i = 1; i < perPage; i++) {
        h.receive();
        h.releaseAll();
        expect(h.last.page).toBe(page);
        offsets.push(h.last.offset);
      }
      expect(offsets).toEqual(Array.from({ length: perPage }, (_, i) => i * bufferSize));
      expect(h.stat("busy")).toBe(0);
      // The page's last buffer goes up: the offset passes pageSize - bufferSize.
      h.receive();
      expect(h.stat("busy")).toBe(1);
      expect(h.last.page).not.toBe(page);
      expect(h.last.offset).toBe(0);
      // Drained: only the held fragment's reference is left, and its release frees the page.
      expect(h.pages.peek(page)).toBe(1);
      h.releaseAll();
      expect(h.pages.isAllocated(page)).toBe(false);
      expect(h.finish()).toEqual([]);
    });

    it("keeps walking while the stack holds earlier buffers, and reads no page count", () => {
      const h = hand(pageSize, bufferSize, { driver });
      const page = h.last.page;
      for (let i = 1; i < perPage; i++) h.receive();
      expect(h.last).toMatchObject({ page, offset: (perPage - 1) * bufferSize });
      expect(h.pages.allocs).toBe(1);
      expect(h.pages.refReads).toBe(0);
      expect(h.finish()).toEqual([]);
    });
  },
);

describe("page-flip: truesize stride on large pages", () => {
  it("walks by SKB_DATA_ALIGN(bytes), fitting more short packets into a page", () => {
    const h = hand(16384, 2048, { largePageStride: "truesize", driver: "simplified" });
    const page = h.last.page;
    const offsets: number[] = [];
    for (let i = 0; i < 9; i++) {
      h.receive(1500);
      offsets.push(h.last.offset);
    }
    expect(offsets).toEqual(Array.from({ length: 9 }, (_, i) => (i + 1) * 1536));
    expect(h.last.page).toBe(page);
    h.receive(1500); // 10 × 1536 = 15360 > 16384 - 2048
    expect(h.last.page).not.toBe(page);
    expect(h.stat("busy")).toBe(1);
    expect(h.finish()).toEqual([]);
  });

  it("with ixgbe's last offset (12,992) a 16 KiB page takes eight 1,536-byte steps, not nine", () => {
    const h = hand(16384, 2048, { largePageStride: "truesize" });
    const page = h.last.page;
    for (let i = 0; i < 8; i++) h.receive(1500);
    expect(h.last).toMatchObject({ page, offset: 8 * 1536 });
    h.receive(1500); // 9 × 1536 = 13824 > 12992
    expect(h.last.page).not.toBe(page);
    expect(h.finish()).toEqual([]);
  });
});

describe("page-flip: the driver's last offset on large pages", () => {
  it("is SKB_WITH_OVERHEAD(PAGE_SIZE) minus the driver's buffer, or where a buffer fits when simplified", () => {
    const last = (driver: PageFlipDriver, pageSize: number, bufferSize = 2048) =>
      pageFlipGeometry(resolvePageFlipOptions({ driver, bufferSize }), { ...DEFAULT_RX_QUEUE_CONFIG, pageSize })
        .lastOffset;
    expect(last("ixgbe", 16384)).toBe(12992);
    expect(last("i40e", 16384)).toBe(14016);
    expect(last("ice", 16384)).toBe(12992);
    expect(last("simplified", 16384)).toBe(14336);
    expect(last("ixgbe", 65536)).toBe(62144);
    expect(last("i40e", 65536)).toBe(63168);
    expect(last("simplified", 65536)).toBe(63488);
    // A buffer larger than the driver's own still has to fit in the page.
    expect(last("i40e", 16384, 8192)).toBe(8192);
    // ixgbe is the default.
    expect(resolvePageFlipOptions().driver).toBe("ixgbe");
  });

  it("ice reads the page count on large pages too and drains a page the stack still holds a piece of", () => {
    const ice = hand(16384, 2048, { driver: "ice" });
    const page = ice.last.page;
    ice.receive(); // held by the stack
    // The next buffer of the same page goes up while the first is held: count - bias > 1.
    expect(ice.last).toMatchObject({ page, offset: 2048 });
    ice.receive();
    expect(ice.stat("busy")).toBe(1);
    expect(ice.last.page).not.toBe(page);
    expect(ice.pages.refReads).toBe(2);
    expect(ice.finish()).toEqual([]);
    // ixgbe walks on regardless and reads nothing.
    const ixgbe = hand(16384, 2048, { driver: "ixgbe" });
    ixgbe.receive();
    ixgbe.receive();
    expect(ixgbe.stat("busy")).toBe(0);
    expect(ixgbe.pages.refReads).toBe(0);
    expect(ixgbe.finish()).toEqual([]);
  });
});

describe("page-flip: pages that may not be reused", () => {
  it("with nonReusableFraction 1 drains every page after its first use and counts it as waive", () => {
    const sq = open({ pageSize: 4096, bufferSize: 2048 }, { nonReusableFraction: 1 });
    for (let i = 0; i < 100; i++) sq.receive(i % 10 === 0 ? 64 : 1500);
    sq.drain();
    expect(sq.queue.counters.rx_copybreak_pkt).toBe(10);
    sq.releaseAll(true);
    expect(stat(sq, "waive")).toBe(100);
    expect(stat(sq, "reuse")).toBe(0);
    expect(sq.pages.allocs).toBe(255 + 100);
    expect(sq.finish()).toEqual([]);
  });

  it("draws each page's origin once, from the strategy's RNG stream", () => {
    const run = (seed: number) => {
      const sq = open({ pageSize: 4096, bufferSize: 2048 }, { nonReusableFraction: 0.5 }, seed);
      for (let round = 0; round < 10; round++) {
        for (let i = 0; i < 40; i++) sq.receive(1500);
        sq.drain();
        sq.releaseAll(true);
      }
      const s = { ...sq.queue.strategy.stats() };
      expect(sq.finish()).toEqual([]);
      return s;
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
    // About half the pages are waived after one use; the reusable half carry the rest.
    expect(a.waive).toBeGreaterThan(100);
    expect(a.reuse).toBeGreaterThan(100);
    expect(a.waive + a.reuse).toBe(400);
  });
});

describe("page-flip: buffers whose bytes did not go up", () => {
  it("copybreak, short rx errors and skb allocation failures leave page, offset and bias as they were", () => {
    const h = hand(4096, 2048);
    const page = h.last.page;
    const count = h.pages.peek(page);
    h.receive(64, CompletionKind.Copy);
    h.receive(200, CompletionKind.Error); // short enough to be copied whole (ixgbe_construct_skb)
    h.receive(1500, CompletionKind.NoMemory);
    expect(h.last).toMatchObject({ page, offset: 0 });
    expect(h.pages.peek(page)).toBe(count);
    expect(h.stat("reuse")).toBe(3);
    expect(h.finish()).toEqual([]);
  });

  it("an rx error goes up as a fragment of an skb freed at once: it spends a reference and flips the page", () => {
    const h = hand(4096, 2048);
    const page = h.last.page;
    const count = h.pages.peek(page);
    const atomics = h.pages.atomicOps;
    h.receive(1500, CompletionKind.Error);
    expect(h.last).toMatchObject({ page, offset: 2048 });
    // The skb's reference was taken from the bias and dropped again by dev_kfree_skb_any (one atomic).
    expect(h.pages.peek(page)).toBe(count - 1);
    expect(h.pages.atomicOps - atomics).toBe(1);
    expect(h.pages.refReads).toBe(1);
    expect(h.finish()).toEqual([]);
  });

  it("an rx error on a page whose other half the stack holds drains it (busy), and the page frees when that half is released", () => {
    const h = hand(4096, 2048);
    const page = h.last.page;
    h.receive(); // half 0 held by the stack
    expect(h.last).toMatchObject({ page, offset: 2048 });
    h.receive(1500, CompletionKind.Error);
    expect(h.stat("busy")).toBe(1);
    expect(h.last.page).not.toBe(page);
    expect(h.pages.peek(page)).toBe(1);
    h.releaseAll();
    expect(h.pages.isAllocated(page)).toBe(false);
    expect(h.finish()).toEqual([]);
  });

  it("simplified: rx errors leave page, offset and bias as they were, like a copy", () => {
    const h = hand(4096, 2048, { driver: "simplified" });
    const page = h.last.page;
    const count = h.pages.peek(page);
    h.receive(64, CompletionKind.Copy);
    h.receive(1500, CompletionKind.Error);
    h.receive(1500, CompletionKind.NoMemory);
    expect(h.last).toMatchObject({ page, offset: 0 });
    expect(h.pages.peek(page)).toBe(count);
    expect(h.stat("reuse")).toBe(3);
    h.receive();
    expect(h.last).toMatchObject({ page, offset: 2048 });
    expect(h.pages.allocs).toBe(1);
    expect(h.finish()).toEqual([]);
  });
});

describe("page-flip: buffer ids", () => {
  it("names each buffer by its ring slot while completions come back in order", () => {
    const sq = open({ pageSize: 4096, bufferSize: 2048 });
    for (let round = 0; round < 9; round++) {
      for (let i = 0; i < 37; i++) sq.receive(i % 7 === 0 ? 9000 : 1500);
      sq.drain();
      sq.releaseAll(true);
    }
    const bufq = sq.queue.bufq;
    expect(bufq.outstanding()).toBe(255);
    for (let s = bufq.head; s !== bufq.tail; s = (s + 1) & bufq.mask) expect(bufq.bufId[s]).toBe(s);
    expect(sq.finish()).toEqual([]);
  });

  it("rejects ids out of range, never posted, or already completed", () => {
    const sq = createScriptedQueue({ factory: createPageFlipStrategy(), throwOnViolation: false });
    // 255 of the 256 ids are outstanding after the first refill: id 255 is not.
    sq.queue.deviceWriteRawCompletion(255, 1500, COMPL_EOP, 0);
    sq.queue.deviceWriteRawCompletion(256, 1500, COMPL_EOP, 0);
    sq.queue.poll();
    expect(sq.queue.counters.rx_invalid_buf_id).toBe(2);
    // Completes id 0; the refill posts id 255, and id 0 waits behind it in the free FIFO.
    sq.receive(1500);
    sq.drain();
    expect(lastPosted(sq).id).toBe(255);
    sq.queue.deviceWriteRawCompletion(0, 1500, COMPL_EOP, 0);
    sq.queue.poll();
    expect(sq.queue.counters.rx_invalid_buf_id).toBe(3);
    expect(stat(sq, "invalid_buf_id")).toBe(3);
    expect(sq.checker.violations).toBe(0);
    sq.queue.counters.rx_invalid_buf_id = 0;
    expect(sq.finish()).toEqual([]);
  });
});

describe("page-flip: refill and teardown", () => {
  it("stops a refill at the first failed allocation (alloc_rx_page_failed) and resumes at the next", () => {
    const sq = createScriptedQueue({ factory: createPageFlipStrategy(), failure: { attempts: [11] } });
    expect(sq.queue.counters.buffersPosted).toBe(10);
    expect(stat(sq, "rx_buf_alloc_fail")).toBe(1);
    sq.poll();
    expect(sq.queue.counters.buffersPosted).toBe(255);
    expect(sq.finish()).toEqual([]);
  });

  it("drains every page it owns at teardown, posted or waiting to be posted", () => {
    // Posted: the device hands the buffer back at teardown.
    const posted = hand(16384, 2048);
    for (let i = 0; i < 5; i++) posted.receive();
    posted.releaseAll();
    expect(posted.pages.resident).toBe(1);
    posted.teardown();
    expect(posted.pages.resident).toBe(0);
    // Waiting at next_to_alloc: completed and reusable, not yet posted again.
    const waiting = hand(16384, 2048);
    waiting.receive(1500, CompletionKind.Fragment, false);
    waiting.releaseAll();
    expect(waiting.pages.resident).toBe(1);
    waiting.strategy.teardown();
    expect(waiting.pages.resident).toBe(0);
    const sq = open({ pageSize: 4096, bufferSize: 2048 });
    for (let i = 0; i < 100; i++) sq.receive(1500);
    sq.drain();
    sq.releaseAll(true);
    sq.queue.teardown();
    expect(sq.pages.resident).toBe(0);
    expect(sq.finish()).toEqual([]);
  });

  it("replays its decision log", () => {
    const options = { nonReusableFraction: 0.3 };
    const text = recordDecisionLog(createPageFlipStrategy(options), {
      config: { pageSize: 4096 },
      script: (sq) => {
        for (let round = 0; round < 12; round++) {
          for (let i = 0; i < 30; i++) sq.receive(i % 9 === 0 ? 64 : 1500 + i * 100);
          sq.drain();
          while (sq.held.length > 20) sq.release(sq.rng.nextInt(sq.held.length));
        }
      },
    });
    const outcome = replayDecisionLog(text, createPageFlipStrategy(options));
    expect(outcome.mismatch).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(text).toMatch(/^D drain /m);
    expect(text).toMatch(/^D reuse /m);
  });

  it("validates its options", () => {
    expect(() => createPageFlipStrategy({ nonReusableFraction: 2 })).toThrow(/nonReusableFraction/);
    expect(() => createPageFlipStrategy({ largePageStride: "page" as "buffer" })).toThrow(/largePageStride/);
    expect(() => createPageFlipStrategy({ driver: "e1000" as "ixgbe" })).toThrow(
      /page-flip: driver must be one of ixgbe, i40e, ice, simplified, got e1000/,
    );
    expect(() => open({ pageSize: 4096 }, { bufferSize: 8192 })).toThrow(
      /page-flip: bufferSize must be an integer in \[64, 4096\], got 8192/,
    );
  });
});

describe("page-flip strategy: buffer id order", () => {
  it("hands out the id free the longest first (a FIFO of free ids, so ids follow ring slots)", () => {
    expect(idsPostedAfterTwoCompletions(createPageFlipStrategy())).toEqual([7, 0]);
  });
});
