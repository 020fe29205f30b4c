import { describe, expect, it } from "vitest";
import { SkbTable } from "./skb-table.js";

const frags = (t: SkbTable, s: number) => t.fragments(s);

describe("SkbTable", () => {
  it("keeps a one-buffer packet's fragment in the skb record and later ones in order in the list", () => {
    const t = new SkbTable(2);
    const one = t.allocSkb(7);
    t.addFrag(one, 3, 2048, 1500);
    const many = t.allocSkb(8);
    for (let i = 0; i < 5; i++) t.addFrag(many, 10 + i, 0, 2048);
    expect(frags(t, one)).toEqual([[3, 2048, 1500]]);
    expect(t.fragHead[one]).toBe(-1);
    expect(frags(t, many)).toEqual([0, 1, 2, 3, 4].map((i) => [10 + i, 0, 2048]));
    expect(t.fragCount[many]).toBe(5);
    expect(t.cookie[many]).toBe(8);
    expect(t.liveSkbs()).toEqual([one, many]);
    expect(t.capacity).toBeGreaterThanOrEqual(2);
  });

  it("reuses freed records and fragment records without mixing fragments of old and new skbs", () => {
    const t = new SkbTable(1);
    const a = t.allocSkb(0);
    for (let i = 0; i < 4; i++) t.addFrag(a, i, 0, 100);
    t.freeSkbRecord(a);
    expect(t.isLive(a)).toBe(false);
    expect(t.live).toBe(0);
    const b = t.allocSkb(1);
    expect(b).toBe(a);
    t.addFrag(b, 20, 0, 64);
    t.addFrag(b, 21, 0, 64);
    expect(frags(t, b)).toEqual([
      [20, 0, 64],
      [21, 0, 64],
    ]);
    const c = t.allocSkb(2);
    t.addFrag(c, 30, 0, 9000);
    expect(frags(t, c)).toEqual([[30, 0, 9000]]);
    expect(t.peakLive).toBe(2);
  });
});
