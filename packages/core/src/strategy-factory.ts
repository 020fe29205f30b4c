import {
  RX_STRATEGY_CONTRACT_VERSION,
  type RxStrategy,
  type RxStrategyEnv,
  type RxStrategyFactory,
} from "./strategy.js";

/** A strategy class: made for one queue from the env, the factory's resolved options and its name. */
export type RxStrategyClass<Options> = new (env: RxStrategyEnv, options: Options, name: string) => RxStrategy;

/**
 * The factory every strategy package exports, without repeating its shape:
 * the contract version this core defines, the name, the resolved options,
 * and `create`, which constructs `Strategy` for each queue.
 *
 * ```ts
 * export function createMyStrategy(options: MyOptions = {}) {
 *   return defineStrategyFactory("my-strategy", resolveMyOptions(options), MyStrategy);
 * }
 * ```
 */
export function defineStrategyFactory<Options>(
  name: string,
  options: Options,
  Strategy: RxStrategyClass<Options>,
): RxStrategyFactory<Options> {
  return {
    contractVersion: RX_STRATEGY_CONTRACT_VERSION,
    name,
    options,
    create: (env) => new Strategy(env, options, name),
  };
}
