import { COST_OPERATIONS } from "../cost-profile.js";
import type { RxQueue } from "../rx-queue.js";

/**
 * The operations a queue's cost meter counted inside polls so far, by name,
 * leaving out those it never saw: for tests that pin a poll's exact work.
 * @throws Error when the queue has no cost meter (no non-zero cost table).
 */
export function costCounts(queue: RxQueue): Record<string, number> {
  const m = queue.costMeter;
  if (m === null) throw new Error("the queue has no cost meter: give it a non-zero cost table");
  return Object.fromEntries(COST_OPERATIONS.map((op, i) => [op, m.counts[i]]).filter(([, n]) => n !== 0));
}
