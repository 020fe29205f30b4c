import { describe, expect, it } from "vitest";
import { createRng } from "./rng.js";

describe("createRng", () => {
  it("gives the same numbers for the same seed and stream", () => {
    const a = createRng(7, "arrivals");
    const b = createRng(7, "arrivals");
    for (let i = 0; i < 1000; i++) expect(a.nextU32()).toBe(b.nextU32());
  });

  it("pins the first outputs so a change of algorithm cannot pass unnoticed", () => {
    const r = createRng(1, "main");
    const first = [r.nextU32(), r.nextU32(), r.nextU32()];
    expect(first).toMatchInlineSnapshot(`
      [
        732778768,
        2337185066,
        3067844308,
      ]
    `);
  });

  it("keeps streams independent: different names give different sequences", () => {
    const a = createRng(7, "arrivals");
    const b = createRng(7, "sizes");
    const same = Array.from({ length: 100 }, () => a.nextU32() === b.nextU32()).filter(Boolean).length;
    expect(same).toBeLessThan(3);
  });

  it("draws uniform floats in [0, 1) with the right mean", () => {
    const r = createRng(3);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it("draws exponentials with the requested mean and normals with unit variance", () => {
    const r = createRng(11);
    let s = 0;
    let n1 = 0;
    let n2 = 0;
    const N = 100_000;
    for (let i = 0; i < N; i++) {
      s += r.nextExponential(5);
      const z = r.nextNormal();
      n1 += z;
      n2 += z * z;
    }
    expect(s / N).toBeGreaterThan(4.9);
    expect(s / N).toBeLessThan(5.1);
    expect(Math.abs(n1 / N)).toBeLessThan(0.02);
    expect(n2 / N).toBeGreaterThan(0.98);
    expect(n2 / N).toBeLessThan(1.02);
  });

  it("nextInt covers [0, n) evenly", () => {
    const r = createRng(5);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[r.nextInt(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it("rejects seeds that are not safe integers", () => {
    expect(() => createRng(1.5)).toThrow(/seed must be a safe integer/);
  });

  it("fork derives a named, reproducible stream", () => {
    expect(createRng(2).fork("x").nextU32()).toBe(createRng(2, "main/x").nextU32());
  });
});
