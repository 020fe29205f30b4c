import { NO_PAGE } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { PTR_RING_BATCH, PtrRing } from "./ptr-ring.js";

describe("PtrRing (include/linux/ptr_ring.h)", () => {
  it("batches 16 slots (two 64-byte cache lines of pointers), or 1 on rings of fewer than 32 slots", () => {
    expect(PTR_RING_BATCH).toBe(16);
    expect(new PtrRing(1024).batch).toBe(16);
    expect(new PtrRing(32).batch).toBe(16);
    expect(new PtrRing(31).batch).toBe(1);
    expect(new PtrRing(1).batch).toBe(1);
  });

  it("is FIFO and reports empty at a NULL head", () => {
    const r = new PtrRing(64);
    expect(r.empty).toBe(true);
    expect(r.consume()).toBe(NO_PAGE);
    for (let p = 0; p < 5; p++) expect(r.produce(p)).toBe(true);
    expect(r.count).toBe(5);
    expect([r.consume(), r.consume(), r.consume()]).toEqual([0, 1, 2]);
    expect(r.count).toBe(2);
    expect(r.empty).toBe(false);
  });

  it("a full ring stays full until the consumer has cleared a whole batch", () => {
    const r = new PtrRing(128);
    for (let p = 0; p < 128; p++) expect(r.produce(p)).toBe(true);
    expect(r.produce(999)).toBe(false);
    // 15 consumed: their slots still hold pointers, so the producer still sees "full".
    for (let i = 0; i < 15; i++) r.consume();
    expect(r.count).toBe(113);
    expect(r.produce(999)).toBe(false);
    // The 16th clears all 16 at once.
    r.consume();
    for (let i = 0; i < 16; i++) expect(r.produce(1000 + i)).toBe(true);
    expect(r.produce(999)).toBe(false);
    expect(r.count).toBe(128);
  });

  it("clears what it consumed when it reaches the end of the array, batch or not", () => {
    const r = new PtrRing(40); // batch 16
    for (let p = 0; p < 40; p++) r.produce(p);
    for (let i = 0; i < 40; i++) expect(r.consume()).toBe(i);
    // 32 cleared in two batches, the last 8 at the end of the array: all 40 slots are free again.
    for (let p = 0; p < 40; p++) expect(r.produce(p)).toBe(true);
    expect(r.produce(99)).toBe(false);
  });

  it("without batching (a small ring) every consumed slot is free at once", () => {
    const r = new PtrRing(8);
    for (let p = 0; p < 8; p++) r.produce(p);
    r.consume();
    expect(r.produce(8)).toBe(true);
  });
});
