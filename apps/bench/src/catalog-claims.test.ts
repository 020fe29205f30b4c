import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BUILTIN_COST_PROFILES } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { runInProcess, tempDir } from "../test-support/run-cli.js";

interface Row {
  strategy: string;
  metrics: Record<string, number> & { cpuNsPerPacketByOp: Record<string, number> };
  strategyStats: Record<string, number>;
}

async function compare(scenario: string, strategies: string, packets: number): Promise<Row[]> {
  const json = join(tempDir(), "r.json");
  const r = await runInProcess([
    "compare",
    scenario,
    "--strategies",
    strategies,
    "--packets",
    String(packets),
    "--json",
    json,
  ]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(json, "utf8")).results;
}

describe("catalog scenarios show what they claim, with the real strategies", () => {
  it("qpl-exhaustion: the fixed QPL pool runs dry and copies on demand; dqo allocates its way through", async () => {
    const [dqo, qpl] = await compare("qpl-exhaustion", "dqo,dqo-qpl", 60_000);
    expect(qpl.strategyStats.qpl_exhausted).toBeGreaterThan(0);
    expect(qpl.strategyStats.rx_frag_alloc_cnt).toBeGreaterThan(0);
    expect(qpl.strategyStats.pages_allocated).toBe(2048);
    expect(dqo.metrics.packetsDropped).toBe(0);
    expect(dqo.metrics.peakResidentPages).toBeGreaterThan(2048);
    expect(dqo.metrics.violations).toBe(0);
    expect(qpl.metrics.violations).toBe(0);
  });

  it("qpl-pool: under a 2048-page cap, allocating strategies hit the cap while dqo-qpl lives inside its pool", async () => {
    const [naive, dqo, qpl] = await compare("qpl-pool", "naive,dqo,dqo-qpl", 60_000);
    expect(naive.metrics.allocFailures).toBeGreaterThan(0);
    expect(dqo.metrics.allocFailures).toBeGreaterThan(0);
    expect(qpl.metrics.allocFailures).toBe(0);
    expect(qpl.strategyStats.pages_allocated).toBe(2048);
    for (const r of [naive, dqo, qpl]) expect(r.metrics.peakResidentPages).toBeLessThanOrEqual(2048);
  });

  it("iommu-strict-100g: naive cannot keep up with the map and unmap per packet; the recyclers can", async () => {
    const rows = await compare("iommu-strict-100g", "naive,dqo,page-pool,page-flip,dqo-qpl", 100_000);
    const [naive, dqo, ...recyclers] = rows;
    const c = BUILTIN_COST_PROFILES["iommu-strict"].costs;
    // Over 700 ns a packet (a map and an unmap) against 123 ns between arrivals: most packets are dropped.
    expect(naive.metrics.packetsDropped / naive.metrics.packetsArrived).toBeGreaterThan(0.5);
    expect(naive.metrics.napiUtilisation).toBeGreaterThan(0.95);
    // The relation the sources support: naive pays at least one map + unmap per packet more than dqo.
    expect(naive.metrics.cpuNsPerPacket).toBeGreaterThanOrEqual(dqo.metrics.cpuNsPerPacket + c.dmaMap + c.dmaUnmap);
    expect(naive.metrics.cpuNsPerPacketByOp.dmaUnmap).toBeCloseTo(c.dmaUnmap, 0);
    for (const r of [dqo, ...recyclers]) {
      expect(r.metrics.packetsDropped, r.strategy).toBe(0);
      expect(r.metrics.napiUtilisation, r.strategy).toBeLessThan(0.9);
      expect(r.metrics.violations, r.strategy).toBe(0);
    }
    // QPL maps its pool once, at setup, before the measured part.
    expect(rows[4].metrics.dmaMaps).toBe(0);
  });

  it("alloc-failure-held: held pages make dqo allocate in the failure window; it stalls for good without the timer", async () => {
    const [dqo] = await compare("alloc-failure-held", "dqo", 400_000);
    // The window opens at 20 ms: the used list is pinned by 2 ms holds, so refills must allocate, and fail.
    expect(dqo.metrics.allocFailures).toBeGreaterThan(0);
    expect(dqo.strategyStats.rx_buf_alloc_fail).toBeGreaterThan(0);
    expect(dqo.metrics.stallStartNs).toBeGreaterThanOrEqual(20e6);
    expect(dqo.metrics.stallStartNs).toBeLessThan(21e6);
    expect(dqo.metrics.stalledAtEnd).toBe(true);
    // From the stall to the end of the 50 ms run, about 30 ms.
    expect(dqo.metrics.stallNs).toBeGreaterThan(29e6);
    expect(dqo.metrics.violations).toBe(0);
  });

  it("alloc-failure-held-timer: the 20 ms timer re-polls the stalled dqo queue and it recovers", async () => {
    const [dqo] = await compare("alloc-failure-held-timer", "dqo", 400_000);
    expect(dqo.metrics.stallStartNs).toBeGreaterThanOrEqual(20e6);
    expect(dqo.metrics.stalledAtEnd).toBe(false);
    // Stalled from about 20.2 ms until the timer fired 20 ms after the last poll.
    expect(dqo.metrics.stallNs).toBeGreaterThan(19e6);
    expect(dqo.metrics.stallNs).toBeLessThanOrEqual(20e6);
    expect(dqo.metrics.packetsDelivered).toBeGreaterThan(200_000);
    expect(dqo.metrics.violations).toBe(0);
  });

  it("small-ring-restock: page flip spends a page's 65,534 pre-paid references and restocks them in a real run", async () => {
    const [pf] = await compare("small-ring-restock", "page-flip", 1_100_000);
    // 15 pages carry every packet, each about 73,000 fragments: one restock each, and no new page.
    expect(pf.strategyStats.alloc).toBe(15);
    expect(pf.strategyStats.restock).toBe(15);
    expect(pf.metrics.packetsDropped).toBe(0);
    expect(pf.metrics.violations).toBe(0);
    expect(pf.metrics.leakedPages).toBe(0);
  });

  it("teardown-inflight: page_pool reports pages in flight after teardown, then frees them all", async () => {
    const [pp] = await compare("teardown-inflight", "page-pool", 100_000);
    expect(pp.metrics.teardownInflightPages).toBeGreaterThan(0);
    expect(pp.metrics.teardownInflightNs).toBeGreaterThan(0);
    expect(pp.metrics.leakedPages).toBe(0);
    expect(pp.metrics.violations).toBe(0);
  });
});
