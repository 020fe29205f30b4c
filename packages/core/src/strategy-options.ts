import type { RxQueueConfig } from "./strategy.js";

/**
 * An option that is a number, or `"queue"` for the queue configuration's
 * value of the same name (a strategy's `bufferSize` and `copybreak`).
 */
export type QueueDefault = number | "queue";

/**
 * Validate an integer option of a strategy (or any factory): throw a
 * RangeError unless `value` is an integer in `[min, max]`. The message names
 * the owner, the option, the range and the value given, so a bad scenario
 * file points at the key to fix:
 * `page_pool: poolSize must be an integer in [1, 16384], got 16385`.
 *
 * @param owner - who validates (the strategy name as it appears in messages).
 * @param name - the option's key.
 * @param value - the value given.
 * @param min - smallest allowed value.
 * @param max - largest allowed value.
 * @throws RangeError when `value` is not an integer in `[min, max]`.
 */
export function checkIntegerOption(owner: string, name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${owner}: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/**
 * {@link checkIntegerOption} for a {@link QueueDefault} option, at factory
 * time: `"queue"` passes (the queue's value is checked when it is known).
 * @throws RangeError when `value` is a number outside `[min, max]` or not an integer.
 */
export function checkQueueDefaultOption(
  owner: string,
  name: string,
  value: QueueDefault,
  min: number,
  max: number,
): void {
  if (value !== "queue") checkIntegerOption(owner, name, value, min, max);
}

/** A strategy's buffer size and copybreak on one queue, `"queue"` resolved. */
export interface BufferSizes {
  /** Bytes per posted buffer. */
  readonly bufferSize: number;
  /** Copybreak threshold in bytes. */
  readonly copybreak: number;
}

/**
 * Resolve a strategy's `bufferSize` and `copybreak` options against the
 * queue configuration (`"queue"` takes the queue's value) and check that the
 * buffer fits in a page. Called once per strategy instance, at `create`.
 *
 * @param owner - the strategy name as it appears in messages.
 * @param options - the resolved options, each a number or `"queue"`.
 * @param config - the queue configuration.
 * @param minBufferSize - the smallest buffer the strategy accepts.
 * @throws RangeError `<owner>: bufferSize must be an integer in [minBufferSize, pageSize], got …`.
 */
export function resolveBufferSizes(
  owner: string,
  options: { readonly bufferSize: QueueDefault; readonly copybreak: QueueDefault },
  config: RxQueueConfig,
  minBufferSize: number,
): BufferSizes {
  const bufferSize = options.bufferSize === "queue" ? config.bufferSize : options.bufferSize;
  checkIntegerOption(owner, "bufferSize", bufferSize, minBufferSize, config.pageSize);
  return { bufferSize, copybreak: options.copybreak === "queue" ? config.copybreak : options.copybreak };
}
