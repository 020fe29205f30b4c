import { describe, expect, it } from "vitest";
import { type BufferIdOrder, BufferIdTable } from "../buffer-ids.js";
import { NO_PAGE } from "../page-table.js";
import { CompletionKind, CompletionResult, RX_STRATEGY_CONTRACT_VERSION, type RxStrategyFactory } from "../strategy.js";
import { idsPostedAfterTwoCompletions } from "./id-order.js";
import { createPagePerBufferTestStrategy } from "./test-strategies.js";

/** A page per buffer, ids from a {@link BufferIdTable} of the given order. */
function pagePerBuffer(order: BufferIdOrder): RxStrategyFactory {
  return {
    contractVersion: RX_STRATEGY_CONTRACT_VERSION,
    name: `ids-${order}`,
    options: {},
    create(env) {
      const ids = new BufferIdTable(env.config.bufqSlots, order);
      return {
        contractVersion: RX_STRATEGY_CONTRACT_VERSION,
        name: `ids-${order}`,
        copybreak: env.config.copybreak,
        refill(max) {
          let n = 0;
          for (; n < max && ids.free > 0; n++) {
            const page = env.pages.alloc();
            if (page === NO_PAGE) break;
            env.dma.map(page);
            env.post(ids.take(page, 0), page, 0, env.config.bufferSize);
          }
          return n;
        },
        complete(bufId, kind) {
          const page = ids.reclaim(bufId);
          if (page === NO_PAGE) return CompletionResult.Rejected;
          env.dma.unmap(page);
          if (kind !== CompletionKind.Fragment) env.pages.put(page);
          return CompletionResult.Accepted;
        },
        teardown: () =>
          ids.releaseAll((_id, page) => {
            env.dma.unmap(page);
            env.pages.put(page);
          }),
        stats: () => ({ invalid_buf_id: ids.rejected }),
      };
    },
  };
}

describe("idsPostedAfterTwoCompletions", () => {
  it("tells a LIFO free list from a FIFO one", () => {
    expect(idsPostedAfterTwoCompletions(pagePerBuffer("lifo"))).toEqual([1, 0]);
    expect(idsPostedAfterTwoCompletions(pagePerBuffer("fifo"))).toEqual([7, 0]);
    expect(idsPostedAfterTwoCompletions(createPagePerBufferTestStrategy())).toEqual([1, 0]);
  });
});
