/**
 * Test helpers for strategy packages: the shared conformance suite and a
 * hand-driven queue, and a decision-log recorder for replay tests. Needs `vitest` and `fast-check` (peer dependencies).
 */
export {
  type ConformanceGeometry,
  type ConformanceOptions,
  DEFAULT_GEOMETRIES,
  describeStrategyConformance,
} from "./conformance.js";
export { costCounts } from "./cost-counts.js";
export { idsPostedAfterTwoCompletions } from "./id-order.js";
export { type RecordDecisionLogOptions, recordDecisionLog, variedTraffic } from "./record-decision-log.js";
export { createScriptedQueue, type ScriptedQueue, type ScriptedQueueOptions } from "./scripted-queue.js";
export { createPagePerBufferTestStrategy } from "./test-strategies.js";
