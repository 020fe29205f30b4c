import type { RxStrategy } from "@rxsim/core";
import { DqoStrategy } from "@rxsim/strategy-dqo";
import { PagePool } from "@rxsim/strategy-page-pool";

/** One of a strategy's own lists, in its order (head first). */
export interface StrategyList {
  /** Name, with the driver's name where it has one. */
  readonly name: string;
  /** What the entries are. */
  readonly of: "buffer ids" | "pages";
  /** The entries. */
  readonly items: readonly number[];
}

/** What the viewer can see inside a strategy beyond the page table. */
export interface StrategyInside {
  /** The strategy's own lists (none for a strategy the viewer knows nothing about). */
  readonly lists: readonly StrategyList[];
  /** Page → references the driver holds in reserve (`pagecnt_bias`), for strategies that keep one. */
  readonly bias: ReadonlyMap<number, number> | null;
}

const NONE = -1;

/**
 * Read a strategy's own lists. Knows dqo (buffer states: recycled and used
 * FIFOs, free list, `pagecnt_bias` per page) and page_pool (its cache and
 * ring); any other strategy shows only the generic page view.
 */
export function inspectStrategy(strategy: RxStrategy): StrategyInside {
  if (strategy instanceof DqoStrategy) {
    const st = strategy.states;
    const l = st.lists();
    const bias = new Map<number, number>();
    for (let id = 0; id < st.size; id++) if (st.page[id] !== NONE) bias.set(st.page[id], st.pagecntBias[id]);
    return {
      lists: [
        { name: "recycled_buf_states", of: "buffer ids", items: l.recycled },
        { name: "used_buf_states", of: "buffer ids", items: l.used },
        { name: "free_buf_states", of: "buffer ids", items: l.free },
      ],
      bias,
    };
  }
  const pool = (strategy as { pool?: unknown }).pool;
  if (pool instanceof PagePool) {
    const l = pool.lists();
    return {
      lists: [
        { name: "alloc cache", of: "pages", items: l.cache },
        { name: "ptr_ring", of: "pages", items: l.ring },
      ],
      bias: null,
    };
  }
  return { lists: [], bias: null };
}
