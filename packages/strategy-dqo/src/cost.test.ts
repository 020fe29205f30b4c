import { parseCostProfile } from "@rxsim/core";
import { costCounts, createScriptedQueue } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { createDqoStrategy } from "./dqo-strategy.js";

const COSTS = parseCostProfile({ refRead: 1, refReadRemote: 30, atomicLocal: 5, atomicRemote: 50, dmaSync: 2 }).costs;

describe("dqo under a cost profile", () => {
  it("pays a sync and a remote count read per completion on pages stocked outside NAPI, no atomic", () => {
    const sq = createScriptedQueue({ factory: createDqoStrategy(), costs: COSTS });
    // First poll: the pages were stocked (one atomic each) at the initial refill, outside NAPI: remote.
    sq.receive(1500);
    sq.receive(1500);
    sq.poll();
    // Per completion: one sync for the CPU, one page_count read (gve_try_recycle_buf). No atomic: the bias pays.
    expect(costCounts(sq.queue)).toEqual({ dmaSync: 2, refReadRemote: 2, packet: 2, poll: 1 });
    expect(sq.queue.lastPollNs).toBe(2 * 2 + 2 * 30);
    // The third buffer is on a page nobody touched since that refill: remote too.
    sq.releaseAll(true);
    sq.receive(1500);
    sq.poll();
    expect(costCounts(sq.queue)).toEqual({ dmaSync: 3, refReadRemote: 3, packet: 3, poll: 2 });
    expect(sq.queue.costMeter?.busyNs).toBe(3 * 2 + 3 * 30);
    expect(sq.finish()).toEqual([]);
  });
});
