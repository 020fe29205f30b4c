/**
 * Names of the independent random streams of a run (core's
 * `createRng(seed, name)`). Each source of randomness has its own stream, so
 * one consumer's draws never shift another's: every strategy compared on a
 * seed sees the same arrivals, sizes, flags, hold times and failures.
 */
export const RNG_STREAMS = {
  /** Inter-arrival gaps (Poisson arrivals). */
  arrivals: "arrivals",
  /** Packet sizes and RSC aggregates. */
  sizes: "sizes",
  /** Stack hold times and the slow-reader coin. */
  hold: "hold",
  /** The device's `rx_error` flag per packet. */
  rxError: "rx-error",
  /** The skb allocation failure flag per packet. */
  skbFail: "skb-fail",
  /** Page allocation failures by probability (the page table's stream, drawn per allocation attempt). */
  allocFailure: "alloc-failure",
  /** The device's out-of-order completion choices. */
  device: "device",
  /** The misbehaving device's bogus completions (`device.misbehave`), drawn per arriving packet. */
  misbehave: "device-misbehave",
  /** Reserved for the strategy (`env.rng`). */
  strategy: "strategy",
  /** Each packet's flow in a synthetic flow mix (`host.flows`, drawn only when there is more than one flow). */
  flows: "flows",
  /** The synthetic flows' addresses and ports, drawn once per flow at the start. */
  flowTuples: "flow-tuples",
} as const;
