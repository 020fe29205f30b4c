import { describe, expect, it } from "vitest";
import { createHostPageBudget } from "./host-page-budget.js";
import { createPageTable, NO_PAGE } from "./page-table.js";

describe("host page budget: one allocator and cap for several queues' page tables", () => {
  it("pages held by one table make another's allocation fail at the host's cap, and a free lets it succeed", () => {
    const host = createHostPageBudget(3);
    const a = createPageTable({ host });
    const b = createPageTable({ host });
    const held = [a.alloc(), a.alloc(), a.alloc()];
    expect(held).not.toContain(NO_PAGE);
    expect(b.alloc()).toBe(NO_PAGE);
    expect(b.allocFailures).toBe(1);
    expect(host.capFailures).toBe(1);
    a.put(held[0]);
    expect(host.resident).toBe(2);
    expect(b.alloc()).not.toBe(NO_PAGE);
    expect(host.resident).toBe(3);
    expect(host.peakResident).toBe(3);
    // Each table still counts only its own pages.
    expect(a.resident).toBe(2);
    expect(b.resident).toBe(1);
  });

  it("no cap: the budget only counts", () => {
    const host = createHostPageBudget(null);
    const a = createPageTable({ host });
    for (let i = 0; i < 100; i++) expect(a.alloc()).not.toBe(NO_PAGE);
    expect(host.resident).toBe(100);
    expect(host.maxPages).toBe(Number.POSITIVE_INFINITY);
  });

  it("refuses a cap that is not positive", () => {
    expect(() => createHostPageBudget(0)).toThrow(RangeError);
  });
});
