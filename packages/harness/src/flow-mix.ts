import { createRng, type Rng } from "@rxsim/core";
import { FlowSet, IPPROTO_TCP, IPPROTO_UDP } from "./flow-set.js";
import type { FlowMixConfig } from "./host-config.js";
import { RNG_STREAMS } from "./rng-streams.js";

/**
 * Each flow's share of the packets, normalised to sum 1, as the mix says:
 * uniform, Zipf (flow k gets ∝ 1/k^s), elephants and mice, or given weights.
 */
export function flowShares(mix: FlowMixConfig): Float64Array {
  const n = mix.count;
  const w = new Float64Array(n);
  switch (mix.shares) {
    case "uniform":
      w.fill(1);
      break;
    case "zipf":
      for (let k = 0; k < n; k++) w[k] = 1 / (k + 1) ** mix.zipfExponent;
      break;
    case "elephant": {
      const e = Math.min(mix.elephants, n);
      const mice = n - e;
      // With no mice the elephants carry everything.
      const elephantShare = mice === 0 ? 1 : mix.elephantShare;
      for (let k = 0; k < n; k++) w[k] = k < e ? elephantShare / e : (1 - elephantShare) / mice;
      break;
    }
    case "weights":
      for (let k = 0; k < n; k++) w[k] = mix.weights[k];
      break;
  }
  let sum = 0;
  for (let k = 0; k < n; k++) sum += w[k];
  for (let k = 0; k < n; k++) w[k] /= sum;
  return w;
}

/**
 * Draws each packet's flow from the `flows` stream by the mix's shares
 * (inverse CDF by binary search; nothing allocated per packet). A mix of one
 * flow draws nothing.
 */
export class FlowMix {
  private readonly cum: Float64Array;
  private readonly rng: Rng;
  private readonly single: boolean;

  constructor(mix: FlowMixConfig, seed: number) {
    const shares = flowShares(mix);
    this.cum = new Float64Array(shares.length);
    let acc = 0;
    for (let k = 0; k < shares.length; k++) {
      acc += shares[k];
      this.cum[k] = acc;
    }
    this.single = shares.length === 1;
    this.rng = createRng(seed, RNG_STREAMS.flows);
  }

  /** The next packet's flow. */
  next(): number {
    if (this.single) return 0;
    const cum = this.cum;
    const u = this.rng.nextFloat() * cum[cum.length - 1];
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < cum[mid]) hi = mid;
      else lo = mid + 1;
    }
    // The first flow whose cumulative share exceeds u: a flow of share 0 is never chosen.
    return lo;
  }
}

/**
 * The synthetic flows' 5-tuples, drawn once from the `flow-tuples` stream:
 * clients at random addresses (10.0.0.0/8, or 2001:db8::/32) and ephemeral
 * ports (32768‥60999, Linux's `ip_local_port_range`) talking to one server
 * address and port (192.0.2.1 or 2001:db8::1, port 443). Two flows never share a 5-tuple.
 */
export function syntheticFlows(mix: FlowMixConfig, seed: number): FlowSet {
  const rng = createRng(seed, RNG_STREAMS.flowTuples);
  const flows = new FlowSet();
  const proto = mix.protocol === "udp" ? IPPROTO_UDP : IPPROTO_TCP;
  const v6 = mix.ipVersion === 6;
  const bytes = new Uint8Array(32);
  // The server's address at 16; the client's at 0.
  if (v6) bytes.set([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 16);
  else bytes.set([192, 0, 2, 1], 16);
  while (flows.count < mix.count) {
    if (v6) {
      bytes.set([0x20, 0x01, 0x0d, 0xb8]);
      for (let i = 4; i < 16; i++) bytes[i] = rng.nextInt(256);
    } else {
      bytes[0] = 10;
      for (let i = 1; i < 4; i++) bytes[i] = rng.nextInt(256);
    }
    const sport = 32768 + rng.nextInt(60999 - 32768 + 1);
    // A repeated tuple interns to an existing flow: draw again until the set grows.
    flows.intern(v6 ? 6 : 4, proto, bytes, 0, 16, true, sport, 443);
  }
  return flows;
}
