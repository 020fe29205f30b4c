import { describe, expect, it } from "vitest";
import {
  CompletionResult,
  isRxStrategyFactory,
  RX_STRATEGY_CONTRACT_VERSION,
  type RxStrategy,
  type RxStrategyEnv,
} from "./strategy.js";
import { defineStrategyFactory } from "./strategy-factory.js";
import { createScriptedQueue } from "./testing/scripted-queue.js";

interface Opts {
  readonly copybreak: number;
}

class Recorder implements RxStrategy {
  static made: { options: Opts; name: string }[] = [];
  readonly contractVersion = RX_STRATEGY_CONTRACT_VERSION;
  readonly name: string;
  readonly copybreak: number;
  constructor(env: RxStrategyEnv, options: Opts, name: string) {
    Recorder.made.push({ options, name });
    this.name = name;
    this.copybreak = options.copybreak;
    expect(env.pages.pageSize).toBe(4096);
  }
  refill(): number {
    return 0;
  }
  complete(): CompletionResult {
    return CompletionResult.Rejected;
  }
  teardown(): void {}
  stats(): Record<string, number> {
    return {};
  }
}

describe("defineStrategyFactory", () => {
  it("makes a factory of this contract version that constructs the class with env, options and name", () => {
    const options = { copybreak: 99 };
    const factory = defineStrategyFactory("recorder", options, Recorder);
    expect(isRxStrategyFactory(factory)).toBe(true);
    expect(factory.contractVersion).toBe(RX_STRATEGY_CONTRACT_VERSION);
    expect(factory.name).toBe("recorder");
    expect(factory.options).toBe(options);
    Recorder.made = [];
    const sq = createScriptedQueue({ factory });
    expect(Recorder.made).toEqual([{ options, name: "recorder" }]);
    expect(sq.queue.strategy).toBeInstanceOf(Recorder);
    expect(sq.queue.strategy.copybreak).toBe(99);
  });
});
