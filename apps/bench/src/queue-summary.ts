import type { ComparisonResult } from "@rxsim/harness";

/**
 * With several queues, one line per strategy under the table: how unevenly
 * the queues were loaded (max / mean of packets and of resident pages) and
 * which queue dropped most, the question a one-queue table cannot answer.
 * Nothing for a one-queue run, whose output stays as it was.
 */
export function queueSummaryLines(result: ComparisonResult): string[] {
  const host = result.config.host;
  if (host.queues === 1) return [];
  const cap = result.config.memory.maxPages;
  const lines = [
    `host: ${host.queues} queues, ${cap === null ? "no page cap" : `page cap ${cap.toLocaleString("en-US")} for all queues`}`,
  ];
  for (const r of result.results) {
    if (r.queues === undefined || r.imbalance === undefined) continue;
    let worst = r.queues[0];
    for (const q of r.queues) if (q.metrics.packetsDropped > worst.metrics.packetsDropped) worst = q;
    const drops =
      worst.metrics.packetsDropped > 0
        ? `most drops: queue ${worst.queue} (${worst.metrics.packetsDropped.toLocaleString("en-US")} of ${worst.metrics.packetsArrived.toLocaleString("en-US")})`
        : "no queue dropped";
    lines.push(
      `  ${r.strategy}: max/mean packets ${r.imbalance.packets.toFixed(2)}, resident pages ${r.imbalance.residentPages.toFixed(2)}; ${drops}`,
    );
  }
  return lines;
}
