/**
 * Tiny strategies for the harness's own tests and bench (never shipped: the
 * harness names no real strategy). Built on the contract alone, like the
 * example in the core README, but with typed arrays so the bench measures the
 * harness rather than a Map.
 */
import {
  CompletionKind,
  CompletionResult,
  NO_PAGE,
  RX_STRATEGY_CONTRACT_VERSION,
  type RxStrategy,
  type RxStrategyFactory,
} from "@rxsim/core";

const NONE = -1;
// Module constants: under vitest's module runner every read of an imported binding is a getter call.
const NOPAGE = NO_PAGE;
const FRAGMENT = CompletionKind.Fragment;
const REJECTED = CompletionResult.Rejected;
const ACCEPTED = CompletionResult.Accepted;

/** Options of {@link pagePerBuffer}. */
export interface PagePerBufferOptions {
  /** Post at most this many buffers at once (fewer buffers: the device drops). */
  limit?: number;
  /** Factory name. Default `"test-page-per-buffer"`. */
  name?: string;
}

/** A fresh page for every buffer, never reused; the allocation's reference travels with the fragment. */
export function pagePerBuffer(options: PagePerBufferOptions = {}): RxStrategyFactory<PagePerBufferOptions> {
  const name = options.name ?? "test-page-per-buffer";
  return {
    contractVersion: RX_STRATEGY_CONTRACT_VERSION,
    name,
    options,
    create(env): RxStrategy {
      const ids = env.config.bufqSlots;
      const limit = Math.min(options.limit ?? ids, ids);
      const pageOf = new Int32Array(ids).fill(NONE);
      const free = new Int32Array(ids);
      for (let i = 0; i < ids; i++) free[i] = ids - 1 - i;
      let freeTop = ids;
      let outstanding = 0;
      let allocFail = 0;
      const pages = env.pages;
      const bufferSize = env.config.bufferSize;
      return {
        contractVersion: RX_STRATEGY_CONTRACT_VERSION,
        name,
        copybreak: env.config.copybreak,
        refill(max) {
          let n = 0;
          while (n < max && outstanding < limit) {
            const page = pages.alloc();
            if (page === NOPAGE) {
              allocFail++;
              break;
            }
            env.dma.map(page);
            const id = free[--freeTop];
            pageOf[id] = page;
            outstanding++;
            env.post(id, page, 0, bufferSize);
            n++;
          }
          return n;
        },
        complete(bufId, kind) {
          if (bufId < 0 || bufId >= ids || pageOf[bufId] === NONE) return REJECTED;
          const page = pageOf[bufId];
          pageOf[bufId] = NONE;
          free[freeTop++] = bufId;
          outstanding--;
          env.dma.unmap(page);
          if (kind !== FRAGMENT) pages.put(page);
          return ACCEPTED;
        },
        teardown() {
          for (let id = 0; id < ids; id++) {
            if (pageOf[id] !== NONE) {
              env.dma.unmap(pageOf[id]);
              pages.put(pageOf[id]);
            }
            pageOf[id] = NONE;
          }
        },
        stats: () => ({ rx_buf_alloc_fail: allocFail }),
      };
    },
  };
}

/** Options of {@link reuseFifo}. */
export interface ReuseFifoOptions {
  /**
   * Skip the reference check and reuse the FIFO head at once: deliberately
   * wrong, so the checker has something to catch.
   */
  unsafe?: boolean;
  /** Factory name. Default `"test-reuse-fifo"` (`"test-reuse-unsafe"` when unsafe). */
  name?: string;
}

/**
 * A whole page per buffer, kept for life: after a completion the page joins a
 * FIFO; a refill reuses the FIFO head when only the strategy's own reference
 * is left (an mlx5-style cache), else allocates. Fragments cost one atomic
 * `get` each (no bias).
 */
export function reuseFifo(options: ReuseFifoOptions = {}): RxStrategyFactory<ReuseFifoOptions> {
  const unsafe = options.unsafe ?? false;
  const name = options.name ?? (unsafe ? "test-reuse-unsafe" : "test-reuse-fifo");
  return {
    contractVersion: RX_STRATEGY_CONTRACT_VERSION,
    name,
    options,
    create(env): RxStrategy {
      const ids = env.config.bufqSlots;
      const pages = env.pages;
      const bufferSize = env.config.bufferSize;
      const pageOf = new Int32Array(ids).fill(NONE);
      const free = new Int32Array(ids);
      for (let i = 0; i < ids; i++) free[i] = ids - 1 - i;
      let freeTop = ids;
      let fifo = new Int32Array(1024);
      let head = 0;
      let count = 0;
      let allocs = 0;
      let reused = 0;
      let allocFail = 0;
      const push = (page: number) => {
        if (count === fifo.length) {
          const bigger = new Int32Array(fifo.length * 2);
          for (let i = 0; i < count; i++) bigger[i] = fifo[(head + i) % fifo.length];
          fifo = bigger;
          head = 0;
        }
        fifo[(head + count) % fifo.length] = page;
        count++;
      };
      return {
        contractVersion: RX_STRATEGY_CONTRACT_VERSION,
        name,
        copybreak: env.config.copybreak,
        refill(max) {
          let n = 0;
          while (n < max && freeTop > 0) {
            let page = NONE;
            if (count > 0 && (unsafe || pages.count(fifo[head]) === 1)) {
              page = fifo[head];
              head = (head + 1) % fifo.length;
              count--;
              reused++;
            } else {
              page = pages.alloc();
              if (page === NOPAGE) {
                allocFail++;
                break;
              }
              allocs++;
              // Mapped once, kept mapped while the FIFO keeps the page.
              env.dma.map(page);
            }
            const id = free[--freeTop];
            pageOf[id] = page;
            env.post(id, page, 0, bufferSize);
            n++;
          }
          return n;
        },
        complete(bufId, kind) {
          if (bufId < 0 || bufId >= ids || pageOf[bufId] === NONE) return REJECTED;
          const page = pageOf[bufId];
          pageOf[bufId] = NONE;
          free[freeTop++] = bufId;
          // The skb's reference: one atomic get; the strategy keeps its own.
          if (kind === FRAGMENT) pages.get(page);
          push(page);
          return ACCEPTED;
        },
        teardown() {
          for (let id = 0; id < ids; id++) {
            if (pageOf[id] !== NONE) {
              env.dma.unmap(pageOf[id]);
              pages.put(pageOf[id]);
            }
            pageOf[id] = NONE;
          }
          while (count > 0) {
            env.dma.unmap(fifo[head]);
            pages.put(fifo[head]);
            head = (head + 1) % fifo.length;
            count--;
          }
        },
        stats: () => ({ pages_allocated: allocs, pages_reused: reused, rx_buf_alloc_fail: allocFail }),
      };
    },
  };
}

/** What {@link probe} saw, in event order (test-only: grows with the run). */
export interface ProbeLog {
  /** Simulated time of each fragment completion, in completion order. */
  completeNs: number[];
  /** For each completion index, the time its fragment was released (NaN until then). */
  releaseNs: number[];
  /** For each completion index, whether the release came inside NAPI. */
  releaseInNapi: boolean[];
}

/**
 * A page-per-buffer strategy that also watches the stack (`onFragmentRelease`)
 * and records when each completed fragment came back, so tests can see the
 * hold the stack applied to each packet.
 */
export function probe(): { factory: RxStrategyFactory<Record<string, never>>; log: ProbeLog } {
  const log: ProbeLog = { completeNs: [], releaseNs: [], releaseInNapi: [] };
  const factory: RxStrategyFactory<Record<string, never>> = {
    contractVersion: RX_STRATEGY_CONTRACT_VERSION,
    name: "test-probe",
    options: {},
    create(env): RxStrategy {
      const pageOfBuf = new Int32Array(env.config.bufqSlots).fill(NONE);
      const indexOfPage = new Map<number, number>();
      // Learn each buffer's page as it is posted.
      const inner = pagePerBuffer().create({
        ...env,
        post(bufId, page, offset, len) {
          pageOfBuf[bufId] = page;
          env.post(bufId, page, offset, len);
        },
      });
      return {
        ...inner,
        name: "test-probe",
        complete(bufId, kind, bytes) {
          const page = pageOfBuf[bufId] ?? NONE;
          const result = inner.complete(bufId, kind, bytes);
          if (kind === FRAGMENT && page !== NONE) {
            indexOfPage.set(page, log.completeNs.length);
            log.completeNs.push(env.clock.now());
            log.releaseNs.push(Number.NaN);
            log.releaseInNapi.push(false);
          }
          return result;
        },
        onFragmentRelease(page, _offset, _len, inNapi) {
          const i = indexOfPage.get(page);
          if (i === undefined) return;
          indexOfPage.delete(page);
          log.releaseNs[i] = env.clock.now();
          log.releaseInNapi[i] = inNapi;
        },
      };
    },
  };
  return { factory, log };
}
