import { DEFAULT_RSS_KEY } from "./toeplitz.js";

/** How a synthetic flow mix shares the packets among its flows. */
export type FlowShares = "uniform" | "zipf" | "elephant" | "weights";

/**
 * Synthetic traffic's flows: how many, and which share of the packets each
 * carries. Every packet is given a flow drawn from the `flows` stream (only
 * when there is more than one flow, so a run of one flow draws nothing).
 */
export interface FlowMixConfig {
  /** Number of flows (1: every packet is one flow). */
  readonly count: number;
  /**
   * `uniform`: every flow the same share; `zipf`: flow k (1-based) gets a share
   * ∝ 1 / k^zipfExponent; `elephant`: the first `elephants` flows together
   * carry `elephantShare` of the packets, the others (mice) share the rest;
   * `weights`: flow k gets `weights[k]` / Σ weights.
   */
  readonly shares: FlowShares;
  /** `zipf`: the exponent s. */
  readonly zipfExponent: number;
  /** `elephant`: how many elephant flows. */
  readonly elephants: number;
  /** `elephant`: the share of all packets the elephants carry together (0‥1). */
  readonly elephantShare: number;
  /** `weights`: each flow's relative size in packets (length `count`). */
  readonly weights: readonly number[];
  /** The flows' layer 4: TCP or UDP (the NIC hashes the ports of both by default). */
  readonly protocol: "tcp" | "udp";
  /** IPv4 or IPv6 addresses. */
  readonly ipVersion: 4 | 6;
}

/**
 * Receive-side scaling: the Toeplitz hash over each packet's fields and the
 * indirection table from hash to queue (`ethtool -X`).
 */
export interface RssConfig {
  /**
   * The hash key, 40 bytes in hex as `ethtool -x` prints it (`6d:5a:…`;
   * `netdev_rss_key`; default: Microsoft's verification key). Given as hex,
   * with or without colons, or as an array of 40 byte values.
   */
  readonly key: string;
  /**
   * The indirection table: entry `hash % length` names the queue. Empty: the
   * driver's default (`ethtool_rxfh_indir_default`), `indirectionSize` entries
   * round-robin over the queues.
   */
  readonly indirection: readonly number[];
  /** Entries of the default indirection table (128, as many NICs). */
  readonly indirectionSize: number;
  /**
   * Hash UDP ports too (`ethtool -N … rx-flow-hash udp4 sdfn`); false: UDP
   * packets are hashed on their addresses only, as some NICs do by default.
   */
  readonly udpPorts: boolean;
}

/** Flows whose socket reader is stuck: every skb they deliver is held this long. */
export interface StuckReadersConfig {
  /** Flow numbers (0-based: synthetic flow k, or a capture's k-th flow in order of first appearance). */
  readonly flows: readonly number[];
  /** The hold of their skbs, ns (replaces the stack's hold for them). */
  readonly holdNs: number;
}

/**
 * The host around the NIC: how many RX queues, where their NAPI runs, where
 * each flow is read, and how flows are spread over the queues. `queues: 1` is
 * the single-queue model of every earlier release, unchanged.
 */
export interface HostConfig {
  /** RX queues (1‥256). Each has its own rings, NAPI and strategy instance; all share one page allocator. */
  readonly queues: number;
  /** The CPU each queue's NAPI runs on (length `queues`); empty: queue q on CPU q (one IRQ per CPU). */
  readonly napiCpus: readonly number[];
  /**
   * Where each flow's socket reader runs: `napi`, the CPU of its queue's NAPI
   * (RFS steering the flow to where it is read); `other`, the next CPU (the
   * application pinned elsewhere); or one CPU per flow. A release on the NAPI's
   * CPU inside its poll is in NAPI context; any other is remote.
   */
  readonly readerCpus: "napi" | "other" | readonly number[];
  /** The synthetic flow mix (ignored for captures, whose frames carry their own 5-tuples). */
  readonly flows: FlowMixConfig;
  /** RSS hash and indirection table. */
  readonly rss: RssConfig;
  /** Flows whose reader is stuck (none by default). */
  readonly stuckReaders: StuckReadersConfig;
}

/** Defaults of {@link FlowMixConfig}: one TCP/IPv4 flow. */
export const DEFAULT_FLOW_MIX: FlowMixConfig = {
  count: 1,
  shares: "uniform",
  zipfExponent: 1,
  elephants: 1,
  elephantShare: 0.9,
  weights: [],
  protocol: "tcp",
  ipVersion: 4,
};

/** Defaults of {@link RssConfig}: the verification key, 128 entries round-robin, UDP ports hashed. */
export const DEFAULT_RSS: RssConfig = {
  key: rssKeyHex(DEFAULT_RSS_KEY),
  indirection: [],
  indirectionSize: 128,
  udpPorts: true,
};

/** Defaults of {@link HostConfig}: one queue, as every run before multi-queue support. */
export const DEFAULT_HOST: HostConfig = {
  queues: 1,
  napiCpus: [],
  readerCpus: "napi",
  flows: DEFAULT_FLOW_MIX,
  rss: DEFAULT_RSS,
  stuckReaders: { flows: [], holdNs: 0 },
};

/** A key as colon-separated hex bytes (`ethtool -x`). */
export function rssKeyHex(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** The bytes of a validated hex key. */
export function rssKeyBytes(hex: string): Uint8Array {
  const digits = hex.replace(/:/g, "");
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}
