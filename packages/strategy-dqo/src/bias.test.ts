import { CompletionKind } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { INT_MAX } from "./constants.js";
import { direct } from "./test-support/direct-env.js";

describe("pagecnt_bias", () => {
  it("gve_alloc_page_dqo: a fresh page gets INT_MAX - 1 more references in one atomic add; bias INT_MAX", () => {
    const d = direct();
    d.refill(1);
    expect(d.pages.atomicOps).toBe(1);
    expect(d.pages.peek(0)).toBe(INT_MAX);
    expect(d.s.pagecntBias[0]).toBe(INT_MAX);
    expect(d.refs(0)).toBe(0);
    expect(d.s.pageOffset[0]).toBe(0);
    expect(d.s.lastSingleRefOffset[0]).toBe(0);
    expect(d.dqo.stats()).toMatchObject({ pages_allocated: 1, fresh_states: 1 });
  });

  it("gve_dec_pagecnt_bias: each fragment spends one reference with no atomic; the stack's put is the only atomic", () => {
    const d = direct({}, { pageSize: 16384 });
    d.refill(1);
    const atomics = d.pages.atomicOps;
    const held: number[] = [];
    for (let i = 0; i < 3; i++) {
      held.push(d.frag(0));
      d.refill(1);
    }
    expect(d.pages.atomicOps).toBe(atomics);
    expect(d.s.pagecntBias[0]).toBe(INT_MAX - 3);
    expect(d.pages.peek(0)).toBe(INT_MAX);
    expect(d.refs(0)).toBe(3);
    for (const page of held) d.release(page);
    expect(d.pages.atomicOps).toBe(atomics + 3);
    expect(d.refs(0)).toBe(0);
    expect(d.dqo.stats().bias_restocks).toBe(0);
  });

  it("restocks at 0: one page_count read and one atomic add of INT_MAX - page_count", () => {
    const d = direct({}, { pageSize: 16384 });
    d.refill(1);
    const held = d.frag(0); // the stack holds one fragment
    d.refill(1);
    // Spend the bias down to 1 without simulating two billion fragments: drop the same references from the page.
    d.pages.sub(0, INT_MAX - 2);
    d.s.pagecntBias[0] = 1;
    expect(d.pages.peek(0)).toBe(2);
    const atomics = d.pages.atomicOps;
    const reads = d.pages.refReads;
    d.takeLog();
    d.frag(0); // bias 1 → 0: restock
    expect(d.pages.atomicOps - atomics).toBe(1);
    // The restock reads page_count (2), then gve_try_recycle_buf reads it once more.
    expect(d.pages.refReads - reads).toBe(2);
    expect(d.s.pagecntBias[0]).toBe(INT_MAX - 2);
    expect(d.pages.peek(0)).toBe(INT_MAX);
    expect(d.refs(0)).toBe(2);
    expect(d.takeLog()).toEqual(["D restock 0 page=0", "D frag 0 refs=2 -> recycled"]);
    expect(d.dqo.stats().bias_restocks).toBe(1);
    d.release(held);
    d.release(0);
    expect(d.refs(0)).toBe(0);
  });

  it("does not restock while the bias is above 0", () => {
    const d = direct({}, { pageSize: 16384 });
    d.refill(1);
    d.pages.sub(0, INT_MAX - 2);
    d.s.pagecntBias[0] = 2;
    const atomics = d.pages.atomicOps;
    d.frag(0); // 2 → 1
    expect(d.pages.atomicOps).toBe(atomics);
    expect(d.s.pagecntBias[0]).toBe(1);
    expect(d.dqo.stats().bias_restocks).toBe(0);
  });

  it("gve_free_page_dqo: page_ref_sub(bias - 1) then put_page; the stack's references keep the page", () => {
    const d = direct();
    d.refill(2);
    const held = d.frag(0);
    const atomics = d.pages.atomicOps;
    d.takeLog();
    d.dqo.teardown();
    // Two atomics per page: the sub and the put.
    expect(d.pages.atomicOps - atomics).toBe(4);
    expect(d.pages.isAllocated(held)).toBe(true);
    expect(d.pages.peek(held)).toBe(1);
    expect(d.pages.isAllocated(1)).toBe(false);
    expect(d.takeLog()).toEqual([
      "D free-page 0 bufId=0 reason=teardown",
      "D free-page 1 bufId=1 reason=teardown",
      "P free 1",
    ]);
    d.release(held);
    expect(d.takeLog()).toEqual(["P free 0"]);
    expect(d.pages.resident).toBe(0);
  });

  describe("without the bias trick (bias: false)", () => {
    it("a fresh page keeps just the allocation's reference: no atomic", () => {
      const d = direct({ bias: false });
      d.refill(1);
      expect(d.pages.atomicOps).toBe(0);
      expect(d.pages.peek(0)).toBe(1);
      expect(d.s.pagecntBias[0]).toBe(1);
      expect(d.refs(0)).toBe(0);
    });

    it("each fragment takes a get_page (one atomic); recycling decisions are the same", () => {
      const d = direct({ bias: false }, { pageSize: 16384 });
      d.refill(1);
      const held: number[] = [];
      for (let i = 0; i < 8; i++) {
        if (i > 0) expect(d.refill(1)[0].id).toBe(0);
        held.push(d.frag(0));
      }
      expect(d.pages.atomicOps).toBe(8);
      expect(d.pages.peek(0)).toBe(9);
      expect(d.refs(0)).toBe(8);
      expect(d.s.pagecntBias[0]).toBe(1);
      expect(d.s.lists().used).toEqual([0]);
      for (const page of held) d.release(page);
      expect(d.pages.atomicOps).toBe(16);
      expect(d.refs(0)).toBe(0);
      expect(d.dqo.stats().bias_restocks).toBe(0);
    });

    it("freeing a page is one put_page", () => {
      const d = direct({ bias: false });
      d.refill(2);
      const held = d.frag(0);
      const atomics = d.pages.atomicOps;
      d.dqo.teardown();
      expect(d.pages.atomicOps - atomics).toBe(2);
      expect(d.pages.peek(held)).toBe(1);
      d.release(held);
      expect(d.pages.resident).toBe(0);
    });

    it("copybreak and errors take no reference", () => {
      const d = direct({ bias: false });
      d.refill(1);
      d.complete(0, CompletionKind.Copy);
      expect(d.pages.atomicOps).toBe(0);
      expect(d.pages.peek(0)).toBe(1);
    });
  });
});
