import type { RxStrategyFactory } from "@rxsim/core";
import { createDqoStrategy } from "@rxsim/strategy-dqo";
import { createFifoCacheStrategy } from "@rxsim/strategy-fifo-cache";
import { createNaiveStrategy } from "@rxsim/strategy-naive";
import { createOracleStrategy } from "@rxsim/strategy-oracle";
import { createPageFlipStrategy } from "@rxsim/strategy-page-flip";
import { createPagePoolStrategy } from "@rxsim/strategy-page-pool";

/** A built-in strategy: how to make it and what it is. */
export interface RegisteredStrategy {
  /** One line for `rxsim strategies`. */
  readonly description: string;
  /** Make a fresh factory with default options. */
  readonly create: () => RxStrategyFactory;
}

/**
 * The strategies this command line knows by name. Registration is explicit:
 * a new built-in strategy is one line here; anything else loads by module
 * specifier (`--strategies ./my-strategy.js` or a package name).
 */
export const BUILTIN_STRATEGIES: Readonly<Record<string, RegisteredStrategy>> = {
  naive: {
    description: "a fresh page for every posted buffer, never reused (baseline)",
    create: () => createNaiveStrategy(),
  },
  "naive-split": {
    description: "naive, but each page carved into buffers (still never reused)",
    create: () => createNaiveStrategy({ splitPages: true }),
  },
  dqo: {
    description: "gve DQO two-list recycler (recycled/used FIFOs, pagecnt_bias)",
    create: () => createDqoStrategy(),
  },
  "dqo-nobias": {
    description: "gve DQO without the pagecnt_bias trick: one get_page per fragment",
    create: () => createDqoStrategy({ bias: false }),
  },
  "dqo-qpl": {
    description: "gve DQO in QPL mode: a fixed registered pool (2 × ring), copy on demand near exhaustion",
    create: () => createDqoStrategy({ qpl: true }),
  },
  "dqo-hds": {
    description: "gve DQO with header split: 128-byte header buffers, 4 KiB data buffers",
    create: () => createDqoStrategy({ headerSplit: true }),
  },
  "page-pool": {
    description: "Linux page_pool: 128-page cache, ptr_ring, bulk allocation, 2 KiB fragments",
    create: () => createPagePoolStrategy(),
  },
  "page-flip": {
    description: "Intel ixgbe/i40e/ice: reuse the page in place, flipping halves (USHRT_MAX bias)",
    create: () => createPageFlipStrategy(),
  },
  "fifo-cache": {
    description: "older mlx5: FIFO page cache, only the head checked for refcount 1",
    create: () => createFifoCacheStrategy(),
  },
  oracle: {
    description: "told of every fragment release, reuses any free piece at once: the lower bound",
    create: () => createOracleStrategy(),
  },
};
