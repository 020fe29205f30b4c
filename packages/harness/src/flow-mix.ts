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
 * Draws each packet's flow from the `flows` stream by the mix's shares in
 * O(1): Walker's alias method (Vose's construction), one uniform draw per
 * packet whose integer part picks a column and whose fraction picks the
 * column's flow or its alias. Nothing is allocated per packet; a mix of one
 * flow draws nothing.
 */
/** Flows drawn at a time. */
const BATCH = 1024;

export class FlowMix {
  /** Per column: the probability of keeping the column's own flow. */
  private readonly keep: Float64Array;
  /** Per column: the flow taken otherwise. */
  private readonly alias: Int32Array;
  private readonly n: number;
  private readonly rng: Rng;
  /** Flows drawn ahead, and how many of them are used. */
  private readonly batch = new Int32Array(BATCH);
  private pos = BATCH;

  constructor(mix: FlowMixConfig, seed: number) {
    const shares = flowShares(mix);
    const n = shares.length;
    this.n = n;
    this.keep = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = Float64Array.from(shares, (p) => p * n);
    const small: number[] = [];
    const large: number[] = [];
    for (let k = n - 1; k >= 0; k--) (scaled[k] < 1 ? small : large).push(k);
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.keep[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    // What is left is 1 up to rounding: the column keeps its own flow.
    const some = shares.findIndex((p) => p > 0);
    for (const k of [...large, ...small]) {
      // A flow of share 0 never keeps its column, whatever rounding left over.
      this.keep[k] = shares[k] > 0 ? 1 : 0;
      this.alias[k] = some;
    }
    this.rng = createRng(seed, RNG_STREAMS.flows);
  }

  /** The next packet's flow. */
  next(): number {
    if (this.n === 1) return 0;
    if (this.pos === BATCH) this.draw();
    return this.batch[this.pos++];
  }

  /**
   * The next {@link BATCH} flows, drawn in one tight loop: the same draws in
   * the same order as one at a time (the stream serves flow draws alone), so
   * the flows are the same, at a fraction of the per-packet cost.
   */
  private draw(): void {
    const { rng, n, keep, alias, batch } = this;
    for (let i = 0; i < BATCH; i++) {
      const x = rng.nextFloat() * n;
      const column = Math.floor(x);
      // A flow of share 0 keeps nothing of its column: it is never chosen.
      batch[i] = x - column < keep[column] ? column : alias[column];
    }
    this.pos = 0;
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
