import { COST_OPERATIONS, type CostOperation, type PageTable, type RxQueue } from "@rxsim/core";
import type { Metrics, PacketRatios } from "./result.js";

/** Every counter the metrics are differences of, at one instant. */
export interface CounterSnapshot {
  readonly timeNs: number;
  readonly rxPackets: number;
  readonly rxBytes: number;
  readonly rxNoBuffer: number;
  readonly rxDescErr: number;
  readonly rxSkbAllocFail: number;
  readonly rxInvalidBufId: number;
  readonly copybreak: number;
  readonly buffersPosted: number;
  readonly refills: number;
  readonly polls: number;
  readonly chainedSkbs: number;
  readonly doorbells: number;
  readonly allocs: number;
  readonly frees: number;
  readonly allocFailures: number;
  readonly atomicOps: number;
  readonly refReads: number;
  readonly dmaMaps: number;
  readonly dmaUnmaps: number;
  readonly dmaSyncs: number;
  readonly stallNs: number;
  /** Bogus completions the misbehaving device wrote. */
  readonly bogus: number;
  /** Integral of resident pages over time, page·ns. */
  readonly residentArea: number;
  /** NAPI CPU time spent in polls so far, ns. */
  readonly napiBusyNs: number;
  /** Priced ns per cost operation so far (null without a cost profile). */
  readonly cpuByOp: Float64Array | null;
}

/** Read the queue's and the page table's counters now. */
export function takeSnapshot(
  queue: RxQueue,
  pages: PageTable,
  timeNs: number,
  stallNs: number,
  residentArea: number,
  bogus: number,
  napiBusyNs: number,
): CounterSnapshot {
  const c = queue.counters;
  return {
    timeNs,
    rxPackets: c.rx_packets,
    rxBytes: c.rx_bytes,
    rxNoBuffer: c.rx_no_buffer,
    rxDescErr: c.rx_desc_err_dropped_pkt,
    rxSkbAllocFail: c.rx_skb_alloc_fail,
    rxInvalidBufId: c.rx_invalid_buf_id,
    copybreak: c.rx_copybreak_pkt,
    buffersPosted: c.buffersPosted,
    refills: c.refills,
    polls: c.polls,
    chainedSkbs: c.chainedSkbs,
    doorbells: queue.bufq.doorbells,
    allocs: pages.allocs,
    frees: pages.frees,
    allocFailures: pages.allocFailures,
    atomicOps: pages.atomicOps,
    refReads: pages.refReads,
    dmaMaps: queue.dma.dmaMaps,
    dmaUnmaps: queue.dma.dmaUnmaps,
    dmaSyncs: queue.dma.dmaSyncs,
    stallNs,
    bogus,
    residentArea,
    napiBusyNs,
    cpuByOp: queue.costMeter === null ? null : Float64Array.from(queue.costMeter.ns),
  };
}

/** What {@link computeMetrics} needs besides the two snapshots. */
export interface MetricInputs {
  readonly start: CounterSnapshot;
  readonly end: CounterSnapshot;
  readonly pageSize: number;
  readonly arrivedPackets: number;
  readonly arrivedBytes: number;
  readonly peakResidentPages: number;
  readonly peakResidentPagesRun: number;
  readonly peakHeldSkbs: number;
  readonly peakMappedPages: number;
  readonly violations: number;
  readonly violationMessages: string[];
  readonly leakedPages: number;
  readonly stallStartNs: number | null;
  readonly stalledAtEnd: boolean;
  readonly teardownInflightPages: number;
  readonly teardownInflightNs: number;
}

/** The metrics of the measured part: end minus start for every count. */
export function computeMetrics(m: MetricInputs): Metrics {
  const { start: s, end: e } = m;
  const durationNs = e.timeNs - s.timeNs;
  const delivered = e.rxPackets - s.rxPackets;
  const counts = {
    pageAllocs: e.allocs - s.allocs,
    pageFrees: e.frees - s.frees,
    allocFailures: e.allocFailures - s.allocFailures,
    atomicOps: e.atomicOps - s.atomicOps,
    refReads: e.refReads - s.refReads,
    buffersPosted: e.buffersPosted - s.buffersPosted,
    dmaMaps: e.dmaMaps - s.dmaMaps,
    dmaUnmaps: e.dmaUnmaps - s.dmaUnmaps,
    dmaSyncs: e.dmaSyncs - s.dmaSyncs,
  };
  const stallNs = e.stallNs - s.stallNs;
  const napiBusyNs = e.napiBusyNs - s.napiBusyNs;
  const cpuNsByOp = cpuBreakdown(s.cpuByOp, e.cpuByOp, delivered);
  let cpuNs = 0;
  if (e.cpuByOp !== null) for (let i = 0; i < e.cpuByOp.length; i++) cpuNs += e.cpuByOp[i] - (s.cpuByOp?.[i] ?? 0);
  const meanResidentPages = durationNs > 0 ? (e.residentArea - s.residentArea) / durationNs : m.peakResidentPages;
  return {
    durationNs,
    packetsArrived: m.arrivedPackets,
    bytesArrived: m.arrivedBytes,
    packetsDelivered: delivered,
    bytesDelivered: e.rxBytes - s.rxBytes,
    packetsDropped: e.rxNoBuffer - s.rxNoBuffer,
    packetsDroppedRxError: e.rxDescErr - s.rxDescErr,
    packetsDroppedSkbAlloc: e.rxSkbAllocFail - s.rxSkbAllocFail,
    invalidBufIds: e.rxInvalidBufId - s.rxInvalidBufId,
    bogusCompletions: e.bogus - s.bogus,
    copybreakPackets: e.copybreak - s.copybreak,
    ...counts,
    peakResidentPages: m.peakResidentPages,
    peakResidentBytes: m.peakResidentPages * m.pageSize,
    meanResidentPages,
    meanResidentBytes: meanResidentPages * m.pageSize,
    peakResidentPagesRun: m.peakResidentPagesRun,
    peakHeldSkbs: m.peakHeldSkbs,
    peakMappedPages: m.peakMappedPages,
    refills: e.refills - s.refills,
    polls: e.polls - s.polls,
    doorbells: e.doorbells - s.doorbells,
    chainedSkbs: e.chainedSkbs - s.chainedSkbs,
    stallNs,
    stallFraction: durationNs > 0 ? stallNs / durationNs : 0,
    stallStartNs: m.stallStartNs,
    stalledAtEnd: m.stalledAtEnd,
    violations: m.violations,
    violationMessages: m.violationMessages,
    leakedPages: m.leakedPages,
    teardownInflightPages: m.teardownInflightPages,
    teardownInflightNs: m.teardownInflightNs,
    cpuNs,
    cpuNsPerPacket: delivered > 0 ? cpuNs / delivered : null,
    cpuNsPerPacketByOp: cpuNsByOp,
    napiBusyNs,
    napiUtilisation: durationNs > 0 ? napiBusyNs / durationNs : 0,
    perDeliveredPacket: ratios(counts, delivered, 1),
    per1000Packets: ratios(counts, m.arrivedPackets, 1000),
  };
}

export function ratios(counts: Record<keyof PacketRatios, number>, packets: number, per: number): PacketRatios {
  const r = (n: number) => (packets > 0 ? (n * per) / packets : null);
  return {
    pageAllocs: r(counts.pageAllocs),
    pageFrees: r(counts.pageFrees),
    allocFailures: r(counts.allocFailures),
    atomicOps: r(counts.atomicOps),
    refReads: r(counts.refReads),
    buffersPosted: r(counts.buffersPosted),
    dmaMaps: r(counts.dmaMaps),
    dmaUnmaps: r(counts.dmaUnmaps),
    dmaSyncs: r(counts.dmaSyncs),
  };
}

/** Priced ns per delivered packet for each operation over the measured part (every value 0 without a profile). */
function cpuBreakdown(
  s: Float64Array | null,
  e: Float64Array | null,
  delivered: number,
): Record<CostOperation, number | null> {
  const out = {} as Record<CostOperation, number | null>;
  COST_OPERATIONS.forEach((op, i) => {
    const ns = e === null ? 0 : e[i] - (s?.[i] ?? 0);
    out[op] = delivered > 0 ? ns / delivered : null;
  });
  return out;
}
