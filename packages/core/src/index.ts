export { type BufferIdOrder, BufferIdTable } from "./buffer-ids.js";
export {
  type CheckerOptions,
  InvariantChecker,
  InvariantViolationError,
  type Violation,
  ViolationKind,
} from "./checker.js";
export { type Clock, createManualClock, type ManualClock } from "./clock.js";
export { DEFAULT_RX_QUEUE_CONFIG, resolveRxQueueConfig } from "./config.js";
export { CostMeter, createPoolWork, type PoolWork } from "./cost-meter.js";
export {
  BUILTIN_COST_PROFILES,
  type BuiltinCostProfileName,
  builtinCostProfileNames,
  COST_OPERATION_DESCRIPTIONS,
  COST_OPERATIONS,
  type CostOperation,
  type CostProfile,
  type CostTable,
  DEFAULT_COST_PROFILE,
  getBuiltinCostProfile,
  isZeroCost,
  parseCostProfile,
} from "./cost-profile.js";
export {
  createMemoryLogSink,
  DECISION_LOG_VERSION,
  type DecisionLogHeader,
  formatDecisionLogHeader,
  type MemoryLogSink,
  parseDecisionLogHeader,
  type ReplayOutcome,
  replayDecisionLog,
} from "./decision-log.js";
export {
  allocFailAttempts,
  createDecisionLogReplayer,
  type DecisionLogReplayer,
  type DecisionLogReplayerOptions,
} from "./decision-log-replayer.js";
export type { DecisionLogSink } from "./decision-log-sink.js";
export {
  type BufqDescriptor,
  COMPL_EOP,
  COMPL_GENERATION,
  COMPL_RSC,
  COMPL_RX_ERROR,
  COMPL_SIM_SKB_ALLOC_FAIL,
  type ComplDescriptor,
} from "./descriptors.js";
export { type DmaApi, type DmaCounters, type DmaObserver, DmaTable } from "./dma-table.js";
export { createHostPageBudget, type HostPageBudget } from "./host-page-budget.js";
export {
  type AllocFailureOptions,
  createPageTable,
  NO_PAGE,
  type PageCountListener,
  type PageObserver,
  type PageTable,
  type PageTableCounters,
  type PageTableOptions,
  SUPPORTED_PAGE_SIZES,
} from "./page-table.js";
export { isQueueCannotStart, QueueCannotStartError } from "./queue-cannot-start.js";
export { BufferQueue, CompletionQueue, DEFAULT_DOORBELL_THRESHOLD } from "./rings.js";
export { createRng, type Rng } from "./rng.js";
export { RxQueue } from "./rx-queue.js";
export type { RxQueueCounters, RxQueueOptions, StackSink } from "./rx-queue-types.js";
export { SkbTable } from "./skb-table.js";
export {
  CompletionKind,
  CompletionResult,
  describeFactoryProblem,
  type FragmentRedirect,
  isRxStrategyFactory,
  RX_STRATEGY_CONTRACT_VERSION,
  type RxQueueConfig,
  type RxStrategy,
  type RxStrategyEnv,
  type RxStrategyFactory,
} from "./strategy.js";
export { defineStrategyFactory, type RxStrategyClass } from "./strategy-factory.js";
export {
  describeThrown,
  isStrategyFault,
  StrategyFaultError,
  type StrategyMethod,
  strategyThrew,
} from "./strategy-fault.js";
export {
  type BufferSizes,
  checkIntegerOption,
  checkQueueDefaultOption,
  type QueueDefault,
  resolveBufferSizes,
} from "./strategy-options.js";
