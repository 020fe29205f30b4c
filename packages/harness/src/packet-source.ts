import { COMPL_RSC, COMPL_RX_ERROR, COMPL_SIM_SKB_ALLOC_FAIL, createRng, type Rng } from "@rxsim/core";
import { HoldSampler } from "./hold-sampler.js";
import { RNG_STREAMS } from "./rng-streams.js";
import { IMIX_HISTOGRAM, type ScenarioConfig, type SyntheticTraffic } from "./scenario-config.js";

// Module constants for the per-packet path (imported bindings can be getters under a module runner).
const RX_ERROR = COMPL_RX_ERROR;
const SKB_ALLOC_FAIL = COMPL_SIM_SKB_ALLOC_FAIL;
const RSC = COMPL_RSC;

/**
 * The arriving packets of one run, one at a time. After {@link next} returns
 * true the fields describe the packet; nothing is allocated per packet.
 */
export interface PacketSource {
  /** Arrival time in simulated ns (never decreasing). */
  timeNs: number;
  /** Bytes the device receives (one frame, or an RSC aggregate). */
  size: number;
  /** Completion flags the device sets: `COMPL_RX_ERROR`, `COMPL_SIM_SKB_ALLOC_FAIL`, `COMPL_RSC`. */
  flags: number;
  /** Stack hold: ns ≥ 0, or `HOLD_IMMEDIATE` / `HOLD_BATCHED`. */
  holdNs: number;
  /** Arrivals this source produces in all. */
  readonly total: number;
  /** True when every hold is `HOLD_IMMEDIATE` (the stack then needs no per-packet lookup). */
  readonly allImmediate: boolean;
  /** Advance to the next packet; false when there is none. */
  next(): boolean;
  /** Release files or buffers. */
  close(): void;
}

/**
 * Per-packet flags and holds, drawn per arriving packet from their own streams
 * (`rx-error`, `skb-fail`, `hold`), shared by the synthetic and capture sources.
 */
export class PacketExtras {
  private readonly rxErrorRng: Rng;
  private readonly skbFailRng: Rng;
  private readonly rxErrorRate: number;
  private readonly skbFailRate: number;
  readonly holds: HoldSampler;
  /** Every hold is immediate. */
  readonly allImmediate: boolean;

  constructor(config: ScenarioConfig) {
    this.allImmediate = config.stack.hold === "immediate" && config.stack.slowFraction === 0;
    this.rxErrorRng = createRng(config.seed, RNG_STREAMS.rxError);
    this.skbFailRng = createRng(config.seed, RNG_STREAMS.skbFail);
    this.rxErrorRate = config.device.rxErrorRate;
    this.skbFailRate = config.memory.skbAllocFailRate;
    this.holds = new HoldSampler(config.stack, config.seed);
  }

  /** The device flags of the next packet. Draws only from streams whose rate is set. */
  flags(): number {
    let f = 0;
    if (this.rxErrorRate > 0 && this.rxErrorRng.nextFloat() < this.rxErrorRate) f |= RX_ERROR;
    if (this.skbFailRate > 0 && this.skbFailRng.nextFloat() < this.skbFailRate) f |= SKB_ALLOC_FAIL;
    return f;
  }
}

/**
 * Generated traffic: sizes from the `sizes` stream, gaps from the `arrivals`
 * stream (Poisson only), optional on/off bursts.
 *
 * Rates in Gbps count every frame's wire bytes, `size + wireOverheadBytes`
 * (24 by default: preamble and SFD 8, inter-frame gap 12, FCS 4; `size` is
 * the frame without FCS, as the driver sees it). An RSC aggregate of k
 * segments occupies `k × (rscSegmentBytes + wireOverheadBytes)` on the wire.
 * The gap after a packet is its wire time at the link rate.
 */
export class SyntheticSource implements PacketSource {
  timeNs = 0;
  size = 0;
  flags = 0;
  holdNs = 0;
  readonly total: number;
  readonly allImmediate: boolean;

  private readonly sizes: Rng;
  private readonly arrivals: Rng;
  private readonly extras: PacketExtras;
  private readonly model: number;
  private readonly fixedSize: number;
  private readonly minSize: number;
  private readonly sizeSpan: number;
  private readonly cumWeights: Float64Array;
  private readonly histSizes: Int32Array;
  private readonly totalWeight: number;
  private readonly rscProbability: number;
  private readonly rscSegment: number;
  private readonly rscMaxSegments: number;
  private readonly overhead: number;
  private readonly gbps: boolean;
  /** pps: ns between packets; gbps: ns per wire byte. */
  private readonly gapUnit: number;
  private readonly poisson: boolean;
  private readonly burstOn: number;
  private readonly burstPeriod: number;
  private seq = 0;
  private nextTime = 0;

  constructor(config: ScenarioConfig, traffic: SyntheticTraffic) {
    this.total = config.packets;
    this.sizes = createRng(config.seed, RNG_STREAMS.sizes);
    this.arrivals = createRng(config.seed, RNG_STREAMS.arrivals);
    this.extras = new PacketExtras(config);
    this.allImmediate = this.extras.allImmediate;
    this.model = SIZE_MODELS[traffic.sizeModel];
    this.fixedSize = traffic.packetSize;
    this.minSize = traffic.minSize;
    this.sizeSpan = traffic.maxSize - traffic.minSize + 1;
    const hist = traffic.sizeModel === "imix" ? IMIX_HISTOGRAM : traffic.histogram;
    this.histSizes = Int32Array.from(hist, (p) => p[0]);
    this.cumWeights = new Float64Array(hist.length);
    let acc = 0;
    hist.forEach((p, i) => {
      acc += p[1];
      this.cumWeights[i] = acc;
    });
    this.totalWeight = acc;
    this.rscProbability = traffic.rscProbability;
    this.rscSegment = traffic.rscSegmentBytes;
    this.rscMaxSegments = Math.floor(traffic.rscMaxBytes / traffic.rscSegmentBytes);
    this.overhead = traffic.wireOverheadBytes;
    this.gbps = traffic.rateUnit === "gbps";
    // A rate of R Gbps moves R bits per ns: a byte takes 8 / R ns.
    this.gapUnit = this.gbps ? 8 / traffic.rate : 1e9 / traffic.rate;
    this.poisson = traffic.arrival === "poisson";
    this.burstOn = traffic.burstOnNs;
    this.burstPeriod = traffic.burstOnNs + traffic.burstOffNs;
  }

  next(): boolean {
    if (this.seq >= this.total) return false;
    this.seq++;
    this.timeNs = this.nextTime;
    let size = this.drawBaseSize();
    let wire = size + this.overhead;
    let flags = this.extras.flags();
    if (this.rscProbability > 0 && this.sizes.nextFloat() < this.rscProbability) {
      const k = 2 + this.sizes.nextInt(this.rscMaxSegments - 1);
      size = k * this.rscSegment;
      wire = k * (this.rscSegment + this.overhead);
      flags |= RSC;
    }
    this.size = size;
    this.flags = flags;
    this.holdNs = this.extras.holds.draw();
    const mean = this.gbps ? wire * this.gapUnit : this.gapUnit;
    let t = this.timeNs + (this.poisson ? this.arrivals.nextExponential(mean) : mean);
    if (this.burstPeriod > 0) {
      // Nothing arrives in the off phase: move to the start of the next on phase.
      const phase = t % this.burstPeriod;
      if (phase >= this.burstOn) t += this.burstPeriod - phase;
    }
    this.nextTime = t;
    return true;
  }

  private drawBaseSize(): number {
    switch (this.model) {
      case 0:
        return this.fixedSize;
      case 1:
        return this.minSize + this.sizes.nextInt(this.sizeSpan);
      default: {
        const u = this.sizes.nextFloat() * this.totalWeight;
        const cum = this.cumWeights;
        let lo = 0;
        let hi = cum.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (u < cum[mid]) hi = mid;
          else lo = mid + 1;
        }
        return this.histSizes[lo];
      }
    }
  }

  close(): void {}
}

const SIZE_MODELS = { fixed: 0, uniform: 1, imix: 2, histogram: 2 } as const;
