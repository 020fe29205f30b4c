import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RX_STRATEGY_CONTRACT_VERSION, type RxStrategyFactory } from "../strategy.js";
import { createScriptedQueue, type ScriptedQueue, type ScriptedQueueOptions } from "./scripted-queue.js";

/** A page size and buffer size pair the suite runs a strategy on. */
export interface ConformanceGeometry {
  pageSize: number;
  bufferSize: number;
}

/** Options of {@link describeStrategyConformance}. */
export interface ConformanceOptions {
  /** Geometries to run. Default: 4K/16K/64K pages × 2K/4K buffers. */
  geometries?: readonly ConformanceGeometry[];
  /** fast-check runs per property and geometry. Default 25. */
  propertyRuns?: number;
  /** Seed for fast-check, so failures reproduce. Default 42. */
  propertySeed?: number;
  /**
   * The strategy can run dry by design (a fixed pool): allocation-failure and
   * long-hold scenarios then only require correctness, not progress.
   */
  fixedPool?: boolean;
}

/** The default geometries: every supported page size with 2 KiB and 4 KiB buffers. */
export const DEFAULT_GEOMETRIES: readonly ConformanceGeometry[] = [
  { pageSize: 4096, bufferSize: 2048 },
  { pageSize: 4096, bufferSize: 4096 },
  { pageSize: 16384, bufferSize: 2048 },
  { pageSize: 16384, bufferSize: 4096 },
  { pageSize: 65536, bufferSize: 2048 },
  { pageSize: 65536, bufferSize: 4096 },
];

type MakeFactory = (geometry: ConformanceGeometry) => RxStrategyFactory;

function open(make: MakeFactory, g: ConformanceGeometry, extra: Partial<ScriptedQueueOptions> = {}): ScriptedQueue {
  return createScriptedQueue({
    factory: make(g),
    config: { pageSize: g.pageSize, bufferSize: g.bufferSize },
    ...extra,
  });
}

/** Teardown and the checks every scenario ends with. */
function finishClean(sq: ScriptedQueue): void {
  const leaked = sq.finish();
  expect(leaked, "pages leaked after teardown with every skb released").toEqual([]);
  expect(sq.checker.violations, sq.checker.list()[0]?.message).toBe(0);
  expect(sq.queue.counters.rx_invalid_buf_id, "the strategy rejected a buffer id it had posted").toBe(0);
  expect(sq.pages.resident).toBe(0);
}

function burst(sq: ScriptedQueue, sizes: readonly number[], opts?: { error?: boolean }): number {
  let received = 0;
  for (const len of sizes) if (sq.receive(len, opts)) received++;
  return received;
}

/**
 * Register the shared conformance suite for a strategy with vitest.
 *
 * Every scenario runs with the invariant checker throwing at the first
 * violation, then tears down, releases every skb and requires zero leaks, zero
 * violations and no rejected buffer id. Call it from a strategy package's test:
 *
 * ```ts
 * describeStrategyConformance("dqo", () => createDqoStrategy());
 * ```
 */
export function describeStrategyConformance(name: string, make: MakeFactory, options: ConformanceOptions = {}): void {
  const geometries = options.geometries ?? DEFAULT_GEOMETRIES;
  const runs = options.propertyRuns ?? 25;
  const seed = options.propertySeed ?? 42;
  const fixedPool = options.fixedPool ?? false;

  describe(`${name}: rxsim strategy conformance`, () => {
    it("implements the contract", () => {
      const f = make(geometries[0]);
      expect(f.contractVersion).toBe(RX_STRATEGY_CONTRACT_VERSION);
      expect(typeof f.name).toBe("string");
      const sq = open(make, geometries[0]);
      expect(sq.queue.strategy.contractVersion).toBe(RX_STRATEGY_CONTRACT_VERSION);
      expect(sq.queue.bufq.outstanding(), "the initial refill posted nothing").toBeGreaterThan(0);
      expect(typeof sq.queue.strategy.stats()).toBe("object");
      finishClean(sq);
    });

    for (const g of geometries) {
      const label = `${g.pageSize / 1024}K pages, ${g.bufferSize / 1024}K buffers`;
      describe(label, () => {
        it("prompt release: every packet delivered, memory bounded", () => {
          const sq = open(make, g);
          let delivered = 0;
          for (let round = 0; round < 60; round++) {
            const got = burst(
              sq,
              Array.from({ length: 48 }, (_, i) => 600 + ((round * 48 + i) % 900)),
            );
            expect(got, `round ${round}: the device found too few buffers`).toBe(48);
            sq.drain();
            delivered += sq.held.length;
            sq.releaseAll(true);
          }
          expect(delivered).toBe(60 * 48);
          expect(sq.queue.counters.rx_packets).toBe(60 * 48);
          finishClean(sq);
        });

        it("delayed release: the stack holds 300 skbs at a time", () => {
          const sq = open(make, g);
          for (let round = 0; round < 40; round++) {
            burst(
              sq,
              Array.from({ length: 40 }, () => 1500),
            );
            sq.drain();
            while (sq.held.length > 300) sq.release(0);
          }
          expect(sq.queue.counters.rx_packets).toBeGreaterThan(0);
          finishClean(sq);
        });

        it("long holds: the stack keeps skbs for several page turns", () => {
          const sq = open(make, g);
          const hold = (g.pageSize / g.bufferSize + 1) * 256;
          for (let round = 0; round < Math.ceil((2 * hold) / 40); round++) {
            burst(
              sq,
              Array.from({ length: 40 }, () => 1500),
            );
            sq.drain();
            while (sq.held.length > hold) sq.release(0);
          }
          finishClean(sq);
        });

        it("out-of-order release and out-of-order completion", () => {
          const sq = open(make, g, { oooWindow: 8 });
          for (let round = 0; round < 50; round++) {
            burst(
              sq,
              Array.from({ length: 30 }, (_, i) => 100 + ((i * 397 + round * 11) % 1900)),
            );
            sq.drain();
            const n = Math.floor(sq.held.length / 2);
            for (let k = 0; k < n; k++) sq.release(sq.rng.nextInt(sq.held.length), sq.rng.nextFloat() < 0.5);
          }
          expect(sq.queue.counters.rx_packets).toBeGreaterThan(0);
          finishClean(sq);
        });

        it("multi-buffer packets: jumbo frames and 64 KiB RSC aggregates chained after 17 fragments", () => {
          const sq = open(make, g);
          for (let round = 0; round < 20; round++) {
            burst(sq, [9000, 65535, 1500, 9000]);
            sq.drain();
            if (round % 3 === 0) sq.releaseAll();
          }
          expect(sq.queue.counters.rx_packets).toBeGreaterThan(0);
          if (g.bufferSize === 2048) expect(sq.queue.counters.chainedSkbs).toBeGreaterThan(0);
          finishClean(sq);
        });

        it("copybreak: small packets are copied and their buffers reused", () => {
          const sq = open(make, g);
          for (let round = 0; round < 30; round++) {
            burst(sq, [64, 64, 200, 1500, 64, 256, 257]);
            sq.drain();
            sq.releaseAll(true);
          }
          expect(sq.queue.counters.rx_copybreak_pkt).toBeGreaterThan(0);
          finishClean(sq);
        });

        it("rx errors: dropped packets give their buffers back", () => {
          const sq = open(make, g);
          for (let round = 0; round < 40; round++) {
            for (let i = 0; i < 20; i++) sq.receive(i % 5 === 0 ? 9000 : 1500, { error: i % 3 === 0 });
            sq.receive(1500, { skbAllocFail: true });
            sq.drain();
            sq.releaseAll(true);
          }
          expect(sq.queue.counters.rx_desc_err_dropped_pkt).toBeGreaterThan(0);
          expect(sq.queue.counters.rx_skb_alloc_fail).toBeGreaterThan(0);
          expect(sq.queue.counters.rx_packets).toBeGreaterThan(0);
          finishClean(sq);
        });

        it("allocation failure: survives a failure window and random failures", () => {
          const sq = open(make, g, {
            failure: { probability: 0.05, windows: [[20_000, 400_000]] },
          });
          for (let round = 0; round < 60; round++) {
            burst(
              sq,
              Array.from({ length: 20 }, () => 1500),
            );
            sq.drain();
            if (round % 2 === 0) sq.releaseAll(true);
          }
          if (!fixedPool) {
            const before = sq.queue.counters.rx_packets;
            sq.clock.set(Math.max(sq.clock.now(), 500_000));
            sq.releaseAll(true);
            sq.drain();
            // After the window, buffers come back and traffic flows again.
            for (let round = 0; round < 30; round++) {
              burst(
                sq,
                Array.from({ length: 20 }, () => 1500),
              );
              sq.drain();
              sq.releaseAll(true);
            }
            expect(sq.queue.counters.rx_packets).toBeGreaterThan(before);
          }
          finishClean(sq);
        });

        it("teardown while skbs are held, then released: no leak", () => {
          const sq = open(make, g);
          for (let round = 0; round < 10; round++) {
            burst(
              sq,
              Array.from({ length: 30 }, (_, i) => (i % 4 === 0 ? 4000 : 1500)),
            );
            sq.drain();
          }
          // Leave a packet half-received in the device too.
          sq.receive(1500);
          expect(sq.held.length).toBeGreaterThan(0);
          sq.queue.teardown();
          expect(sq.checker.violations).toBe(0);
          finishClean(sq);
        });

        it("rejects completions for ids it never posted", () => {
          const sq = open(make, g, { throwOnViolation: true });
          sq.queue.deviceWriteRawCompletion(1 << 30, 1500, 1, 0);
          sq.queue.deviceWriteRawCompletion(-5 & 0x7fffffff, 1500, 1, 0);
          sq.queue.poll();
          expect(sq.queue.counters.rx_invalid_buf_id).toBe(2);
          expect(sq.queue.counters.rx_desc_err_dropped_pkt).toBe(2);
          // The ring must keep working afterwards.
          burst(sq, [1500, 1500]);
          sq.drain();
          expect(sq.held.length).toBe(2);
          sq.queue.counters.rx_invalid_buf_id = 0;
          finishClean(sq);
        });

        it("property: random traffic and release orders never violate an invariant", () => {
          const op = fc.oneof(
            fc.record({ t: fc.constant("rx" as const), len: fc.integer({ min: 1, max: 70_000 }), err: fc.boolean() }),
            fc.record({
              t: fc.constant("rx" as const),
              len: fc.integer({ min: 60, max: 1514 }),
              err: fc.constant(false),
            }),
            fc.record({ t: fc.constant("poll" as const) }),
            fc.record({ t: fc.constant("release" as const), pick: fc.nat(), napi: fc.boolean() }),
            fc.record({ t: fc.constant("releaseAll" as const) }),
          );
          fc.assert(
            fc.property(
              fc.array(op, { minLength: 20, maxLength: 300, size: "max" }),
              fc.integer({ min: 1, max: 6 }),
              fc.double({ min: 0, max: 0.5, noNaN: true }),
              (ops, ooo, failP) => {
                const sq = open(make, g, { oooWindow: ooo, failure: { probability: failP } });
                for (const o of ops) {
                  if (o.t === "rx") sq.receive(o.len, { error: o.err });
                  else if (o.t === "poll") sq.poll();
                  else if (o.t === "release") {
                    if (sq.held.length > 0) sq.release(o.pick % sq.held.length, o.napi);
                  } else sq.releaseAll();
                }
                sq.drain();
                const leaked = sq.finish();
                return leaked.length === 0 && sq.checker.violations === 0 && sq.queue.counters.rx_invalid_buf_id === 0;
              },
            ),
            { numRuns: runs, seed },
          );
        });
      });
    }
  });
}
