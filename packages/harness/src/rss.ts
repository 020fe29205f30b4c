import type { FlowSet } from "./flow-set.js";
import { type RssConfig, rssKeyBytes } from "./host-config.js";
import { toeplitzHash } from "./toeplitz.js";

/**
 * The indirection table (`ethtool -x`): the configured one, or the driver
 * default `ethtool_rxfh_indir_default(i, n) = i % n` over `indirectionSize` entries.
 */
export function indirectionTable(rss: RssConfig, queues: number): Int32Array {
  if (rss.indirection.length > 0) return Int32Array.from(rss.indirection);
  const table = new Int32Array(rss.indirectionSize);
  for (let i = 0; i < table.length; i++) table[i] = i % queues;
  return table;
}

/** Where RSS sends each flow: its Toeplitz hash and its queue. */
export interface FlowSteering {
  /** The RSS hash of each flow (0 for a flow that is not IP). */
  readonly hash: Uint32Array;
  /** The queue of each flow: `table[hash % table.length]`; queue 0 for a flow that is not IP. */
  readonly queue: Int32Array;
}

/**
 * Hash every flow once (a flow's packets all hash alike, so nothing is hashed
 * per packet) and look its queue up in the indirection table.
 */
export function steerFlows(flows: FlowSet, rss: RssConfig, queues: number): FlowSteering {
  const key = rssKeyBytes(rss.key);
  const table = indirectionTable(rss, queues);
  const input = new Uint8Array(36);
  const hash = new Uint32Array(flows.count);
  const queue = new Int32Array(flows.count);
  for (let f = 0; f < flows.count; f++) {
    const n = flows.hashInput(f, rss.udpPorts, input);
    if (n === 0) continue;
    const h = toeplitzHash(key, input, n);
    hash[f] = h;
    queue[f] = table[h % table.length];
  }
  return { hash, queue };
}
