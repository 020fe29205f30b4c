import { describe, expect, it } from "vitest";
import { COMPL_EOP, COMPL_GENERATION } from "./descriptors.js";
import { BufferQueue, CompletionQueue } from "./rings.js";

describe("buffer queue", () => {
  it("keeps one slot empty: a 16-slot ring takes 15 buffers", () => {
    const q = new BufferQueue(16, 4);
    expect(q.freeSlots()).toBe(15);
    for (let i = 0; i < 15; i++) q.write(i, 0, 0, 2048);
    expect(q.freeSlots()).toBe(0);
    expect(q.outstanding()).toBe(15);
  });

  it("shows the device only what the doorbell exposed, every threshold buffers", () => {
    const q = new BufferQueue(64, 32);
    for (let i = 0; i < 31; i++) q.write(i, 0, 0, 2048);
    expect(q.visibleToDevice()).toBe(0);
    expect(q.availableToHardware()).toBe(0);
    q.write(31, 0, 0, 2048);
    expect(q.visibleToDevice()).toBe(32);
    expect(q.doorbells).toBe(1);
  });

  it("rejects sizes that are not powers of two", () => {
    expect(() => new BufferQueue(1000)).toThrow(/power of two/);
  });
});

describe("completion queue", () => {
  it("hands entries to the driver only when their generation differs, and flips on wrap", () => {
    const q = new CompletionQueue(4);
    expect(q.hasNext()).toBe(false);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) q.write(i, 100, COMPL_EOP, i);
      for (let i = 0; i < 4; i++) {
        expect(q.hasNext()).toBe(true);
        expect((q.flags[q.head] & COMPL_GENERATION) !== 0).toBe(round % 2 === 0);
        q.advance();
      }
      // Old entries from the previous lap must not look new.
      expect(q.hasNext()).toBe(false);
    }
  });

  it("tracks free slots for posting", () => {
    const q = new CompletionQueue(8);
    expect(q.numFreeSlots).toBe(8);
    q.numFreeSlots -= 3;
    q.write(0, 1, COMPL_EOP, 0);
    q.advance();
    expect(q.numFreeSlots).toBe(6);
  });
});
