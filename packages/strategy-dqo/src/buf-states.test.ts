import { describe, expect, it } from "vitest";
import { BufList, BufStates } from "./buf-states.js";
import { NONE } from "./constants.js";

describe("BufStates (the driver's buf_states array and index lists)", () => {
  it("starts with every state on the free list, linked 0 → 1 → … → n-1, and no page", () => {
    const s = new BufStates(5);
    expect(s.lists()).toEqual({ free: [0, 1, 2, 3, 4], recycled: [], used: [], allocated: [] });
    expect(Array.from(s.next)).toEqual([1, 2, 3, 4, NONE]);
    expect(Array.from(s.page)).toEqual([NONE, NONE, NONE, NONE, NONE]);
    expect(s.freeHead).toBe(0);
    expect(Array.from(s.heads)).toEqual([NONE, NONE]);
    expect(Array.from(s.tails)).toEqual([NONE, NONE]);
  });

  it("a single state ends its own free list", () => {
    const s = new BufStates(1);
    expect(s.next[0]).toBe(NONE);
    expect(s.allocState()).toBe(0);
    expect(s.allocState()).toBe(NONE);
  });

  it("the free list is LIFO: a freed state is the next one allocated", () => {
    const s = new BufStates(4);
    expect([s.allocState(), s.allocState(), s.allocState()]).toEqual([0, 1, 2]);
    s.freeState(0);
    s.freeState(2);
    expect(s.lists().free).toEqual([2, 0, 3]);
    expect([s.allocState(), s.allocState(), s.allocState(), s.allocState()]).toEqual([2, 0, 3, NONE]);
    expect(s.freeHead).toBe(NONE);
  });

  it("taking a state off a list marks it allocated (next = own index); putting it on one clears the mark", () => {
    const s = new BufStates(3);
    const id = s.allocState();
    expect(s.isAllocated(id)).toBe(true);
    expect(s.next[id]).toBe(id);
    s.enqueue(BufList.Used, id);
    expect(s.isAllocated(id)).toBe(false);
    expect(s.dequeue(BufList.Used)).toBe(id);
    expect(s.isAllocated(id)).toBe(true);
    s.freeState(id);
    expect(s.isAllocated(id)).toBe(false);
    expect(s.isAllocated(1)).toBe(false);
    expect(s.lists().allocated).toEqual([]);
  });

  it("recycled and used are FIFOs with head and tail; emptying one resets its tail", () => {
    const s = new BufStates(6);
    for (let i = 0; i < 6; i++) s.allocState();
    s.enqueue(BufList.Recycled, 4);
    s.enqueue(BufList.Recycled, 1);
    s.enqueue(BufList.Recycled, 3);
    s.enqueue(BufList.Used, 5);
    expect(s.heads[BufList.Recycled]).toBe(4);
    expect(s.tails[BufList.Recycled]).toBe(3);
    expect(s.next[3]).toBe(NONE);
    expect(s.lists()).toEqual({ free: [], recycled: [4, 1, 3], used: [5], allocated: [0, 2] });
    expect(s.dequeue(BufList.Recycled)).toBe(4);
    expect(s.dequeue(BufList.Recycled)).toBe(1);
    expect(s.tails[BufList.Recycled]).toBe(3);
    expect(s.isEmpty(BufList.Recycled)).toBe(false);
    expect(s.dequeue(BufList.Recycled)).toBe(3);
    expect(s.isEmpty(BufList.Recycled)).toBe(true);
    expect(s.heads[BufList.Recycled]).toBe(NONE);
    expect(s.tails[BufList.Recycled]).toBe(NONE);
    expect(s.dequeue(BufList.Recycled)).toBe(NONE);
    // The other list was untouched.
    expect(s.dequeue(BufList.Used)).toBe(5);
    expect(s.tails[BufList.Used]).toBe(NONE);
  });

  it("lists() stops at size steps even if a link loops", () => {
    const s = new BufStates(3);
    for (let i = 0; i < 3; i++) s.allocState();
    s.enqueue(BufList.Used, 0);
    s.enqueue(BufList.Used, 1);
    s.next[1] = 0; // corrupt: 0 → 1 → 0 → …
    expect(s.lists().used).toEqual([0, 1, 0]);
  });
});
