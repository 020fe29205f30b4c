import type { ScenarioConfig } from "./scenario-config.js";

/** The driver's NAPI timing and the warm-up, read once from a config by both event loops (one queue, many). */
export interface NapiSettings {
  /** Interrupt coalescing: ns from the first completion after idle to the poll. */
  readonly coalesceNs: number;
  /** Fixed CPU ns per poll (`driver.pollCostNs`). */
  readonly pollCostNs: number;
  /** CPU ns per packet a poll completes (`driver.packetCostNs`). */
  readonly packetCostNs: number;
  /** gve's starvation timer is on. */
  readonly timerOn: boolean;
  /** Its period in ns. */
  readonly timerPeriodNs: number;
  /** It is armed when fewer buffers than this are posted. */
  readonly timerThreshold: number;
  /** The device holds completions back (out-of-order window > 1): flush before each poll. */
  readonly ooo: boolean;
  /** Arrivals before the measured part starts. */
  readonly warmup: number;
}

/** The {@link NapiSettings} of `config`. */
export function napiSettings(config: ScenarioConfig): NapiSettings {
  return {
    coalesceNs: config.driver.coalesceNs,
    pollCostNs: config.driver.pollCostNs,
    packetCostNs: config.driver.packetCostNs,
    timerOn: config.driver.starvationTimer,
    timerPeriodNs: config.driver.starvationTimerMs * 1e6,
    timerThreshold: config.driver.starvationThreshold,
    ooo: config.device.oooWindow > 1,
    warmup: config.warmupPackets,
  };
}
