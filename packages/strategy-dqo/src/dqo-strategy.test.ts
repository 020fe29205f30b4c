import { createScriptedQueue } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { INT_MAX } from "./constants.js";
import { createDqoStrategy, type DqoStrategy } from "./dqo-strategy.js";

describe("dqo in the driver loop (scripted queue)", () => {
  it("the initial refill fills the ring from the free list with fresh pages", () => {
    const sq = createScriptedQueue({ factory: createDqoStrategy(), config: { bufqSlots: 32, complqSlots: 32 } });
    const dqo = sq.queue.strategy as DqoStrategy;
    expect(dqo.geometry.numBufStates).toBe(128);
    expect(sq.queue.counters.buffersPosted).toBe(31);
    expect(Array.from(sq.queue.bufq.bufId.subarray(0, 31))).toEqual(Array.from({ length: 31 }, (_, i) => i));
    expect(sq.pages.allocs).toBe(31);
    expect(sq.pages.peek(0)).toBe(INT_MAX);
    expect(dqo.stats()).toMatchObject({ fresh_states: 31, pages_allocated: 31 });
    expect(sq.finish()).toEqual([]);
  });

  it("with prompt release, the two halves of each page alternate: no page is allocated after the first fill", () => {
    const sq = createScriptedQueue({
      factory: createDqoStrategy(),
      config: { bufqSlots: 64, complqSlots: 64, doorbellThreshold: 8 },
    });
    const first = sq.pages.allocs;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 40; i++) expect(sq.receive(1500)).toBe(true);
      sq.poll();
      sq.releaseAll(true);
    }
    expect(sq.queue.counters.rx_packets).toBe(8000);
    expect(sq.pages.allocs).toBe(first);
    const st = (sq.queue.strategy as DqoStrategy).stats();
    expect(st.recycled_hits).toBe(8000);
    expect(st.used_hits).toBe(0);
    expect(sq.finish()).toEqual([]);
  });

  it("when the stack holds skbs for a while, buffers come back through the used list and pages stay bounded", () => {
    const sq = createScriptedQueue({
      factory: createDqoStrategy(),
      config: { bufqSlots: 64, complqSlots: 64, doorbellThreshold: 8 },
    });
    for (let round = 0; round < 300; round++) {
      for (let i = 0; i < 30; i++) sq.receive(1500);
      sq.poll();
      while (sq.held.length > 90) sq.release(0, true);
    }
    const st = (sq.queue.strategy as DqoStrategy).stats();
    expect(st.used_hits).toBeGreaterThan(0);
    expect(sq.queue.counters.rx_no_buffer).toBe(0);
    // At most 63 posted + 90 held buffers exist at once, two per page: far fewer pages than packets.
    expect(sq.pages.peakResident).toBeLessThanOrEqual(63 + 90);
    expect(sq.pages.allocs).toBeLessThan(sq.queue.counters.rx_packets / 20);
    expect(sq.finish()).toEqual([]);
  });

  it("the driver copies packets up to the strategy's copybreak, and their buffers are reused at once", () => {
    const sq = createScriptedQueue({ factory: createDqoStrategy({ copybreak: 1000 }) });
    for (let i = 0; i < 50; i++) sq.receive(900);
    sq.receive(1001);
    sq.drain();
    expect(sq.queue.counters.rx_copybreak_pkt).toBe(50);
    const st = (sq.queue.strategy as DqoStrategy).stats();
    expect(st.rx_copybreak_pkt).toBe(50);
    expect(sq.pages.allocs).toBe(255);
    expect(sq.finish()).toEqual([]);
  });

  it("counts rejected buffer ids in rx_desc_err_dropped_pkt as the driver does", () => {
    const sq = createScriptedQueue({
      factory: createDqoStrategy(),
      config: { bufqSlots: 16, complqSlots: 16, doorbellThreshold: 8 },
    });
    sq.queue.deviceWriteRawCompletion(64, 100, 1, 0); // 16 slots × 4 = 64 states: out of range
    sq.queue.deviceWriteRawCompletion(20, 100, 1, 0); // in range, never posted
    sq.queue.poll();
    expect(sq.queue.counters.rx_invalid_buf_id).toBe(2);
    expect((sq.queue.strategy as DqoStrategy).stats().rx_desc_err_dropped_pkt).toBe(2);
    sq.queue.counters.rx_invalid_buf_id = 0;
    expect(sq.finish()).toEqual([]);
  });
});
