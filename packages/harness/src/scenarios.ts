import { ConfigError } from "./config-error.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { validateScenarioConfig } from "./validate-config.js";

type Part = Record<string, unknown>;

/** The `default` scenario, before validation fills the remaining keys. */
const DEFAULT_PART = {
  name: "default",
  description:
    "4 KiB pages, 2 KiB buffers, 1024-slot rings, 1500-byte packets at 8 Mpps (about 100 GbE line rate), prompt release",
  seed: 1,
  packets: 1_000_000,
  warmupPackets: 10_000,
  queue: { pageSize: 4096, bufferSize: 2048, bufqSlots: 1024, complqSlots: 1024 },
  traffic: { kind: "synthetic", sizeModel: "fixed", packetSize: 1500, rate: 8_000_000, rateUnit: "pps" },
  stack: { hold: "immediate" },
  checker: true,
  timeSeriesIntervalNs: 100_000,
} as const;

/** 20 ms to 40 ms of a 125 ms run: every page allocation fails. */
const FAILURE_WINDOW: [number, number] = [20_000_000, 40_000_000];

function scenario(name: string, description: string, changes: Part = {}): ScenarioConfig {
  const merged: Part = { ...DEFAULT_PART, name, description };
  for (const [key, value] of Object.entries(changes)) {
    const base = merged[key];
    merged[key] =
      typeof value === "object" && value !== null && !Array.isArray(value) && typeof base === "object"
        ? { ...(base as Part), ...(value as Part) }
        : value;
  }
  return deepFreeze(validateScenarioConfig(merged));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The scenario catalog: one scenario for the baseline and one for each claim
 * and failure in the primer. Plain, frozen data; change a copy with
 * {@link applySetOverrides}.
 */
export const scenarios: Readonly<Record<string, ScenarioConfig>> = Object.freeze({
  default: scenario("default", DEFAULT_PART.description),
  "pages-16k": scenario(
    "pages-16k",
    "16 KiB pages (some arm64 and ppc64 kernels): eight 2 KiB buffers per page, so page offsets and reuse checks matter",
    { queue: { pageSize: 16384 } },
  ),
  "pages-64k": scenario(
    "pages-64k",
    "64 KiB pages: thirty-two 2 KiB buffers per page, the most room for offset logic",
    {
      queue: { pageSize: 65536 },
    },
  ),
  imix: scenario(
    "imix",
    "IMIX (7:4:1 of 64/576/1500 bytes) at 100 Gbps, Poisson arrivals: most packets take the copybreak path",
    { traffic: { sizeModel: "imix", rate: 100, rateUnit: "gbps", arrival: "poisson" } },
  ),
  jumbo: scenario("jumbo", "9000-byte jumbo frames at 100 Gbps: five 2 KiB buffers and fragments per packet", {
    traffic: { packetSize: 9000, rate: 100, rateUnit: "gbps" },
  }),
  rsc: scenario(
    "rsc",
    "Half the arrivals are RSC/LRO aggregates of up to 64 KiB at 100 Gbps: up to 32 buffers per packet, skbs chained after 17 fragments",
    { traffic: { rscProbability: 0.5, rate: 100, rateUnit: "gbps" } },
  ),
  "delayed-release": scenario(
    "delayed-release",
    "The stack holds each skb an exponential 50 µs on average: FIFO order gives references time to drop before a page is checked again",
    { stack: { hold: "exponential", holdNs: 50_000 } },
  ),
  "long-tail": scenario(
    "long-tail",
    "Log-normal hold times (mean 100 µs, sigma 2): most skbs go quickly, a long tail pins pages for milliseconds",
    { stack: { hold: "lognormal", holdNs: 100_000, sigma: 2 } },
  ),
  "stuck-reader": scenario(
    "stuck-reader",
    "1% of packets wait 1 s in a stuck socket's receive queue: their pages stay pinned for the whole run while the rest recycle",
    { stack: { hold: "immediate", slowFraction: 0.01, slowHoldNs: 1_000_000_000 } },
  ),
  "batched-reader": scenario(
    "batched-reader",
    "An application reads its socket every 100 µs: about 800 skbs released at once, from process context",
    { stack: { hold: "batched", batchIntervalNs: 100_000 } },
  ),
  bursty: scenario("bursty", "On/off traffic: 8 Mpps bursts of 50 µs every 200 µs", {
    traffic: { burstOnNs: 50_000, burstOffNs: 150_000 },
  }),
  "ooo-errors": scenario(
    "ooo-errors",
    "Completions out of order within 16 packets, 0.1% rx_error and 0.1% skb allocation failures: buffers return out of posting order",
    { device: { oooWindow: 16, rxErrorRate: 0.001 }, memory: { skbAllocFailRate: 0.001 } },
  ),
  "bad-device": scenario(
    "bad-device",
    "A misbehaving device: per packet, 0.1% each of completions with an out-of-range buffer id, for a state that is not allocated, and written twice; the driver rejects every one (rx_desc_err_dropped_pkt)",
    { device: { misbehave: { outOfRangeRate: 0.001, notAllocatedRate: 0.001, duplicateRate: 0.001 } } },
  ),
  "qpl-pool": scenario(
    "qpl-pool",
    "At most 2048 pages (a QPL's registered pool, 2 × ring size) with 200 µs exponential holds: a strategy that cannot recycle runs dry and the device drops",
    { memory: { maxPages: 2048 }, stack: { hold: "exponential", holdNs: 200_000 } },
  ),
  "qpl-exhaustion": scenario(
    "qpl-exhaustion",
    "QPL exhaustion: the stack holds every skb 2 ms (about 16,000 in flight), more than a 2048-page registered pool (2 × ring size): dqo-qpl runs dry, copies on demand near the limit and the device drops, while page allocation lets the others grow",
    { stack: { hold: "fixed", holdNs: 2_000_000 } },
  ),
  "teardown-inflight": scenario(
    "teardown-inflight",
    "The queue is torn down while 5% of packets sit 500 ms in a slow reader: pages stay in flight after teardown, as page_pool's stalled shutdown reports, until the stack lets go",
    { stack: { hold: "immediate", slowFraction: 0.05, slowHoldNs: 500_000_000 } },
  ),
  "alloc-failure-stall": scenario(
    "alloc-failure-stall",
    "Every page allocation fails from 20 to 40 ms: a strategy that needs new pages posts nothing, no completion comes, NAPI never runs again and the queue stays stalled after the window",
    { memory: { allocFailure: { windows: [FAILURE_WINDOW] } } },
  ),
  "alloc-failure-timer": scenario(
    "alloc-failure-timer",
    "The same 20–40 ms allocation failure window with the fix: a 20 ms timer re-schedules NAPI while fewer than 32 buffers are posted, so traffic flows again after the window",
    { memory: { allocFailure: { windows: [FAILURE_WINDOW] } }, driver: { starvationTimer: true } },
  ),
  "iommu-strict-100g": scenario(
    "iommu-strict-100g",
    "100 GbE line rate of 1500-byte frames (8.1 Mpps) on one NAPI core behind a strict IOMMU (cost profile iommu-strict), the stack holding each skb ~50 µs from another CPU: a page-per-buffer driver pays a map and an unmap per packet, cannot keep up and drops; the recyclers map once and keep up",
    {
      packets: 400_000,
      traffic: { rate: 100, rateUnit: "gbps" },
      stack: { hold: "exponential", holdNs: 50_000 },
      costProfile: "iommu-strict",
    },
  ),
  "alloc-failure-held": scenario(
    "alloc-failure-held",
    "The 20–40 ms allocation failure window while the stack holds every skb 2 ms: recycled pages are still pinned, so even dqo must allocate, fails, posts nothing and stalls for good",
    { memory: { allocFailure: { windows: [FAILURE_WINDOW] } }, stack: { hold: "fixed", holdNs: 2_000_000 } },
  ),
  "alloc-failure-held-timer": scenario(
    "alloc-failure-held-timer",
    "alloc-failure-held with gve's 20 ms re-schedule timer: the stalled queue polls again when the timer fires and traffic flows",
    {
      memory: { allocFailure: { windows: [FAILURE_WINDOW] } },
      stack: { hold: "fixed", holdNs: 2_000_000 },
      driver: { starvationTimer: true },
    },
  ),
  "small-ring-restock": scenario(
    "small-ring-restock",
    "A 16-slot ring at 500 kpps for 2 M packets, released at once: page flip's 15 pages each carry over 65,534 fragments, so their USHRT_MAX reference bias runs out and is restocked with one atomic",
    {
      packets: 2_000_000,
      queue: { bufqSlots: 16, complqSlots: 16, doorbellThreshold: 4 },
      traffic: { rate: 500_000 },
    },
  ),
  "elephant-flow": scenario(
    "elephant-flow",
    "16 RX queues, one elephant flow carrying 90% of 8 Mpps and 255 mice: RSS puts the elephant on one hot queue while the others idle",
    {
      stack: { hold: "exponential", holdNs: 20_000 },
      host: { queues: 16, flows: { count: 256, shares: "elephant", elephants: 1, elephantShare: 0.9 } },
    },
  ),
  "many-flows": scenario(
    "many-flows",
    "16 RX queues, 10,000 flows of equal size: RSS spreads them evenly, every queue a sixteenth of the load",
    {
      stack: { hold: "exponential", holdNs: 20_000 },
      host: { queues: 16, flows: { count: 10_000 } },
    },
  ),
  "host-stuck-reader": scenario(
    "host-stuck-reader",
    "32 RX queues (64-slot rings) under one 64 MiB page cap; the reader of the biggest flow (a quarter of 8 Mpps) stops reading for 1 s: its queue fills the host's pages and the other queues' allocations fail",
    {
      packets: 200_000,
      queue: { bufqSlots: 64, complqSlots: 64 },
      stack: { hold: "lognormal", holdNs: 500_000, sigma: 1.5 },
      memory: { maxPages: 16_384 },
      host: {
        queues: 32,
        flows: { count: 256, shares: "elephant", elephants: 1, elephantShare: 0.25 },
        stuckReaders: { flows: [0], holdNs: 1_000_000_000 },
      },
    },
  ),
});

/** Name and one-line description of every catalog scenario, in catalog order. */
export function listScenarios(): { name: string; description: string }[] {
  return Object.values(scenarios).map((s) => ({ name: s.name, description: s.description }));
}

/**
 * A catalog scenario by name (the frozen catalog entry).
 * @throws ConfigError listing the known names.
 */
export function getScenario(name: string): ScenarioConfig {
  const s = Object.hasOwn(scenarios, name) ? scenarios[name] : undefined;
  if (s === undefined) {
    throw new ConfigError("scenario", `unknown scenario "${name}" (known: ${Object.keys(scenarios).join(", ")})`);
  }
  return s;
}
