import { describe, expect, it } from "vitest";
// The parser behind scripts/jit-instructions.mjs (a development script, not part of the package).
// @ts-expect-error: a plain .mjs script without type declarations
import { attribute } from "../../../scripts/callgrind-jit.mjs";

// Two V8 code objects: poll at 0x1000 (0x100 bytes), step at 0x2000 (0x40 bytes).
const MAP = [
  "1000 100 JS:*poll file:///repo/packages/core/dist/rx-queue.js:223:9",
  "2000 40 JS:*step file:///repo/x.js:1:1",
].join("\n");

describe("attribute (callgrind instructions by V8 function)", () => {
  it("reads absolute hex positions and decimal relative ones, and names them by the perf map", () => {
    const out = [
      "positions: instr line",
      "events: Ir",
      "fn=(1) 0x0000000000001000",
      "0x1000 0 5",
      // Relative positions are decimal: +250 is 0x10fa, inside poll (read as hex, 0x1250, it would be past it);
      // then +16 is 0x110a, past poll's end.
      "+250 0 100",
      "+16 0 7",
      "0x2000 0 3",
      "* 0 2",
      "+10 0 1",
    ].join("\n");
    const byFn = attribute(out, MAP, "/repo") as Map<string, number>;
    expect(Object.fromEntries(byFn)).toEqual({
      "JS:*poll packages/core/dist/rx-queue.js:223:9": 105,
      "JS:*step x.js:1:1": 6,
    });
  });

  it("leaves a call's inclusive cost out of the calling instruction", () => {
    const out = ["0x1000 0 4", "calls=1 0x2000", "+3 0 900", "+4 0 1"].join("\n");
    // 0x1000: 4; the call line at 0x1003 is the callee's cost (skipped); 0x1007: 1.
    expect([...(attribute(out, MAP, "/repo") as Map<string, number>).values()]).toEqual([5]);
  });

  it("counts nothing outside the code objects (the VM, libraries)", () => {
    expect((attribute("0x500 0 50\n+4096 0 9", MAP, "/repo") as Map<string, number>).size).toBe(0);
  });
});
