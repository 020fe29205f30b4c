import { DEFAULT_DOORBELL_THRESHOLD } from "./rings.js";
import type { RxQueueConfig } from "./strategy.js";

/** The gve DQO defaults: 4 KiB pages, 2 KiB buffers, 1024-slot rings, copybreak 256, budget 64. */
export const DEFAULT_RX_QUEUE_CONFIG: RxQueueConfig = Object.freeze({
  pageSize: 4096,
  bufqSlots: 1024,
  complqSlots: 1024,
  bufferSize: 2048,
  copybreak: 256,
  budget: 64,
  doorbellThreshold: DEFAULT_DOORBELL_THRESHOLD,
  maxSkbFrags: 17,
  headerBufferSize: 0,
});

/** Fill defaults and validate; throws a RangeError naming the key and the problem. */
export function resolveRxQueueConfig(partial: Partial<RxQueueConfig> = {}): RxQueueConfig {
  const c: RxQueueConfig = { ...DEFAULT_RX_QUEUE_CONFIG, ...partial };
  const pow2 = (key: keyof RxQueueConfig, min: number, max: number) => {
    const v = c[key];
    if (!Number.isInteger(v) || v < min || v > max || (v & (v - 1)) !== 0) {
      throw new RangeError(`${key} must be a power of two in [${min}, ${max}], got ${v}`);
    }
  };
  const int = (key: keyof RxQueueConfig, min: number, max: number) => {
    const v = c[key];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(`${key} must be an integer in [${min}, ${max}], got ${v}`);
    }
  };
  if (![4096, 16384, 65536].includes(c.pageSize)) {
    throw new RangeError(`pageSize must be 4096, 16384 or 65536, got ${c.pageSize}`);
  }
  pow2("bufqSlots", 2, 1 << 16);
  pow2("complqSlots", 2, 1 << 16);
  int("bufferSize", 64, c.pageSize);
  if (c.bufferSize > c.pageSize)
    throw new RangeError(`bufferSize ${c.bufferSize} is larger than pageSize ${c.pageSize}`);
  int("copybreak", 0, 65535);
  int("budget", 1, 1 << 16);
  pow2("doorbellThreshold", 1, c.bufqSlots);
  int("maxSkbFrags", 1, 256);
  int("headerBufferSize", 0, 4096);
  return Object.freeze(c);
}
