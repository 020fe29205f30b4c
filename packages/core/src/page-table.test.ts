import { describe, expect, it, vi } from "vitest";
import { createManualClock } from "./clock.js";
import { createPageTable, NO_PAGE } from "./page-table.js";
import { createRng } from "./rng.js";

describe("page table", () => {
  it("allocates pages with count 1 and frees them when the count reaches 0", () => {
    const pt = createPageTable();
    const p = pt.alloc();
    expect(pt.peek(p)).toBe(1);
    expect(pt.resident).toBe(1);
    pt.get(p);
    pt.put(p);
    expect(pt.isAllocated(p)).toBe(true);
    pt.put(p);
    expect(pt.isAllocated(p)).toBe(false);
    expect(pt.counters()).toMatchObject({ allocs: 1, frees: 1, resident: 0, peakResident: 1, atomicOps: 3 });
  });

  it("counts every get, put, add and sub as one atomic, and reads separately", () => {
    const pt = createPageTable();
    const p = pt.alloc();
    pt.add(p, 2147483646); // INT_MAX - 1, as gve does on a fresh page
    expect(pt.count(p)).toBe(2147483647);
    pt.sub(p, 2147483646);
    pt.get(p);
    pt.put(p);
    expect(pt.atomicOps).toBe(4);
    expect(pt.refReads).toBe(1);
  });

  it("tracks peak resident pages and reuses freed ids", () => {
    const pt = createPageTable();
    const ids = Array.from({ length: 5 }, () => pt.alloc());
    for (const id of ids) pt.put(id);
    expect(pt.peakResident).toBe(5);
    expect(ids).toContain(pt.alloc());
  });

  it("reports a count below zero to the observer", () => {
    const pt = createPageTable();
    const observer = { pageFreed: vi.fn(), refUnderflow: vi.fn() };
    pt.setObserver(observer);
    const p = pt.alloc();
    pt.put(p);
    expect(observer.pageFreed).toHaveBeenCalledWith(p);
    pt.put(p);
    expect(observer.refUnderflow).toHaveBeenCalledWith(p, -1);
  });

  it("tells the listener when a watched count drops to its value, with the NAPI context", () => {
    const pt = createPageTable();
    const listener = { onPageCountDrop: vi.fn() };
    pt.setListener(listener);
    const p = pt.alloc();
    pt.add(p, 3);
    pt.watch(p, 2);
    pt.put(p); // 3: not yet
    expect(listener.onPageCountDrop).not.toHaveBeenCalled();
    pt.inNapi = true;
    pt.put(p);
    expect(listener.onPageCountDrop).toHaveBeenCalledWith(p, 2, true);
  });

  it("fails allocations on a scripted schedule of attempts", () => {
    const pt = createPageTable({ failure: { attempts: [2, 4] } });
    const got = Array.from({ length: 5 }, () => pt.alloc());
    expect(got.map((p) => p === NO_PAGE)).toEqual([false, true, false, true, false]);
    expect(pt.allocFailures).toBe(2);
  });

  it("fails every allocation inside a simulated-time window", () => {
    const clock = createManualClock();
    const pt = createPageTable({ failure: { windows: [[100, 200]] }, clock });
    expect(pt.alloc()).not.toBe(NO_PAGE);
    clock.set(150);
    expect(pt.alloc()).toBe(NO_PAGE);
    clock.set(200);
    expect(pt.alloc()).not.toBe(NO_PAGE);
  });

  it("fails allocations with a seeded probability, reproducibly", () => {
    const run = () => {
      const pt = createPageTable({ failure: { probability: 0.25 }, rng: createRng(9, "alloc") });
      return Array.from({ length: 2000 }, () => pt.alloc() === NO_PAGE);
    };
    const a = run();
    expect(a).toEqual(run());
    const rate = a.filter(Boolean).length / a.length;
    expect(rate).toBeGreaterThan(0.22);
    expect(rate).toBeLessThan(0.28);
  });

  it("caps resident pages (a QPL's fixed pool)", () => {
    const pt = createPageTable({ maxPages: 2 });
    const a = pt.alloc();
    pt.alloc();
    expect(pt.alloc()).toBe(NO_PAGE);
    pt.put(a);
    expect(pt.alloc()).not.toBe(NO_PAGE);
  });

  it("grows past its initial capacity", () => {
    const pt = createPageTable({ initialCapacity: 16 });
    const ids = Array.from({ length: 1000 }, () => pt.alloc());
    expect(new Set(ids).size).toBe(1000);
    expect(pt.allocatedPages().length).toBe(1000);
  });

  it("rejects unsupported page sizes and bad probabilities", () => {
    expect(() => createPageTable({ pageSize: 8192 })).toThrow(/pageSize must be one of 4096, 16384, 65536/);
    expect(() => createPageTable({ failure: { probability: 2 } })).toThrow(/probability/);
    expect(() => createPageTable({ failure: { probability: 0.1 } })).toThrow(/needs an rng/);
  });
});

describe("page table: which CPU touched a page last", () => {
  it("counts the first in-NAPI atomic or read after a process-context atomic as remote, then local", () => {
    const pages = createPageTable();
    pages.trackRemote = true;
    const p = pages.alloc();
    pages.inNapi = true;
    pages.get(p);
    pages.count(p);
    expect([pages.remoteAtomicOps, pages.remoteRefReads]).toEqual([0, 0]);
    pages.inNapi = false;
    pages.put(p); // the stack, on another CPU
    pages.inNapi = true;
    pages.count(p);
    pages.count(p);
    expect(pages.remoteRefReads).toBe(1);
    pages.inNapi = false;
    pages.get(p);
    pages.inNapi = true;
    pages.add(p, 5);
    pages.sub(p, 5);
    expect(pages.remoteAtomicOps).toBe(1);
    expect(pages.atomicOps).toBe(5);
  });

  it("tracks nothing when off", () => {
    const pages = createPageTable();
    const p = pages.alloc();
    pages.get(p);
    pages.inNapi = true;
    pages.put(p);
    pages.count(p);
    expect([pages.remoteAtomicOps, pages.remoteRefReads]).toEqual([0, 0]);
  });
});
