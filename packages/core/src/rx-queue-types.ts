import type { InvariantChecker } from "./checker.js";
import type { Clock } from "./clock.js";
import type { CostTable } from "./cost-profile.js";
import type { DecisionLogSink } from "./decision-log-sink.js";
import type { PageTable } from "./page-table.js";
import type { Rng } from "./rng.js";
import type { RxQueueConfig, RxStrategyFactory } from "./strategy.js";

/** Receives every skb the driver completes. The stack calls {@link RxQueue.releaseSkb} when done with it. */
export interface StackSink {
  /**
   * @param skb - the skb id, valid until released.
   * @param cookie - the packet's sequence number (from the completion), for per-packet hold times.
   */
  deliver(skb: number, cookie: number): void;
}

/** Options of {@link RxQueue}. */
export interface RxQueueOptions {
  /** Queue configuration; missing keys take the gve defaults. */
  config?: Partial<RxQueueConfig>;
  /** The page table (its page size must equal `config.pageSize`). */
  pages: PageTable;
  /** The strategy under test. */
  strategy: RxStrategyFactory;
  /** Random stream reserved for the strategy. */
  strategyRng: Rng;
  /** Random stream for the device's out-of-order completion. Needed when `oooWindow > 1`. */
  deviceRng?: Rng;
  /** Simulated clock. */
  clock: Clock;
  /** Where completed skbs go. */
  stack: StackSink;
  /** Install an invariant checker: `true` for one that records, or your own. Default: none (no cost). */
  checker?: boolean | InvariantChecker;
  /** Decision log sink; null or absent for none. */
  log?: DecisionLogSink | null;
  /** Device writes completions out of order among up to this many packets. Default 1 (in order). */
  oooWindow?: number;
  /** Price each poll's work with this cost table (see `RxQueue.costMeter`). Absent or all zero: no accounting. */
  costs?: CostTable | null;
}

/** Driver counters, with the gve names where it has them. */
export interface RxQueueCounters {
  /** Packets handed to the stack (`rpackets`), copybreak ones included. */
  rx_packets: number;
  /** Bytes handed to the stack (`rbytes`). */
  rx_bytes: number;
  /** Packets copied into a small skb (`rx_copybreak_pkt`). */
  rx_copybreak_pkt: number;
  /** Packets dropped because an skb could not be allocated (`rx_skb_alloc_fail`). */
  rx_skb_alloc_fail: number;
  /** Packets dropped on `rx_error` or an invalid buffer id (`rx_desc_err_dropped_pkt`). */
  rx_desc_err_dropped_pkt: number;
  /** Completions whose buffer id the strategy rejected (part of `rx_desc_err_dropped_pkt`). */
  rx_invalid_buf_id: number;
  /** Packets the device dropped for lack of posted buffers. */
  rx_no_buffer: number;
  /** Completions consumed. */
  completions: number;
  /** Buffers posted. */
  buffersPosted: number;
  /** Refill calls. */
  refills: number;
  /** NAPI polls run. */
  polls: number;
  /** skbs chained after `MAX_SKB_FRAGS` fragments. */
  chainedSkbs: number;
}
