import { describe, expect, it } from "vitest";
import { parseCostProfile } from "./cost-profile.js";
import { costCounts } from "./testing/cost-counts.js";
import { createScriptedQueue } from "./testing/scripted-queue.js";
import { createPagePerBufferTestStrategy } from "./testing/test-strategies.js";

const COSTS = parseCostProfile({
  pageAlloc: 100,
  pageFree: 9,
  dmaMap: 10,
  dmaUnmap: 1000,
  dmaSync: 20,
  atomicLocal: 2,
  atomicRemote: 40,
  refRead: 0.5,
  refReadRemote: 3,
  packet: 7,
  poll: 50_000,
}).costs;

describe("cost meter", () => {
  it("prices exactly the operations of each poll: page per buffer, held skbs", () => {
    const sq = createScriptedQueue({ factory: createPagePerBufferTestStrategy(), costs: COSTS });
    // The initial refill ran outside any poll: nothing charged.
    expect(sq.queue.costMeter?.busyNs).toBe(0);
    for (let i = 0; i < 3; i++) sq.receive(1500);
    expect(sq.poll()).toBe(3);
    // 3 completions (unmap each), refill of 3 (alloc + map each), 3 packets, 1 poll.
    expect(costCounts(sq.queue)).toEqual({ pageAlloc: 3, dmaMap: 3, dmaUnmap: 3, packet: 3, poll: 1 });
    expect(sq.queue.lastPollNs).toBe(3 * 100 + 3 * 10 + 3 * 1000 + 3 * 7 + 50_000);
    // The stack lets go from process context: frees and atomics there cost the NAPI CPU nothing.
    sq.releaseAll(false);
    expect(sq.queue.costMeter?.busyNs).toBe(53_351);
    expect(sq.pages.frees).toBe(3);
    // Released inside NAPI instead, the stack's put_page (and the free) is NAPI work.
    sq.receive(1500);
    sq.poll();
    sq.releaseAll(true);
    sq.poll();
    expect(costCounts(sq.queue)).toMatchObject({ pageAlloc: 4, dmaMap: 4, dmaUnmap: 4, packet: 4, poll: 3 });
    expect(sq.finish()).toEqual([]);
  });

  it("charges the first in-NAPI touch of a page another CPU touched last as remote", () => {
    const sq = createScriptedQueue({ factory: createPagePerBufferTestStrategy(), costs: COSTS });
    sq.receive(1500);
    sq.poll();
    const before = sq.queue.costMeter?.busyNs ?? 0;
    // Released in process context, the put leaves the line remote; the page is freed there.
    sq.release(0, false);
    expect(sq.pages.remoteAtomicOps).toBe(0);
    expect(sq.queue.costMeter?.busyNs).toBe(before);
  });

  it("off (no table, or all zero): no meter, no remote tracking", () => {
    const off = createScriptedQueue({ factory: createPagePerBufferTestStrategy() });
    const zero = createScriptedQueue({ factory: createPagePerBufferTestStrategy(), costs: parseCostProfile({}).costs });
    for (const sq of [off, zero]) {
      expect(sq.queue.costMeter).toBeNull();
      expect(sq.pages.trackRemote).toBe(false);
      sq.receive(1500);
      sq.poll();
      expect(sq.queue.lastPollNs).toBe(0);
    }
  });
});
