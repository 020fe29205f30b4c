import type { CostOperation } from "@rxsim/core";
import type { ScenarioConfig } from "./scenario-config.js";
import type { TimeSeries } from "./time-series.js";

/** Version of the results JSON (`docs/results-schema.md`). Bumped on any incompatible change. */
export const RESULT_SCHEMA_VERSION = 1;

/** Counts divided by packets. A value is null when its divisor is 0. */
export interface PacketRatios {
  /** Page allocations. */
  readonly pageAllocs: number | null;
  /** Pages freed. */
  readonly pageFrees: number | null;
  /** Failed allocation attempts. */
  readonly allocFailures: number | null;
  /** Atomic page reference operations. */
  readonly atomicOps: number | null;
  /** Plain page reference-count reads. */
  readonly refReads: number | null;
  /** Buffers posted. */
  readonly buffersPosted: number | null;
  /** DMA map calls. */
  readonly dmaMaps: number | null;
  /** DMA unmap calls. */
  readonly dmaUnmaps: number | null;
  /** DMA sync calls. */
  readonly dmaSyncs: number | null;
}

/**
 * One strategy's numbers. Counts cover the measured part of the run: from the
 * arrival of packet number `warmupPackets` (0-based) to the end of the run
 * (see `docs/results-schema.md` for each field's unit and warm-up rule).
 */
export interface Metrics {
  /** Simulated ns from the warm-up boundary to the end of the run. */
  readonly durationNs: number;
  /** Packets that arrived at the device. */
  readonly packetsArrived: number;
  /** Bytes that arrived at the device. */
  readonly bytesArrived: number;
  /** Packets handed to the stack (`rx_packets`), copybreak ones included. */
  readonly packetsDelivered: number;
  /** Bytes handed to the stack (`rx_bytes`). */
  readonly bytesDelivered: number;
  /** Packets the device dropped for lack of posted buffers (`rx_no_buffer`). */
  readonly packetsDropped: number;
  /** Packets dropped on `rx_error` or a rejected buffer id (`rx_desc_err_dropped_pkt`). */
  readonly packetsDroppedRxError: number;
  /** Packets dropped because the skb could not be allocated (`rx_skb_alloc_fail`). */
  readonly packetsDroppedSkbAlloc: number;
  /** Completions whose buffer id the strategy rejected (part of `packetsDroppedRxError`). */
  readonly invalidBufIds: number;
  /**
   * Bogus completions the misbehaving device wrote (`device.misbehave`); each should
   * be rejected, so `invalidBufIds` equals it for a correct strategy.
   */
  readonly bogusCompletions: number;
  /** Packets copied into a small skb (`rx_copybreak_pkt`). */
  readonly copybreakPackets: number;
  /** Successful page allocations. */
  readonly pageAllocs: number;
  /** Pages freed back to the allocator. */
  readonly pageFrees: number;
  /** Failed page allocation attempts (injected failures and the cap). */
  readonly allocFailures: number;
  /** Atomic page reference operations (get, put, add, sub). */
  readonly atomicOps: number;
  /** Reads of a page's reference count (`page_count()`). */
  readonly refReads: number;
  /** `dma_map_page` calls (contract version 2's `env.dma.map`). */
  readonly dmaMaps: number;
  /** `dma_unmap_page` calls. */
  readonly dmaUnmaps: number;
  /** `dma_sync_*` calls, for the CPU and for the device. */
  readonly dmaSyncs: number;
  /** Whole run: most pages DMA-mapped at once (exact, from the DMA table). */
  readonly peakMappedPages: number;
  /** Most pages allocated at once in the measured part (sampled after every event). */
  readonly peakResidentPages: number;
  /** `peakResidentPages × pageSize`. */
  readonly peakResidentBytes: number;
  /** Time-weighted mean of pages allocated over the measured part. */
  readonly meanResidentPages: number;
  /** `meanResidentPages × pageSize`. */
  readonly meanResidentBytes: number;
  /** Most pages allocated at once over the whole run, warm-up included (exact, from the page table). */
  readonly peakResidentPagesRun: number;
  /** Most skbs held by the stack at once over the whole run. */
  readonly peakHeldSkbs: number;
  /** Buffers posted to the buffer queue. */
  readonly buffersPosted: number;
  /** Refill calls (one per poll, plus the initial one when not in warm-up). */
  readonly refills: number;
  /** NAPI polls. */
  readonly polls: number;
  /** Doorbell writes. */
  readonly doorbells: number;
  /** skbs chained after `MAX_SKB_FRAGS` fragments. */
  readonly chainedSkbs: number;
  /** Simulated ns during which the device saw no buffer and no poll was pending or running. */
  readonly stallNs: number;
  /** `stallNs / durationNs` (0 when the duration is 0). */
  readonly stallFraction: number;
  /**
   * Whole run: simulated time the queue first stalled (no buffer visible to the
   * device, no poll pending or running), or null if it never did.
   */
  readonly stallStartNs: number | null;
  /** The queue was stalled when the run ended: it never recovered (no starvation timer). */
  readonly stalledAtEnd: boolean;
  /** Invariant violations the checker reported (0 with the checker off), teardown leaks included. */
  readonly violations: number;
  /** The first violations' messages (at most 5). */
  readonly violationMessages: string[];
  /** Pages still allocated after teardown once every skb was released (a leak). */
  readonly leakedPages: number;
  /**
   * Pages still allocated right after the strategy's teardown: in flight, held
   * by the stack's skbs (plus any the strategy leaked), as page_pool reports a
   * stalled shutdown.
   */
  readonly teardownInflightPages: number;
  /** Simulated ns from teardown until the stack released its last skb (0 when none was held). */
  readonly teardownInflightNs: number;
  /** NAPI CPU ns of buffer-management work priced by `config.costProfile` (0 with `none`). */
  readonly cpuNs: number;
  /** `cpuNs / packetsDelivered` (null when nothing was delivered). */
  readonly cpuNsPerPacket: number | null;
  /** `cpuNsPerPacket` broken down by cost operation (they add up to it). */
  readonly cpuNsPerPacketByOp: Readonly<Record<CostOperation, number | null>>;
  /** NAPI CPU busy time: priced work plus `driver.pollCostNs` / `packetCostNs`, ns. */
  readonly napiBusyNs: number;
  /** `napiBusyNs / durationNs`: the NAPI CPU's utilisation (can exceed 1 by the last poll's tail). */
  readonly napiUtilisation: number;
  /** Counts per delivered packet. */
  readonly perDeliveredPacket: PacketRatios;
  /** Counts per 1,000 arrived packets. */
  readonly per1000Packets: PacketRatios;
}

/** One strategy's result. */
export interface StrategyResult {
  /** The factory's name. */
  readonly strategy: string;
  /** The factory's options (after its defaults). */
  readonly options: unknown;
  /**
   * Set when the strategy's queue could not start (its setup allocation failed, as
   * when `gve_alloc_queue_page_list` fails): why. The metrics then count every
   * arrival as dropped. Absent for a queue that started.
   */
  readonly cannotStart?: string;
  /** The numbers. */
  readonly metrics: Metrics;
  /** `strategy.stats()` at the end of the run, before teardown (whole run, warm-up included). */
  readonly strategyStats: Readonly<Record<string, number>>;
  /** Time series for charts (with several queues: the host's, every queue summed). */
  readonly timeSeries: TimeSeries;
  /**
   * Present with more than one queue (`config.host.queues > 1`): each queue's
   * numbers, in queue order. `metrics` is then the host's total.
   */
  readonly queues?: QueueResult[];
  /** Present with more than one queue: how unevenly the queues are loaded. */
  readonly imbalance?: QueueImbalance;
}

/** One RX queue of a multi-queue host. */
export interface QueueResult {
  /** The queue's number (its index). */
  readonly queue: number;
  /** The CPU its NAPI ran on. */
  readonly napiCpu: number;
  /** Flows RSS steered to it that sent at least one packet. */
  readonly flows: number;
  /** Its metrics: the same fields as `results[].metrics`, for this queue alone. */
  readonly metrics: Metrics;
  /** `strategy.stats()` of its strategy instance. */
  readonly strategyStats: Readonly<Record<string, number>>;
  /** Its resident pages at each of `timeSeries.tNs` (the report's queue × time heatmap). */
  readonly residentPages: number[];
}

/** max / mean over the queues (1: perfectly even; the number of queues: all on one queue). */
export interface QueueImbalance {
  /** Of `packetsArrived`. */
  readonly packets: number;
  /** Of `meanResidentPages`. */
  readonly residentPages: number;
}

/** The file a replayed comparison read its traffic from. */
export interface InputSummary {
  /** A pcap/pcapng capture or an rxsim trace. */
  readonly kind: "capture" | "trace";
  /** The file as given. */
  readonly path: string;
  /** Packets in the capture, or arrivals replayed from the trace. */
  readonly packets: number;
  /** Captures: the container format. */
  readonly format?: "pcap" | "pcapng";
  /** Captures: the link type, converted to Ethernet frames when it was another. */
  readonly linkType?: string;
  /** Captures: packets whose timestamp went back before an earlier packet's (replayed at the latest time so far). */
  readonly backwardTimestamps?: number;
}

/** The results of one comparison: the JSON written by the CLI. */
export interface ComparisonResult {
  /** {@link RESULT_SCHEMA_VERSION}. */
  readonly schemaVersion: number;
  /** Always `"rxsim"`. */
  readonly tool: "rxsim";
  /** The scenario's name. */
  readonly scenario: string;
  /** The complete configuration that ran. */
  readonly config: ScenarioConfig;
  /** The seed (also in `config.seed`). */
  readonly seed: number;
  /** Simulated ns of the warm-up part (the time the first measured packet arrived). Identical for every strategy. */
  readonly warmupEndNs: number;
  /** Present when the traffic came from a file: what was read. */
  readonly input?: InputSummary;
  /** One entry per strategy, in the order given. */
  readonly results: StrategyResult[];
}
