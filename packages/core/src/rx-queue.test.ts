import { describe, expect, it } from "vitest";
import { createManualClock } from "./clock.js";
import { createMemoryLogSink, formatDecisionLogHeader, replayDecisionLog } from "./decision-log.js";
import { COMPL_RX_ERROR } from "./descriptors.js";
import { createPageTable } from "./page-table.js";
import { createRng } from "./rng.js";
import { RxQueue } from "./rx-queue.js";
import { CompletionKind, CompletionResult, RX_STRATEGY_CONTRACT_VERSION, type RxStrategyFactory } from "./strategy.js";
import { createScriptedQueue } from "./testing/scripted-queue.js";
import { createPagePerBufferTestStrategy } from "./testing/test-strategies.js";

const factory = createPagePerBufferTestStrategy();

describe("RxQueue driver model", () => {
  it("posts min(bufq free, complq free): a 256-slot ring takes 255 buffers at start", () => {
    const sq = createScriptedQueue({ factory });
    expect(sq.queue.counters.buffersPosted).toBe(255);
    expect(sq.queue.complq.numFreeSlots).toBe(1);
    // Completion-queue free slots limit posting when smaller.
    const small = createScriptedQueue({ factory, config: { bufqSlots: 256, complqSlots: 64 } });
    expect(small.queue.counters.buffersPosted).toBe(64);
  });

  it("lets the device use only buffers behind a doorbell (every 32)", () => {
    const sq = createScriptedQueue({ factory, failure: { attempts: Array.from({ length: 300 }, (_, i) => i + 40) } });
    expect(sq.queue.counters.buffersPosted).toBe(39);
    expect(sq.queue.deviceBuffersVisible()).toBe(32);
    let got = 0;
    for (let i = 0; i < 39; i++) if (sq.receive(1500)) got++;
    expect(got).toBe(32);
    expect(sq.queue.counters.rx_no_buffer).toBe(7);
    sq.finish();
  });

  it("spreads a packet over ceil(len / buffer size) buffers and delivers one skb", () => {
    const sq = createScriptedQueue({ factory });
    sq.receive(9000);
    sq.poll();
    expect(sq.queue.counters.completions).toBe(5);
    expect(sq.held.length).toBe(1);
    expect(sq.queue.skbs.fragCount[sq.held[0]]).toBe(5);
    expect(sq.queue.counters.rx_bytes).toBe(9000);
    sq.finish();
  });

  it("chains another skb after MAX_SKB_FRAGS (17) fragments", () => {
    const sq = createScriptedQueue({ factory });
    sq.receive(65535); // 32 buffers of 2 KiB
    sq.poll();
    expect(sq.queue.counters.chainedSkbs).toBe(1);
    expect(sq.queue.skbs.fragCount[sq.held[0]]).toBe(32);
    sq.finish();
  });

  it("copies single-buffer packets up to the copybreak, but not when a packet spans buffers", () => {
    const sq = createScriptedQueue({ factory });
    sq.receive(256);
    sq.receive(257);
    sq.poll();
    expect(sq.queue.counters.rx_copybreak_pkt).toBe(1);
    expect(sq.queue.skbs.fragCount[sq.held[0]]).toBe(0);
    expect(sq.queue.skbs.fragCount[sq.held[1]]).toBe(1);
    sq.finish();
  });

  it("drops a packet with rx_error on its last buffer and frees the partial skb at once", () => {
    const sq = createScriptedQueue({ factory });
    const before = sq.pages.frees;
    sq.receive(5000, { error: true });
    sq.poll();
    expect(sq.queue.counters.rx_desc_err_dropped_pkt).toBe(1);
    expect(sq.held.length).toBe(0);
    // Two fragments went into the skb and were released; the errored buffer was returned.
    expect(sq.pages.frees - before).toBe(3);
    sq.finish();
  });

  it("counts skb allocation failures as rx_skb_alloc_fail", () => {
    const sq = createScriptedQueue({ factory });
    sq.receive(1500, { skbAllocFail: true });
    sq.poll();
    expect(sq.queue.counters.rx_skb_alloc_fail).toBe(1);
    expect(sq.queue.counters.rx_packets).toBe(0);
    sq.finish();
  });

  it("stops a poll at the budget and leaves the rest for the next poll", () => {
    const sq = createScriptedQueue({ factory });
    for (let i = 0; i < 100; i++) sq.receive(1500);
    expect(sq.queue.poll(64)).toBe(64);
    expect(sq.queue.hasCompletions()).toBe(true);
    expect(sq.queue.poll(64)).toBe(36);
    sq.finish();
  });

  it("wraps the completion ring many times with the generation bit", () => {
    const sq = createScriptedQueue({ factory, config: { bufqSlots: 64, complqSlots: 64 } });
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 20; i++) expect(sq.receive(1500)).toBe(true);
      sq.drain();
      sq.releaseAll(true);
    }
    expect(sq.queue.counters.rx_packets).toBe(2000);
    sq.finish();
  });

  it("delivers out-of-order completions with the same totals", () => {
    const sq = createScriptedQueue({ factory, oooWindow: 8 });
    const order: number[] = [];
    for (let i = 0; i < 40; i++) sq.receive(1500);
    sq.drain();
    for (const skb of sq.held) order.push(sq.queue.skbs.cookie[skb]);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    sq.finish();
  });

  it("knows which buffer ids are outstanding: posted and not yet taken back", () => {
    // Every allocation after the initial fill fails, so returned ids stay returned.
    const sq = createScriptedQueue({
      factory,
      config: { bufqSlots: 64, complqSlots: 64 },
      failure: { attempts: Array.from({ length: 100 }, (_, i) => 64 + i) },
    });
    expect(sq.queue.largestPostedId).toBe(62);
    expect(sq.queue.isOutstanding(0)).toBe(true);
    expect(sq.queue.isOutstanding(63)).toBe(false);
    expect(sq.queue.isOutstanding(-1)).toBe(false);
    sq.receive(1500);
    sq.poll();
    const returned = sq.queue.bufq.bufId[0];
    expect(sq.queue.isOutstanding(returned)).toBe(false);
    // A rejected completion changes nothing.
    sq.queue.deviceWriteRawCompletion(63, 1500, 1, 0);
    sq.poll();
    expect(sq.queue.isOutstanding(63)).toBe(false);
    expect(sq.queue.largestPostedId).toBe(62);
    sq.finish();
  });

  it("rejects a strategy of an unknown contract version", () => {
    const bad = { ...factory, contractVersion: 1 } as unknown as RxStrategyFactory;
    expect(() => createScriptedQueue({ factory: bad })).toThrow(/contract version 1, this core understands 2/);
  });

  it("rejects a strategy that posts more than the refill allows", () => {
    const greedy: RxStrategyFactory = {
      contractVersion: RX_STRATEGY_CONTRACT_VERSION,
      name: "greedy",
      options: {},
      create(env) {
        return {
          contractVersion: RX_STRATEGY_CONTRACT_VERSION,
          name: "greedy",
          copybreak: 0,
          refill(max) {
            for (let i = 0; i <= max; i++) {
              const page = env.pages.alloc();
              env.dma.map(page);
              env.post(i, page, 0, 2048);
            }
            return max + 1;
          },
          complete: () => CompletionResult.Accepted,
          teardown() {},
          stats: () => ({}),
        };
      },
    };
    expect(() => createScriptedQueue({ factory: greedy })).toThrow(/posted buf_id 255 beyond the refill's limit/);
  });

  it("passes the NAPI context to releases and to watched count drops", () => {
    const seen: boolean[] = [];
    const watching: RxStrategyFactory = {
      ...factory,
      create(env) {
        const inner = factory.create(env);
        return {
          ...inner,
          refill(max) {
            const n = inner.refill(max);
            return n;
          },
          onFragmentRelease: (_p, _o, _l, inNapi) => void seen.push(inNapi),
        };
      },
    };
    const sq = createScriptedQueue({ factory: watching });
    sq.receive(1500);
    sq.receive(1500);
    sq.poll();
    sq.release(0, true);
    sq.release(0, false);
    expect(seen).toEqual([true, false]);
    sq.finish();
  });

  it("with a checker off, runs without one (no cost, no reports)", () => {
    const clock = createManualClock();
    const pages = createPageTable();
    const q = new RxQueue({ pages, clock, strategy: factory, strategyRng: createRng(1), stack: { deliver() {} } });
    expect(q.checker).toBeNull();
    q.refill();
    q.deviceReceive(1500, COMPL_RX_ERROR, 0);
    q.poll();
    q.teardown();
    expect(q.checkLeaks()).toEqual([]);
  });
});

describe("one-buffer skbs (kept out of the SkbTable until the stack keeps them)", () => {
  /** A queue whose stack releases every second skb inside `deliver` and keeps the others. */
  function queue() {
    const pages = createPageTable();
    const kept: number[] = [];
    let n = 0;
    const stack = {
      deliver(skb: number) {
        if (n++ % 2 === 0) q.releaseSkb(skb, true);
        else kept.push(skb);
      },
    };
    const q: RxQueue = new RxQueue({
      pages,
      clock: createManualClock(),
      strategy: factory,
      strategyRng: createRng(1),
      stack,
      checker: true,
    });
    q.refill();
    return { q, pages, kept };
  }

  it("gives a kept skb a live record with its fragments, and never hands its id out again while it lives", () => {
    const { q, kept } = queue();
    const sizes = [1500, 1500, 5000, 1500, 100, 1500, 1500];
    for (const len of sizes) q.deviceReceive(len, 0, 0);
    q.poll();
    expect(kept).toHaveLength(3);
    expect(new Set(kept).size).toBe(3);
    for (const skb of kept) expect(q.skbs.isLive(skb)).toBe(true);
    // Packets 1, 3 and 5 were kept: 1,500 bytes, 1,500 bytes and 1,500 bytes; the 5,000-byte one was released at once.
    expect(kept.map((s) => q.skbs.fragments(s).map((f) => f[2]))).toEqual([[1500], [1500], [1500]]);
    expect(q.skbs.live).toBe(3);
    expect(q.skbs.peakLive).toBe(4);
    for (const skb of kept) q.releaseSkb(skb);
    expect(q.skbs.live).toBe(0);
    expect(() => q.releaseSkb(kept[0])).toThrow(/not live/);
    q.teardown();
    expect(q.checkLeaks()).toEqual([]);
    expect(q.checker?.violations).toBe(0);
  });

  it("refuses a second release of an skb released inside deliver", () => {
    const pages = createPageTable();
    let first = -1;
    const q: RxQueue = new RxQueue({
      pages,
      clock: createManualClock(),
      strategy: factory,
      strategyRng: createRng(1),
      stack: {
        deliver(skb: number) {
          first = skb;
          q.releaseSkb(skb, true);
          expect(() => q.releaseSkb(skb, true)).toThrow(/not live/);
        },
      },
    });
    q.refill();
    q.deviceReceive(1500, 0, 0);
    q.poll();
    expect(first).toBeGreaterThanOrEqual(0);
    expect(q.skbs.live).toBe(0);
  });

  it("drops a packet whose last buffer has an error, fragments of the first buffers released at once", () => {
    const { q, pages } = queue();
    const before = pages.atomicOps;
    q.deviceReceive(5000, COMPL_RX_ERROR, 0);
    q.poll();
    expect(q.counters.rx_desc_err_dropped_pkt).toBe(1);
    expect(q.skbs.live).toBe(0);
    // Two fragments were handed up (get or bias) and released (put): whatever the strategy's scheme, none is left held.
    expect(pages.atomicOps).toBeGreaterThan(before);
    q.teardown();
    expect(q.checkLeaks()).toEqual([]);
  });
});

describe("decision log", () => {
  it("records inputs and decisions, and a replay reproduces the decisions", () => {
    const sink = createMemoryLogSink();
    const sq = createScriptedQueue({ factory, log: sink, failure: { attempts: [300, 301, 420] } });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 30; i++) sq.receive(i % 7 === 0 ? 100 : 1500, { error: i % 11 === 0 });
      sq.drain();
      while (sq.held.length > 20) sq.release(sq.rng.nextInt(sq.held.length), round % 2 === 0);
    }
    sq.finish();
    const header = formatDecisionLogHeader({
      strategy: factory.name,
      options: {},
      config: sq.queue.config,
      seed: 1,
      stream: "strategy",
    });
    const text = [header, ...sink.lines].join("\n");
    expect(sink.lines.some((l) => l.startsWith("I complete "))).toBe(true);
    expect(sink.lines.some((l) => l.startsWith("I release "))).toBe(true);
    expect(sink.lines.some((l) => l.startsWith("P alloc-fail "))).toBe(true);
    const outcome = replayDecisionLog(text, factory);
    expect(outcome.mismatch).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(outcome.decisions).toBeGreaterThan(500);

    // A log whose decisions were tampered with is caught, with the line number.
    const tampered = text.replace(/D post (\d+) page=(\d+)/, "D post $1 page=999999");
    const bad = replayDecisionLog(tampered, factory);
    expect(bad.ok).toBe(false);
    expect(bad.mismatch?.expected).toContain("page=999999");
  });

  it("refuses a file that is not a decision log", () => {
    expect(() => replayDecisionLog("hello\n", factory)).toThrow(/not an rxsim decision log v1/);
  });

  it("keeps CompletionKind names stable in the log", () => {
    expect(CompletionKind).toEqual({ Fragment: 0, Copy: 1, Error: 2, NoMemory: 3 });
  });
});
