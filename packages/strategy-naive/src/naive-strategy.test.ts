import { createScriptedQueue, describeStrategyConformance, idsPostedAfterTwoCompletions } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { createNaiveStrategy } from "./naive-strategy.js";

describeStrategyConformance("naive", () => createNaiveStrategy());
describeStrategyConformance("naive (split pages)", () => createNaiveStrategy({ splitPages: true }), {
  propertyRuns: 10,
});

describe("naive strategy", () => {
  it("allocates a fresh page for every posted buffer and never reuses one", () => {
    const sq = createScriptedQueue({ factory: createNaiveStrategy() });
    const postedAtStart = sq.queue.counters.buffersPosted;
    expect(sq.pages.allocs).toBe(postedAtStart);
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 50; i++) sq.receive(1500);
      sq.drain();
      sq.releaseAll(true);
    }
    expect(sq.pages.allocs).toBe(sq.queue.counters.buffersPosted);
    // Every released fragment freed its page.
    expect(sq.pages.frees).toBe(500);
    expect(sq.finish()).toEqual([]);
  });

  it("frees the page at once for copybreak and errors", () => {
    const sq = createScriptedQueue({ factory: createNaiveStrategy() });
    sq.receive(64);
    sq.receive(1500, { error: true });
    sq.drain();
    expect(sq.queue.counters.rx_copybreak_pkt).toBe(1);
    expect(sq.pages.frees).toBe(2);
    expect(sq.finish()).toEqual([]);
  });

  it("with splitPages carves pageSize / bufferSize buffers from a page, one reference each", () => {
    const sq = createScriptedQueue({
      factory: createNaiveStrategy({ splitPages: true }),
      config: { pageSize: 16384, bufferSize: 2048 },
    });
    const posted = sq.queue.counters.buffersPosted;
    expect(sq.pages.allocs).toBe(Math.ceil(posted / 8));
    // A page holds one reference per piece; one atomic add set them up.
    const page = sq.queue.bufq.page[0];
    expect(sq.pages.peek(page)).toBe(8);
    expect(sq.finish()).toEqual([]);
  });

  it("stops a refill at the first allocation failure and counts rx_buf_alloc_fail", () => {
    const sq = createScriptedQueue({ factory: createNaiveStrategy(), failure: { attempts: [11] } });
    expect(sq.queue.counters.buffersPosted).toBe(10);
    expect(sq.queue.strategy.stats().rx_buf_alloc_fail).toBe(1);
    expect(sq.finish()).toEqual([]);
  });

  it("uses the buffer size given in its options", () => {
    const sq = createScriptedQueue({ factory: createNaiveStrategy({ bufferSize: 4096 }) });
    expect(sq.queue.bufq.len[0]).toBe(4096);
    expect(() => createScriptedQueue({ factory: createNaiveStrategy({ bufferSize: 9000 }) })).toThrow(
      /naive: bufferSize must be an integer in \[1, 4096\], got 9000/,
    );
    sq.finish();
  });
});

describe("naive strategy: buffer ids", () => {
  it("hands out the id completed last first (a LIFO stack of free ids)", () => {
    expect(idsPostedAfterTwoCompletions(createNaiveStrategy())).toEqual([1, 0]);
  });
});
