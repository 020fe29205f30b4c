import type { Metrics, StrategyResult } from "@rxsim/harness";

/** One row of the comparison table: a label, how to read it, how to show it. */
export interface MetricRow {
  /** Row label. */
  label: string;
  /** Column name in CSV. */
  key: string;
  /** The value for one strategy (null: not applicable). */
  get(m: Metrics): number | null;
  /** Decimal places shown. */
  digits: number;
}

const MIB = 1024 * 1024;

/** The rows `rxsim compare` prints, in order. */
export const METRIC_ROWS: readonly MetricRow[] = [
  { label: "packets delivered", key: "packetsDelivered", get: (m) => m.packetsDelivered, digits: 0 },
  { label: "dropped: no buffer", key: "packetsDropped", get: (m) => m.packetsDropped, digits: 0 },
  { label: "dropped: rx_error / bad id", key: "packetsDroppedRxError", get: (m) => m.packetsDroppedRxError, digits: 0 },
  { label: "bogus completions (device)", key: "bogusCompletions", get: (m) => m.bogusCompletions, digits: 0 },
  { label: "dropped: skb alloc", key: "packetsDroppedSkbAlloc", get: (m) => m.packetsDroppedSkbAlloc, digits: 0 },
  { label: "copybreak packets", key: "copybreakPackets", get: (m) => m.copybreakPackets, digits: 0 },
  { label: "page allocations", key: "pageAllocs", get: (m) => m.pageAllocs, digits: 0 },
  { label: "page frees", key: "pageFrees", get: (m) => m.pageFrees, digits: 0 },
  { label: "allocation failures", key: "allocFailures", get: (m) => m.allocFailures, digits: 0 },
  { label: "page allocs / 1000 pkts", key: "pageAllocsPer1000", get: (m) => m.per1000Packets.pageAllocs, digits: 2 },
  { label: "atomic ref ops", key: "atomicOps", get: (m) => m.atomicOps, digits: 0 },
  { label: "atomics / delivered pkt", key: "atomicsPerPacket", get: (m) => m.perDeliveredPacket.atomicOps, digits: 3 },
  { label: "ref count reads", key: "refReads", get: (m) => m.refReads, digits: 0 },
  { label: "CPU ns / delivered pkt", key: "cpuNsPerPacket", get: (m) => m.cpuNsPerPacket, digits: 1 },
  { label: "NAPI CPU busy %", key: "napiBusyPercent", get: (m) => m.napiUtilisation * 100, digits: 1 },
  { label: "DMA maps", key: "dmaMaps", get: (m) => m.dmaMaps, digits: 0 },
  { label: "DMA unmaps", key: "dmaUnmaps", get: (m) => m.dmaUnmaps, digits: 0 },
  { label: "DMA syncs", key: "dmaSyncs", get: (m) => m.dmaSyncs, digits: 0 },
  { label: "peak mapped pages", key: "peakMappedPages", get: (m) => m.peakMappedPages, digits: 0 },
  { label: "peak resident pages", key: "peakResidentPages", get: (m) => m.peakResidentPages, digits: 0 },
  { label: "peak resident MiB", key: "peakResidentMiB", get: (m) => m.peakResidentBytes / MIB, digits: 2 },
  { label: "mean resident pages", key: "meanResidentPages", get: (m) => m.meanResidentPages, digits: 1 },
  { label: "buffers posted", key: "buffersPosted", get: (m) => m.buffersPosted, digits: 0 },
  { label: "stall time (ms)", key: "stallMs", get: (m) => m.stallNs / 1e6, digits: 3 },
  {
    label: "first stall at (ms)",
    key: "stallStartMs",
    get: (m) => (m.stallStartNs === null ? null : m.stallStartNs / 1e6),
    digits: 3,
  },
  {
    label: "pages in flight at teardown",
    key: "teardownInflightPages",
    get: (m) => m.teardownInflightPages,
    digits: 0,
  },
  { label: "teardown wait (ms)", key: "teardownInflightMs", get: (m) => m.teardownInflightNs / 1e6, digits: 3 },
  { label: "checker violations", key: "violations", get: (m) => m.violations, digits: 0 },
  { label: "leaked pages", key: "leakedPages", get: (m) => m.leakedPages, digits: 0 },
];

/** Format a number for a table cell. */
export function formatNumber(value: number | null, digits: number): string {
  if (value === null || Number.isNaN(value)) return "–";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `value / base` as `×1.23`, or an em dash when undefined. */
export function formatRatio(value: number | null, base: number | null): string {
  if (value === null || base === null) return "–";
  if (base === 0) return value === 0 ? "×1" : "–";
  const r = value / base;
  return `×${r >= 100 ? r.toFixed(0) : r >= 0.01 || r === 0 ? r.toFixed(2) : r.toExponential(1)}`;
}

/** Rows of values (strings) for the given results: label, then per strategy value (and ratio to the first). */
export function tableRows(results: readonly StrategyResult[]): string[][] {
  return METRIC_ROWS.map((row) => {
    const base = row.get(results[0].metrics);
    const cells = [row.label];
    results.forEach((r, i) => {
      const v = row.get(r.metrics);
      cells.push(i === 0 ? formatNumber(v, row.digits) : `${formatNumber(v, row.digits)}  ${formatRatio(v, base)}`);
    });
    return cells;
  });
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with one row per strategy and one column per metric (raw numbers). */
export function toCsv(results: readonly StrategyResult[]): string {
  const header = ["strategy", ...METRIC_ROWS.map((r) => r.key)];
  const lines = [header.join(",")];
  for (const r of results) {
    lines.push([csvCell(r.strategy), ...METRIC_ROWS.map((row) => String(row.get(r.metrics) ?? ""))].join(","));
  }
  return `${lines.join("\n")}\n`;
}
