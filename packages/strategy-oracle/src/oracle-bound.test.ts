import {
  CompletionKind,
  CompletionResult,
  type RxStrategy,
  type RxStrategyEnv,
  type RxStrategyFactory,
} from "@rxsim/core";
import { createScriptedQueue } from "@rxsim/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createOracleStrategy, type OracleOptions } from "./index.js";

/**
 * An independent account of what the oracle does, kept from the outside:
 * every post, accepted completion and fragment release passes through it. It
 * counts the pieces in use (posted or held by the stack) and the pages seen,
 * and records any page first posted while another page still had a free piece.
 */
interface Ledger {
  piecesPerPage: number;
  pages: Set<number>;
  inUse: number;
  maxInUse: number;
  allocatedWhileFree: string[];
  stopped: boolean;
}

function observed(options: OracleOptions): { factory: RxStrategyFactory; ledger: Ledger } {
  const ledger: Ledger = {
    piecesPerPage: 0,
    pages: new Set(),
    inUse: 0,
    maxInUse: 0,
    allocatedWhileFree: [],
    stopped: false,
  };
  const inner = createOracleStrategy(options);
  const factory: RxStrategyFactory = {
    contractVersion: inner.contractVersion,
    name: inner.name,
    options: inner.options,
    create(env: RxStrategyEnv): RxStrategy {
      ledger.piecesPerPage = Math.floor(env.config.pageSize / (options.bufferSize ?? env.config.bufferSize));
      const s = inner.create({
        ...env,
        post(id, page, offset, len) {
          if (!ledger.pages.has(page)) {
            const free = ledger.pages.size * ledger.piecesPerPage - ledger.inUse;
            if (free !== 0)
              ledger.allocatedWhileFree.push(`page ${page} first posted while ${free} piece(s) were free`);
            ledger.pages.add(page);
          }
          if (++ledger.inUse > ledger.maxInUse) ledger.maxInUse = ledger.inUse;
          env.post(id, page, offset, len);
        },
      });
      return {
        contractVersion: s.contractVersion,
        name: s.name,
        copybreak: s.copybreak,
        refill: (max) => s.refill(max),
        complete(id, kind, bytes) {
          const r = s.complete(id, kind, bytes);
          // A fragment's piece stays in use until the stack releases it.
          if (r === CompletionResult.Accepted && kind !== CompletionKind.Fragment) ledger.inUse--;
          return r;
        },
        onFragmentRelease(page, offset, len, inNapi) {
          s.onFragmentRelease?.(page, offset, len, inNapi);
          if (!ledger.stopped) ledger.inUse--;
        },
        teardown() {
          ledger.stopped = true;
          s.teardown();
        },
        stats: () => s.stats(),
      };
    },
  };
  return { factory, ledger };
}

const op = fc.oneof(
  fc.record({ t: fc.constant("rx" as const), len: fc.integer({ min: 1, max: 70_000 }), err: fc.boolean() }),
  fc.record({ t: fc.constant("rx" as const), len: fc.integer({ min: 40, max: 1514 }), err: fc.constant(false) }),
  fc.record({ t: fc.constant("rx" as const), len: fc.integer({ min: 40, max: 300 }), err: fc.constant(false) }),
  fc.record({ t: fc.constant("poll" as const) }),
  fc.record({ t: fc.constant("release" as const), pick: fc.nat(), napi: fc.boolean() }),
  fc.record({ t: fc.constant("releaseAll" as const) }),
);

describe.each([
  { pageSize: 4096, bufferSize: 2048 },
  { pageSize: 4096, bufferSize: 4096 },
  { pageSize: 16384, bufferSize: 2048 },
  { pageSize: 16384, bufferSize: 3000 },
  { pageSize: 65536, bufferSize: 1024 },
])("oracle bound: $pageSize-byte pages, $bufferSize-byte pieces (fast-check, seed 42)", ({ pageSize, bufferSize }) => {
  it("property: over random traffic and release orders it never allocates while a piece is free, and allocates exactly ceil(peak pieces in use / pieces per page)", () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 250 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0, 0, 0.2),
        (ops, ooo, failP) => {
          const { factory, ledger } = observed({ bufferSize });
          const sq = createScriptedQueue({
            factory,
            config: { pageSize, bufferSize: Math.min(bufferSize, 4096) },
            oooWindow: ooo,
            failure: { probability: failP },
          });
          for (const o of ops) {
            if (o.t === "rx") sq.receive(o.len, { error: o.err });
            else if (o.t === "poll") sq.poll();
            else if (o.t === "release") {
              if (sq.held.length > 0) sq.release(o.pick % sq.held.length, o.napi);
            } else sq.releaseAll();
          }
          sq.drain();
          expect(ledger.allocatedWhileFree).toEqual([]);
          expect(sq.pages.frees).toBe(0);
          expect(ledger.pages.size).toBe(sq.pages.allocs);
          expect(sq.pages.allocs).toBe(Math.ceil(ledger.maxInUse / ledger.piecesPerPage));
          expect(sq.queue.strategy.stats().free_pieces).toBe(ledger.pages.size * ledger.piecesPerPage - ledger.inUse);
          expect(sq.finish()).toEqual([]);
          expect(sq.checker.violations).toBe(0);
        },
      ),
      { numRuns: 25, seed: 42 },
    );
  }, 120_000);
});
