import type { StrategyResult } from "@rxsim/harness";
import Table from "cli-table3";
import { tableRows } from "./metric-rows.js";

/** The comparison table: one row per metric, one column per strategy, ratios to the first. */
export function renderComparisonTable(results: readonly StrategyResult[]): string {
  const table = new Table({
    head: ["metric", ...results.map((r, i) => (i === 0 ? r.strategy : `${r.strategy} (vs ${results[0].strategy})`))],
    colAligns: ["left", ...results.map(() => "right" as const)],
    style: { head: [], border: [], compact: true },
  });
  for (const row of tableRows(results)) table.push(row);
  return table.toString();
}
