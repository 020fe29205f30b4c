import { describe, expect, it } from "vitest";
import { NONE } from "./constants.js";
import { PieceMap } from "./piece-map.js";

describe("PieceMap", () => {
  it("hands out every piece of a fresh page once, lowest first, then reports none", () => {
    const map = new PieceMap(8);
    map.addPage(3);
    expect(map.freePieces).toBe(8);
    const taken = Array.from({ length: 8 }, () => map.take());
    expect(taken).toEqual([24, 25, 26, 27, 28, 29, 30, 31]);
    expect(map.take()).toBe(NONE);
    expect(map.freePieces).toBe(0);
  });

  it("prefers the page that most recently got a piece back, and counts free pieces per page", () => {
    const map = new PieceMap(2);
    map.addPage(0);
    map.addPage(1);
    for (let i = 0; i < 4; i++) map.take();
    expect(map.markFree(0, 1)).toBe(true);
    expect(map.markFree(1, 0)).toBe(true);
    expect(map.freeOf(0)).toBe(1);
    expect(map.take()).toBe(2); // page 1, piece 0
    expect(map.take()).toBe(1); // page 0, piece 1
    expect(map.take()).toBe(NONE);
  });

  it("refuses to free a piece twice, or one of a page it does not hold", () => {
    const map = new PieceMap(4);
    map.addPage(0);
    map.take();
    expect(map.markFree(0, 0)).toBe(true);
    expect(map.markFree(0, 0)).toBe(false);
    expect(map.markFree(0, 3)).toBe(false); // never taken: still free
    expect(map.markFree(5, 0)).toBe(false);
    expect(map.markFree(0, 4)).toBe(false);
    expect(map.freePieces).toBe(4);
  });

  it("spans several bitmap words per page and grows with the page ids", () => {
    const map = new PieceMap(70);
    map.addPage(200);
    const seen = new Set<number>();
    for (let i = 0; i < 70; i++) seen.add(map.take() - 200 * 70);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 70 }, (_, i) => i));
    expect(map.take()).toBe(NONE);
    expect(map.markFree(200, 69)).toBe(true);
    expect(map.markFree(200, 33)).toBe(true);
    expect(map.take()).toBe(200 * 70 + 33);
    expect(map.heldPages()).toEqual([200]);
  });

  it("tells a piece's first use from its reuse", () => {
    const map = new PieceMap(2);
    map.addPage(0);
    const piece = map.take();
    expect(map.firstUse(piece)).toBe(true);
    expect(map.firstUse(piece)).toBe(false);
    map.markFree(0, piece);
    map.addPage(1);
    expect(map.firstUse(2)).toBe(true);
  });

  it("forgets every page on clear", () => {
    const map = new PieceMap(2);
    map.addPage(0);
    map.clear();
    expect(map.take()).toBe(NONE);
    expect(map.holds(0)).toBe(false);
    expect(map.pagesHeld).toBe(0);
  });
});
