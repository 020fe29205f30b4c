import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HoldTable } from "./hold-table.js";
import { ReleaseHeap } from "./release-heap.js";
import { TimeSeriesRecorder } from "./time-series.js";

describe("ReleaseHeap", () => {
  it("pops in time order, ties in push order (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { maxLength: 300 }), (ops) => {
        const heap = new ReleaseHeap(2);
        const model: { t: number; id: number }[] = [];
        let id = 0;
        for (const [push, t] of ops) {
          if (push || model.length === 0) {
            heap.push(t, id);
            model.push({ t, id });
            id++;
          } else {
            model.sort((a, b) => a.t - b.t || a.id - b.id);
            const want = model.shift() as { t: number; id: number };
            expect(heap.topTime()).toBe(want.t);
            expect(heap.pop()).toBe(want.id);
          }
          expect(heap.size).toBe(model.length);
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("is empty with an infinite top; grows by doubling", () => {
    const heap = new ReleaseHeap(4);
    expect(heap.topTime()).toBe(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 5; i++) heap.push(10 - i, i);
    expect(heap.capacity).toBe(8);
    expect(heap.pop()).toBe(4);
  });
});

describe("HoldTable", () => {
  it("keeps holds by sequence number until taken", () => {
    const t = new HoldTable(16);
    t.put(5, 123);
    t.put(5 + 1024 * 3 + 1, 7);
    expect(t.take(5)).toBe(123);
    expect(() => t.take(5)).toThrow(/no hold recorded for packet 5/);
    expect(t.take(5 + 1024 * 3 + 1)).toBe(7);
  });

  it("grows when a live entry's slot comes round again, keeping every live entry", () => {
    const t = new HoldTable(1024);
    for (let s = 0; s < 1500; s++) t.put(s, s * 2);
    expect(t.capacity).toBe(2048);
    for (let s = 0; s < 1500; s++) expect(t.take(s)).toBe(s * 2);
  });

  it("overwrites entries of an earlier epoch (packets the driver dropped) instead of growing", () => {
    const t = new HoldTable(1024);
    for (let s = 0; s < 1024; s++) t.put(s, 1);
    t.epoch++;
    for (let s = 1024; s < 2048; s++) t.put(s, 2);
    expect(t.capacity).toBe(1024);
    expect(t.take(2047)).toBe(2);
    expect(() => t.take(0)).toThrow();
  });
});

describe("TimeSeriesRecorder", () => {
  it("merges pairs when full: levels keep the later sample, counts add, the interval doubles", () => {
    const r = new TimeSeriesRecorder(10, 4);
    let allocs = 0;
    for (let i = 1; i <= 4; i++) {
      allocs += i;
      r.sample(r.nextAt, i, 0, 0, allocs, 0, 0);
    }
    expect(r.points).toBe(2);
    expect(r.intervalNs).toBe(20);
    expect(r.nextAt).toBe(60);
    const j = r.toJSON();
    expect(j.tNs).toEqual([20, 40]);
    expect(j.residentPages).toEqual([2, 4]);
    // (1 + 2) allocations in 20 ns, then (3 + 4).
    expect(j.allocsPerSec).toEqual([3e9 / 20, 7e9 / 20]);
  });
});
