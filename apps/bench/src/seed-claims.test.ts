import type { RxStrategyFactory } from "@rxsim/core";
import { createScriptedQueue } from "@rxsim/core/testing";
import { createDqoStrategy } from "@rxsim/strategy-dqo";
import { createNaiveStrategy } from "@rxsim/strategy-naive";
import { beforeAll, describe, expect, it } from "vitest";

// The seed's claims (docs: the primer's section 4), asserted as counts on the
// gve defaults: 4 KiB pages, 2 KiB buffers, 1024-slot rings, 1500-byte packets
// that the stack releases right after each poll (in NAPI context).
const CONFIG = { pageSize: 4096, bufferSize: 2048, bufqSlots: 1024, complqSlots: 1024 };
const BURST = 64; // one NAPI budget
const WARMUP = 4096; // four turns of the ring
const PACKETS = 100_032; // 10^5 rounded up to whole bursts

interface Measured {
  /** Packets delivered in the measured window. */
  packets: number;
  /** Page allocations in the measured window. */
  allocs: number;
  /** Atomic reference operations (get, put, add, sub) in the measured window. */
  atomics: number;
  /** Plain page_count reads in the measured window. */
  reads: number;
  /** Allocations and atomics over the whole run, initial refill included. */
  totalAllocs: number;
  totalAtomics: number;
  totalPackets: number;
}

function measure(factory: RxStrategyFactory): Measured {
  const sq = createScriptedQueue({ factory, config: CONFIG });
  const drive = (packets: number) => {
    for (let done = 0; done < packets; done += BURST) {
      for (let i = 0; i < BURST; i++) {
        if (!sq.receive(1500)) throw new Error(`${factory.name}: the device found no buffer`);
      }
      sq.poll();
      sq.releaseAll(true);
    }
  };
  drive(WARMUP);
  const pages0 = sq.pages.counters();
  const packets0 = sq.queue.counters.rx_packets;
  drive(PACKETS);
  const pages1 = sq.pages.counters();
  const m: Measured = {
    packets: sq.queue.counters.rx_packets - packets0,
    allocs: pages1.allocs - pages0.allocs,
    atomics: pages1.atomicOps - pages0.atomicOps,
    reads: pages1.refReads - pages0.refReads,
    totalAllocs: pages1.allocs,
    totalAtomics: pages1.atomicOps,
    totalPackets: sq.queue.counters.rx_packets,
  };
  expect(sq.finish()).toEqual([]);
  expect(sq.checker.violations).toBe(0);
  return m;
}

describe("the seed's claims, as counts (4K pages, 2K buffers, 1024-slot rings, 1500-byte packets, prompt release)", () => {
  let naive: Measured;
  let dqo: Measured;
  let dqoNoBias: Measured;
  beforeAll(() => {
    naive = measure(createNaiveStrategy());
    dqo = measure(createDqoStrategy());
    dqoNoBias = measure(createDqoStrategy({ bias: false }));
  });

  it("every packet is delivered", () => {
    for (const m of [naive, dqo, dqoNoBias]) {
      expect(m.packets).toBe(PACKETS);
      expect(m.totalPackets).toBe(WARMUP + PACKETS);
    }
  });

  it("recycling cuts page allocations: DQO allocates at most 1% of what naive allocates", () => {
    // Naive: one page per packet.
    expect(naive.allocs).toBe(PACKETS);
    expect(dqo.allocs * 100).toBeLessThanOrEqual(naive.allocs);
    // In fact none after warm-up: the two halves of each page alternate on the recycled list.
    expect(dqo.allocs).toBe(0);
    // Over the whole run, only the initial ring fill (1023 buffers, one page each).
    expect(dqo.totalAllocs).toBe(1023);
  });

  it("atomics per packet: naive and DQO both do exactly one (the stack's put_page)", () => {
    // Naive: the allocation's reference travels with the fragment; the stack's put frees the page.
    expect(naive.atomics).toBe(naive.packets);
    // DQO: the bias pre-paid the fragment's reference; only the stack's put is atomic.
    expect(dqo.atomics).toBe(dqo.packets);
    // Over the whole run DQO adds one page_ref_add per page it allocated (INT_MAX - 1): 1 + 1023 / packets.
    expect(dqo.totalAtomics).toBe(dqo.totalPackets + 1023);
    expect(naive.totalAtomics).toBe(naive.totalPackets);
    // DQO pays a plain page_count read per fragment instead (gve_try_recycle_buf).
    expect(dqo.reads).toBe(dqo.packets);
    expect(naive.reads).toBe(0);
  });

  it("the bias avoids an atomic per reuse: without it DQO does two atomics per packet", () => {
    expect(dqoNoBias.allocs).toBe(0);
    expect(dqoNoBias.atomics).toBe(2 * dqoNoBias.packets);
    expect(dqo.atomics).toBeLessThan(dqoNoBias.atomics);
    expect(dqoNoBias.atomics - dqo.atomics).toBe(dqo.packets);
  });
});
