import { COST_OPERATIONS } from "@rxsim/core";
import type { Metrics } from "@rxsim/harness";
import type { CostBreakdownSpec } from "./types.js";

/**
 * The stacked bar of a priced run: per strategy, CPU ns per delivered packet
 * split by the operation that cost it (`Metrics.cpuNsPerPacketByOp`, which
 * adds up to `cpuNsPerPacket`). Null when nothing was priced (profile `none`).
 */
export function costBreakdown(
  rows: readonly { strategy: string; metrics: Metrics }[],
  costProfile: string,
): CostBreakdownSpec | null {
  if (costProfile === "none" || !rows.some((r) => (r.metrics.cpuNs ?? 0) > 0)) return null;
  const segments: CostBreakdownSpec["segments"] = [];
  const used = new Set<string>();
  for (const r of rows) {
    const byOp = r.metrics.cpuNsPerPacketByOp;
    for (const op of COST_OPERATIONS) {
      const ns = byOp?.[op] ?? null;
      if (ns === null || !(ns > 0)) continue;
      segments.push({ strategy: r.strategy, op, ns });
      used.add(op);
    }
  }
  return {
    title: "CPU time per delivered packet, by operation",
    notes: [
      `Buffer management on the NAPI CPU, priced by the cost profile "${costProfile}" (docs/cost-model.md); each bar adds up to the strategy's CPU ns per packet.`,
      "A strategy that delivered nothing has no bar.",
    ],
    strategies: rows.map((r) => r.strategy),
    ops: COST_OPERATIONS.filter((op) => used.has(op)),
    segments,
    totals: rows.map((r) => ({ strategy: r.strategy, ns: r.metrics.cpuNsPerPacket ?? 0 })),
  };
}
