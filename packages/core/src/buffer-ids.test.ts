import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BufferIdOrder, BufferIdTable } from "./buffer-ids.js";
import { NO_PAGE } from "./page-table.js";

/** Take `n` ids for pages 100, 101, … at offsets 0, 64, …; returns the ids. */
function takeN(t: BufferIdTable, n: number): number[] {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(t.take(100 + i, i * 64));
  return ids;
}

describe("BufferIdTable", () => {
  for (const order of ["lifo", "fifo"] as BufferIdOrder[]) {
    describe(order, () => {
      it("hands out 0, 1, 2, … first and records page and offset per id", () => {
        const t = new BufferIdTable(4, order);
        expect(takeN(t, 3)).toEqual([0, 1, 2]);
        expect(t.page(1)).toBe(101);
        expect(t.offset(1)).toBe(64);
        expect(t.free).toBe(1);
        expect(t.outstanding).toBe(3);
      });

      it("returns -1 when every id is outstanding, and takes nothing then", () => {
        const t = new BufferIdTable(2, order);
        takeN(t, 2);
        expect(t.take(7, 0)).toBe(-1);
        expect(t.free).toBe(0);
        expect(t.outstanding).toBe(2);
      });

      it("rejects out-of-range, non-integer and free ids as not outstanding", () => {
        const t = new BufferIdTable(4, order);
        takeN(t, 2);
        expect(t.isOutstanding(0)).toBe(true);
        expect(t.isOutstanding(1)).toBe(true);
        for (const bad of [2, 3, 4, -1, 1 << 20, 0.5, Number.NaN]) expect(t.isOutstanding(bad)).toBe(false);
        expect(t.release(0)).toBe(100);
        expect(t.isOutstanding(0)).toBe(false);
        expect(t.page(0)).toBe(-1);
      });

      it("reclaims an outstanding id (its page, offset still readable) and counts every other id as rejected", () => {
        const t = new BufferIdTable(4, order);
        takeN(t, 2);
        expect(t.reclaim(1)).toBe(101);
        expect(t.isOutstanding(1)).toBe(false);
        expect(t.offset(1)).toBe(64);
        expect(t.rejected).toBe(0);
        for (const bad of [1, 2, 4, -1, 1 << 20, 0.5, Number.NaN]) expect(t.reclaim(bad)).toBe(NO_PAGE);
        expect(t.rejected).toBe(7);
        expect(t.free).toBe(3);
        expect(t.isOutstanding(0)).toBe(true);
      });

      it("refuses to release an id that is not outstanding (a double release would duplicate a free id)", () => {
        const t = new BufferIdTable(4, order);
        const [id] = takeN(t, 1);
        t.release(id);
        expect(() => t.release(id)).toThrow(/not outstanding/);
        expect(() => t.release(9)).toThrow(/not outstanding/);
        expect(t.free).toBe(4);
      });

      it("refuses a negative page (it would read as a free id)", () => {
        const t = new BufferIdTable(4, order);
        expect(() => t.take(-1, 0)).toThrow(RangeError);
        expect(t.free).toBe(4);
      });

      it("visits outstanding ids in ascending order; releaseAll frees them all and reports what they held", () => {
        const t = new BufferIdTable(6, order);
        takeN(t, 5);
        t.release(3);
        t.release(0);
        const seen: number[][] = [];
        t.forEachOutstanding((id, page, offset) => seen.push([id, page, offset]));
        expect(seen).toEqual([
          [1, 101, 64],
          [2, 102, 128],
          [4, 104, 256],
        ]);
        const released: number[][] = [];
        t.releaseAll((id, page, offset) => {
          expect(t.isOutstanding(id)).toBe(false);
          released.push([id, page, offset]);
        });
        expect(released).toEqual(seen);
        expect(t.outstanding).toBe(0);
        expect(t.free).toBe(6);
        t.releaseAll(() => expect.unreachable());
      });
    });
  }

  it("lifo hands out the id released last", () => {
    const t = new BufferIdTable(4, "lifo");
    takeN(t, 3);
    t.release(0);
    t.release(2);
    expect(t.take(1, 0)).toBe(2);
    expect(t.take(1, 0)).toBe(0);
    expect(t.take(1, 0)).toBe(3);
  });

  it("fifo hands out the id free the longest, wrapping around its ring", () => {
    const t = new BufferIdTable(4, "fifo");
    takeN(t, 3);
    t.release(2);
    t.release(0);
    expect([t.take(1, 0), t.take(1, 0), t.take(1, 0)]).toEqual([3, 2, 0]);
    t.release(1);
    t.release(3);
    expect([t.take(1, 0), t.take(1, 0)]).toEqual([1, 3]);
  });

  it("validates its constructor arguments", () => {
    expect(() => new BufferIdTable(0, "lifo")).toThrow(/capacity must be an integer/);
    expect(() => new BufferIdTable(2.5, "fifo")).toThrow(/capacity must be an integer/);
    expect(() => new BufferIdTable(4, "random" as BufferIdOrder)).toThrow(/order must be "lifo" or "fifo"/);
  });

  it("property: matches a plain array model (stack or queue) under any take/release sequence", () => {
    const step = fc.oneof(
      fc.constant({ t: "take" as const }),
      fc.record({ t: fc.constant("release" as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<BufferIdOrder>("lifo", "fifo"),
        fc.integer({ min: 1, max: 9 }),
        fc.array(step, { maxLength: 200 }),
        (order, capacity, steps) => {
          const t = new BufferIdTable(capacity, order);
          // The model takes from the front; a LIFO release goes back to the front, a FIFO one to the end.
          const free = Array.from({ length: capacity }, (_, i) => i);
          const held = new Map<number, number>();
          let page = 0;
          for (const s of steps) {
            if (s.t === "take") {
              const want = free.length === 0 ? -1 : (free.shift() as number);
              expect(t.take(page, page * 8)).toBe(want);
              if (want >= 0) held.set(want, page);
              page++;
            } else if (held.size > 0) {
              const ids = [...held.keys()];
              const id = ids[s.pick % ids.length];
              expect(t.page(id)).toBe(held.get(id));
              expect(t.offset(id)).toBe((held.get(id) as number) * 8);
              expect(s.pick % 2 === 0 ? t.release(id) : t.reclaim(id)).toBe(held.get(id));
              held.delete(id);
              if (order === "fifo") free.push(id);
              else free.unshift(id);
            }
            expect(t.outstanding).toBe(held.size);
            for (let id = 0; id < capacity; id++) expect(t.isOutstanding(id)).toBe(held.has(id));
          }
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});
