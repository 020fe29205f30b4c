import type { CostProfile, RxQueueConfig } from "@rxsim/core";
import type { HostConfig } from "./host-config.js";

/** How packet sizes are drawn by {@link SyntheticTraffic}. */
export type SizeModel = "fixed" | "uniform" | "imix" | "histogram";

/** Unit of {@link SyntheticTraffic.rate}. */
export type RateUnit = "pps" | "gbps";

/** Spacing of arrivals: evenly spaced, or a Poisson process with the same mean rate. */
export type ArrivalProcess = "constant" | "poisson";

/**
 * Generated traffic. Every key is present after validation; the keys of the
 * size models not selected are kept (so `--set traffic.sizeModel=uniform`
 * works) but unused.
 */
export interface SyntheticTraffic {
  readonly kind: "synthetic";
  /** Size model. */
  readonly sizeModel: SizeModel;
  /** `fixed`: bytes per packet (the frame as the driver sees it: Ethernet header included, FCS stripped). */
  readonly packetSize: number;
  /** `uniform`: smallest size in bytes (inclusive). */
  readonly minSize: number;
  /** `uniform`: largest size in bytes (inclusive). */
  readonly maxSize: number;
  /** `histogram`: `[sizeBytes, weight]` pairs; a size is drawn with probability weight / total. */
  readonly histogram: readonly (readonly [number, number])[];
  /** Probability that an arrival is an RSC/LRO aggregate of several segments instead of one frame. */
  readonly rscProbability: number;
  /** Largest RSC aggregate in bytes (64 KiB at most, as hardware RSC). */
  readonly rscMaxBytes: number;
  /** Bytes per aggregated segment (an aggregate is k segments, k uniform in 2‥⌊rscMaxBytes / rscSegmentBytes⌋). */
  readonly rscSegmentBytes: number;
  /** Arrival rate: packets per second, or link gigabits per second (see {@link wireOverheadBytes}). */
  readonly rate: number;
  /** Unit of {@link rate}. */
  readonly rateUnit: RateUnit;
  /** Constant spacing or Poisson arrivals. */
  readonly arrival: ArrivalProcess;
  /** On/off bursts: length of the on phase in ns (0 with `burstOffNs` 0: no bursts). */
  readonly burstOnNs: number;
  /** On/off bursts: length of the off phase in ns; nothing arrives then. */
  readonly burstOffNs: number;
  /**
   * Bytes each frame occupies on the wire beyond its size, for `gbps` rates:
   * preamble + SFD (8) + inter-frame gap (12) + FCS (4) = 24 by default.
   */
  readonly wireOverheadBytes: number;
}

/** Replay the sizes and timestamps of a pcap or pcapng capture. */
export interface CaptureTraffic {
  readonly kind: "capture";
  /** Path of the capture file. */
  readonly path: string;
  /** Start over when the capture ends (until `packets` arrived). Default false: the run ends with the capture. */
  readonly loop: boolean;
  /** Multiply the capture's inter-arrival times by this (0.5 = twice as fast). Default 1. */
  readonly timeScale: number;
  /**
   * Largest forward jump between consecutive timestamps, ns; a capture with a
   * longer one is refused as corrupt. Default 1e9 (1 s).
   */
  readonly maxGapNs: number;
}

/** Replay a trace recorded by the harness (arrivals, flags and hold times exactly as recorded). */
export interface TraceTraffic {
  readonly kind: "trace";
  /** Path of the trace file (JSON lines, see the README). */
  readonly path: string;
}

/** Where the arriving packets come from. */
export type TrafficConfig = SyntheticTraffic | CaptureTraffic | TraceTraffic;

/** How long the stack holds each skb. */
export type HoldModel = "immediate" | "fixed" | "exponential" | "lognormal" | "batched";

/** The network stack's hold times. */
export interface StackConfig {
  /**
   * `immediate`: released inside the same NAPI poll (`napi_consume_skb`, inNapi true);
   * `fixed`: after `holdNs`; `exponential`: mean `holdNs`; `lognormal`: mean
   * `holdNs`, shape `sigma` (a long tail); `batched`: an application reads
   * every `batchIntervalNs`, releasing everything delivered since its last read.
   * All but `immediate` release from process context (inNapi false).
   */
  readonly hold: HoldModel;
  /** `fixed`: the hold; `exponential` and `lognormal`: the mean hold, in ns. */
  readonly holdNs: number;
  /** `lognormal`: standard deviation of the underlying normal (larger = longer tail). */
  readonly sigma: number;
  /** `batched`: the reader's period in ns. */
  readonly batchIntervalNs: number;
  /** A slow socket reader: this fraction of packets (any model) is held `slowHoldNs` instead. */
  readonly slowFraction: number;
  /** Hold of the slow fraction, in ns. */
  readonly slowHoldNs: number;
}

/**
 * A misbehaving device: bogus completions on top of the real ones, as a buggy
 * NIC or firmware might write them. Each rate is a probability per arriving
 * packet, drawn from the `device-misbehave` stream. The driver must reject
 * every one (`gve_rx_dqo`: an id `>= num_buf_states`, or a state that is not
 * allocated, is `-EINVAL`) and count it in `rx_desc_err_dropped_pkt`.
 */
export interface MisbehaveConfig {
  /** A completion whose buffer id is out of every strategy's range (65536: more than a 16-bit `buf_id` holds). */
  readonly outOfRangeRate: number;
  /**
   * A completion for a state that is not allocated: a buffer id the strategy does not have
   * outstanding, at most one past the largest it ever posted.
   */
  readonly notAllocatedRate: number;
  /** The packet's last completion written twice, the copy right after the original. */
  readonly duplicateRate: number;
}

/** The device's options beyond the rings. */
export interface DeviceConfig {
  /** Completions are written out of order among up to this many packets (1 = in order). */
  readonly oooWindow: number;
  /** Probability that a packet carries `rx_error` (the driver drops it). */
  readonly rxErrorRate: number;
  /** Bogus completions (all rates 0 by default: a well-behaved device). */
  readonly misbehave: MisbehaveConfig;
}

/** The driver's NAPI timing. */
export interface DriverConfig {
  /** Interrupt coalescing: a poll runs this long after the first completion after idle (gve DQO: 20 µs). */
  readonly coalesceNs: number;
  /** Simulated CPU time of one poll, in ns (0: polls take no time). */
  readonly pollCostNs: number;
  /** Simulated CPU time per packet completed in a poll, in ns. */
  readonly packetCostNs: number;
  /**
   * The fix for the allocation-failure stall: re-schedule NAPI every
   * `starvationTimerMs` while fewer than `starvationThreshold` buffers are
   * visible to hardware. Off by default so the stall can be shown.
   */
  readonly starvationTimer: boolean;
  /** Period of the starvation timer in milliseconds (20). */
  readonly starvationTimerMs: number;
  /** Buffers visible to hardware below which the timer is armed (32, `GVE_RX_BUF_THRESH_DQO`). */
  readonly starvationThreshold: number;
}

/** Injected page allocation failures (core's `AllocFailureOptions`, as plain data). */
export interface AllocFailureConfig {
  /** Probability that any allocation attempt fails (drawn from the `alloc-failure` stream). */
  readonly probability: number;
  /** 1-based attempt ordinals that fail. */
  readonly attempts: readonly number[];
  /** `[startNs, endNs)` windows of simulated time in which every allocation fails. */
  readonly windows: readonly (readonly [number, number])[];
}

/** Memory: page allocation failures and a cap. */
export interface MemoryConfig {
  /** Injected page allocation failures. */
  readonly allocFailure: AllocFailureConfig;
  /** Cap on pages allocated at once (a QPL's registered pool); null for none. */
  readonly maxPages: number | null;
  /** Probability that the skb for a packet cannot be allocated (`napi_get_frags` fails; the packet is dropped). */
  readonly skbAllocFailRate: number;
}

/**
 * A complete, JSON-able description of one simulated run. Produced by
 * {@link validateScenarioConfig} (which fills defaults) or taken from the
 * scenario catalog.
 */
export interface ScenarioConfig {
  /** Short name (catalog key). */
  readonly name: string;
  /** One line saying what the scenario shows. */
  readonly description: string;
  /** Seed of every random stream. */
  readonly seed: number;
  /** Packets that arrive (warm-up included). */
  readonly packets: number;
  /** The first this many arrivals are warm-up: counters exclude them (see the README). */
  readonly warmupPackets: number;
  /** The RX queue's configuration (complete after validation). */
  readonly queue: Partial<RxQueueConfig>;
  /** Device options. */
  readonly device: DeviceConfig;
  /** Where packets come from. */
  readonly traffic: TrafficConfig;
  /** How long the stack holds skbs. */
  readonly stack: StackConfig;
  /** NAPI timing and the starvation timer. */
  readonly driver: DriverConfig;
  /** Allocation failures and caps. */
  readonly memory: MemoryConfig;
  /**
   * CPU cost per operation (`docs/cost-model.md`): each NAPI poll takes the
   * priced time of its work, so a slow strategy can fall behind and drop.
   * Given as a built-in name (`none`, `bare-metal`, `iommu-lazy`,
   * `iommu-strict`) or `{ name?, base?, costs }`; after validation always the
   * full profile. Default `none`: polls take no time.
   */
  readonly costProfile: CostProfile;
  /** Run the invariant checker (on by default; about a quarter slower). */
  readonly checker: boolean;
  /** Time-series sampling interval in simulated ns. */
  readonly timeSeriesIntervalNs: number;
  /** Most time-series points kept; the interval doubles (pairs merge) when exceeded. */
  readonly timeSeriesMaxPoints: number;
  /**
   * The host: RX queues, their NAPI CPUs, flows, RSS, readers (`queues: 1` by
   * default, the single-queue model). With several queues `memory.maxPages`
   * caps the host's pages, all queues together.
   */
  readonly host: HostConfig;
}

/** IMIX: 7 : 4 : 1 packets of 64, 576 and 1500 bytes. */
export const IMIX_HISTOGRAM: readonly (readonly [number, number])[] = Object.freeze([
  Object.freeze([64, 7] as const),
  Object.freeze([576, 4] as const),
  Object.freeze([1500, 1] as const),
]);

/** Defaults of {@link SyntheticTraffic}: 1500-byte frames at 8 Mpps, evenly spaced (about 100 GbE line rate). */
export const DEFAULT_SYNTHETIC_TRAFFIC: SyntheticTraffic = {
  kind: "synthetic",
  sizeModel: "fixed",
  packetSize: 1500,
  minSize: 64,
  maxSize: 1500,
  histogram: IMIX_HISTOGRAM,
  rscProbability: 0,
  rscMaxBytes: 65536,
  rscSegmentBytes: 1500,
  rate: 8_000_000,
  rateUnit: "pps",
  arrival: "constant",
  burstOnNs: 0,
  burstOffNs: 0,
  wireOverheadBytes: 24,
};

/** Defaults of {@link StackConfig}: prompt release inside the poll. */
export const DEFAULT_STACK: StackConfig = {
  hold: "immediate",
  holdNs: 0,
  sigma: 1,
  batchIntervalNs: 100_000,
  slowFraction: 0,
  slowHoldNs: 0,
};

/** Defaults of {@link MisbehaveConfig}: a well-behaved device. */
export const DEFAULT_MISBEHAVE: MisbehaveConfig = { outOfRangeRate: 0, notAllocatedRate: 0, duplicateRate: 0 };

/** Defaults of {@link DeviceConfig}. */
export const DEFAULT_DEVICE: DeviceConfig = { oooWindow: 1, rxErrorRate: 0, misbehave: DEFAULT_MISBEHAVE };

/** Defaults of {@link DriverConfig}: `GVE_RX_IRQ_RATELIMIT_US_DQO` (20 µs) coalescing, timer off. */
export const DEFAULT_DRIVER: DriverConfig = {
  coalesceNs: 20_000,
  pollCostNs: 0,
  packetCostNs: 0,
  starvationTimer: false,
  starvationTimerMs: 20,
  starvationThreshold: 32,
};

/** Defaults of {@link MemoryConfig}: no failures, no cap. */
export const DEFAULT_MEMORY: MemoryConfig = {
  allocFailure: { probability: 0, attempts: [], windows: [] },
  maxPages: null,
  skbAllocFailRate: 0,
};
