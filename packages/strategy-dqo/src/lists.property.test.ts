import { createScriptedQueue, type ScriptedQueue } from "@rxsim/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NONE } from "./constants.js";
import { createDqoStrategy, type DqoStrategy } from "./dqo-strategy.js";

/**
 * Every state is in exactly one place (free list, recycled, used, or
 * allocated = posted to the device), the posted ones are exactly the buffers
 * the rings have outstanding, and page references add up: every allocated page
 * is either a state's page (count = bias + stack references) or a page the
 * strategy let go of (count = stack references only).
 */
function checkLists(sq: ScriptedQueue): void {
  const dqo = sq.queue.strategy as DqoStrategy;
  const s = dqo.states;
  const { free, recycled, used, allocated } = s.lists();
  const seen = new Int32Array(s.size);
  for (const id of [...free, ...recycled, ...used, ...allocated]) seen[id]++;
  for (let id = 0; id < s.size; id++) {
    if (seen[id] !== 1) throw new Error(`state ${id} is in ${seen[id]} places`);
  }
  expect(free.length + recycled.length + used.length + allocated.length).toBe(s.size);
  expect(allocated.length).toBe(sq.queue.bufq.outstanding());
  const ownPage = new Map<number, number>();
  for (let id = 0; id < s.size; id++) {
    const page = s.page[id];
    const onFree = s.next[id] !== id && free.includes(id);
    if (onFree) {
      expect(page, `state ${id} is on the free list with a page`).toBe(NONE);
      continue;
    }
    expect(page, `state ${id} is in use without a page`).toBeGreaterThanOrEqual(0);
    expect(sq.pages.isAllocated(page)).toBe(true);
    expect(ownPage.has(page), `page ${page} belongs to two states`).toBe(false);
    ownPage.set(page, id);
    expect(s.pagecntBias[id]).toBeGreaterThanOrEqual(1);
    expect(s.pageOffset[id] % dqo.geometry.bufferSize).toBe(0);
    expect(s.pageOffset[id]).toBeLessThan(dqo.geometry.pageSize);
  }
  let stackRefs = 0;
  for (const page of sq.pages.allocatedPages()) {
    const id = ownPage.get(page);
    stackRefs += sq.pages.peek(page) - (id === undefined ? 0 : s.pagecntBias[id]);
  }
  expect(stackRefs).toBe(sq.checker.heldFragments());
}

const geometry = fc.constantFrom(
  { pageSize: 4096, bufferSize: 2048 },
  { pageSize: 4096, bufferSize: 4096 },
  { pageSize: 16384, bufferSize: 2048 },
  { pageSize: 65536, bufferSize: 4096 },
);

const op = fc.oneof(
  fc.record({
    t: fc.constant("rx" as const),
    len: fc.oneof(
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 60, max: 1514 }),
      fc.integer({ min: 1, max: 20_000 }),
    ),
    err: fc.boolean(),
    nomem: fc.boolean(),
  }),
  fc.record({ t: fc.constant("poll" as const) }),
  fc.record({ t: fc.constant("release" as const), pick: fc.nat(), napi: fc.boolean() }),
  fc.record({ t: fc.constant("releaseAll" as const) }),
);

describe("dqo lists under random traffic (fast-check, seed 20240601)", () => {
  it("random release orders never violate an invariant, and every state is always in exactly one list", () => {
    fc.assert(
      fc.property(
        geometry,
        fc.constantFrom(16, 32),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.array(op, { minLength: 20, maxLength: 150, size: "max" }),
        (g, slots, scanLimit, stateMultiplier, bias, ooo, failP, ops) => {
          const sq = createScriptedQueue({
            factory: createDqoStrategy({ scanLimit, stateMultiplier, bias }),
            config: { ...g, bufqSlots: slots, complqSlots: slots, doorbellThreshold: 4 },
            oooWindow: ooo,
            failure: { probability: failP },
          });
          checkLists(sq);
          for (const o of ops) {
            if (o.t === "rx")
              sq.receive(o.len, { error: o.err && o.len % 5 === 0, skbAllocFail: o.nomem && o.len % 7 === 0 });
            else if (o.t === "poll") sq.poll();
            else if (o.t === "release") {
              if (sq.held.length > 0) sq.release(o.pick % sq.held.length, o.napi);
            } else sq.releaseAll();
            checkLists(sq);
          }
          sq.drain();
          checkLists(sq);
          expect(sq.finish()).toEqual([]);
          expect(sq.checker.violations).toBe(0);
          const dqo = sq.queue.strategy as DqoStrategy;
          expect(Array.from(dqo.states.page).every((p) => p === NONE)).toBe(true);
          const st = dqo.stats();
          expect(st.pages_allocated).toBe(st.pages_freed);
          expect(sq.pages.allocs).toBe(st.pages_allocated);
        },
      ),
      { numRuns: 60, seed: 20240601 },
    );
  }, 120_000);
});
