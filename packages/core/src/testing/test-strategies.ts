import {
  CompletionKind,
  CompletionResult,
  RX_STRATEGY_CONTRACT_VERSION,
  type RxStrategy,
  type RxStrategyFactory,
} from "../strategy.js";

/**
 * A minimal correct strategy for tests of the driver model itself: a fresh
 * page per buffer, one reference each, logged decisions. Strategy packages
 * should test their own strategy, not this one.
 */
export function createPagePerBufferTestStrategy(): RxStrategyFactory<Record<string, never>> {
  return {
    contractVersion: RX_STRATEGY_CONTRACT_VERSION,
    name: "test-page-per-buffer",
    options: {},
    create(env): RxStrategy {
      const ids = env.config.bufqSlots;
      const pageOf = new Int32Array(ids).fill(-1);
      const free: number[] = [];
      for (let i = ids - 1; i >= 0; i--) free.push(i);
      return {
        contractVersion: RX_STRATEGY_CONTRACT_VERSION,
        name: "test-page-per-buffer",
        copybreak: env.config.copybreak,
        refill(max) {
          let n = 0;
          while (n < max && free.length > 0) {
            const page = env.pages.alloc();
            if (page < 0) break;
            env.dma.map(page);
            const id = free.pop() as number;
            pageOf[id] = page;
            env.log?.line(`D post ${id} page=${page}`);
            env.post(id, page, 0, env.config.bufferSize);
            n++;
          }
          return n;
        },
        complete(bufId, kind) {
          if (bufId < 0 || bufId >= ids || pageOf[bufId] < 0) return CompletionResult.Rejected;
          const page = pageOf[bufId];
          pageOf[bufId] = -1;
          free.push(bufId);
          // A page per buffer: the device is done with it, so unmap before the stack or the put frees it.
          env.dma.unmap(page);
          if (kind !== CompletionKind.Fragment) env.pages.put(page);
          return CompletionResult.Accepted;
        },
        teardown() {
          for (let id = 0; id < ids; id++) {
            if (pageOf[id] >= 0) {
              env.dma.unmap(pageOf[id]);
              env.pages.put(pageOf[id]);
            }
            pageOf[id] = -1;
          }
        },
        stats: () => ({}),
      };
    },
  };
}
