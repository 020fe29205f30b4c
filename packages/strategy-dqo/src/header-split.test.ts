import { createScriptedQueue } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { createDqoStrategy, type DqoStrategy } from "./dqo-strategy.js";
import { direct } from "./test-support/direct-env.js";

const RINGS = { bufqSlots: 64, complqSlots: 64, doorbellThreshold: 1 };

describe("header split", () => {
  it("posts 4096-byte data buffers whatever the queue's buffer size (gve_get_pkt_buf_size)", () => {
    const sq = createScriptedQueue({
      factory: createDqoStrategy({ headerSplit: true }),
      config: { ...RINGS, bufferSize: 2048 },
    });
    const dqo = sq.queue.strategy as DqoStrategy;
    expect(dqo.geometry.bufferSize).toBe(4096);
    expect(Array.from(sq.queue.bufq.len.subarray(0, 63)).every((len) => len === 4096)).toBe(true);
    // A 4000-byte packet fits one data buffer.
    sq.receive(4000);
    sq.drain();
    expect(sq.queue.counters.completions).toBe(1);
    expect(sq.finish()).toEqual([]);
    // An explicit buffer size wins (gve's 2 KiB fallback when the device cannot do 4 KiB).
    const small = createScriptedQueue({ factory: createDqoStrategy({ headerSplit: true, bufferSize: 2048 }) });
    expect(small.queue.bufq.len[0]).toBe(2048);
    small.finish();
  });

  it("on 4 KiB pages every fragment sends its state to used, without reading the page count", () => {
    const d = direct({ headerSplit: true });
    d.refill(3);
    const reads = d.pages.refReads;
    d.takeLog();
    const held = [d.frag(0, 100), d.frag(1, 4096)];
    d.release(d.frag(2, 1500));
    expect(d.takeLog()).toEqual(["D frag 0 refs=1 -> used", "D frag 1 refs=1 -> used", "D frag 2 refs=1 -> used"]);
    expect(d.s.lists().used).toEqual([0, 1, 2]);
    expect(d.s.pageOffset[0]).toBe(0);
    expect(d.pages.refReads).toBe(reads);
    // Only the scan brings them back: the released one first.
    expect(d.refill(1)[0].id).toBe(2);
    for (const page of held) d.release(page);
  });

  it("on 16 KiB pages the 4096-byte buffers walk the page as usual", () => {
    const d = direct({ headerSplit: true }, { pageSize: 16384 });
    d.refill(1);
    d.takeLog();
    d.frag(0);
    expect(d.takeLog()).toEqual(["D frag 0 refs=1 -> recycled"]);
    expect(d.refill(1)).toEqual([{ id: 0, page: 0, off: 4096, len: 4096 }]);
  });

  it("a split packet skips copybreak: even a 64-byte packet pins its data buffer's page until released", () => {
    const sq = createScriptedQueue({ factory: createDqoStrategy({ headerSplit: true }), config: RINGS });
    const dqo = sq.queue.strategy as DqoStrategy;
    expect(dqo.copybreak).toBe(0);
    for (let i = 0; i < 10; i++) sq.receive(64);
    sq.drain();
    expect(sq.queue.counters.rx_copybreak_pkt).toBe(0);
    expect(sq.held).toHaveLength(10);
    expect(sq.checker.heldFragments()).toBe(10);
    expect(dqo.states.lists().used).toHaveLength(10);
    expect(sq.finish()).toEqual([]);

    // With a copybreak given, packets that short are modelled as left unsplit and copied.
    const unsplit = createScriptedQueue({
      factory: createDqoStrategy({ headerSplit: true, copybreak: 256 }),
      config: RINGS,
    });
    for (let i = 0; i < 10; i++) unsplit.receive(64);
    unsplit.drain();
    expect(unsplit.queue.counters.rx_copybreak_pkt).toBe(10);
    expect(unsplit.checker.heldFragments()).toBe(0);
    expect(unsplit.finish()).toEqual([]);
  });

  it("counts the header buffers' bytes, one buffer per bufq slot, outside the page table", () => {
    const sq = createScriptedQueue({ factory: createDqoStrategy({ headerSplit: true }), config: RINGS });
    const dqo = sq.queue.strategy as DqoStrategy;
    expect(dqo.geometry.headerBufferSize).toBe(128);
    expect(dqo.stats().header_buf_bytes).toBe(64 * 128);
    // The page table holds the data buffers' pages only: 63 posted, one page each.
    expect(sq.pages.resident).toBe(63);
    sq.finish();
    const sized = createScriptedQueue({
      factory: createDqoStrategy({ headerSplit: true }),
      config: { ...RINGS, headerBufferSize: 256 },
    });
    expect((sized.queue.strategy as DqoStrategy).stats().header_buf_bytes).toBe(64 * 256);
    sized.finish();
    const off = createScriptedQueue({ factory: createDqoStrategy(), config: { ...RINGS, headerBufferSize: 256 } });
    expect((off.queue.strategy as DqoStrategy).stats().header_buf_bytes).toBe(0);
    off.finish();
  });
});
