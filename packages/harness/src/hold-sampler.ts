import { createRng, type Rng } from "@rxsim/core";
import { RNG_STREAMS } from "./rng-streams.js";
import type { StackConfig } from "./scenario-config.js";

/** Hold code: release inside the same NAPI poll (`napi_consume_skb`, inNapi true). */
export const HOLD_IMMEDIATE = -1;
/** Hold code: release at the batched reader's next read (the first multiple of `batchIntervalNs` at or after delivery). */
export const HOLD_BATCHED = -2;

/**
 * Draws one hold per arriving packet from the `hold` stream: a delay in ns
 * (≥ 0, released from process context), or {@link HOLD_IMMEDIATE} /
 * {@link HOLD_BATCHED}. Per packet it draws the base model first (when it is
 * random), then the slow-reader coin (when `slowFraction > 0`).
 */
export class HoldSampler {
  private readonly rng: Rng;
  private readonly model: number;
  private readonly holdNs: number;
  private readonly mu: number;
  private readonly sigma: number;
  private readonly slowFraction: number;
  private readonly slowHoldNs: number;

  constructor(stack: StackConfig, seed: number) {
    this.rng = createRng(seed, RNG_STREAMS.hold);
    this.model = MODEL_CODES[stack.hold];
    this.holdNs = stack.holdNs;
    this.sigma = stack.sigma;
    // A log-normal with mean m and shape s has mu = ln m - s²/2.
    this.mu = stack.holdNs > 0 ? Math.log(stack.holdNs) - (stack.sigma * stack.sigma) / 2 : 0;
    this.slowFraction = stack.slowFraction;
    this.slowHoldNs = stack.slowHoldNs;
  }

  /** The next packet's hold. */
  draw(): number {
    let hold: number;
    switch (this.model) {
      case 0:
        hold = HOLD_IMMEDIATE;
        break;
      case 1:
        hold = this.holdNs;
        break;
      case 2:
        hold = this.rng.nextExponential(this.holdNs);
        break;
      case 3:
        hold = this.holdNs > 0 ? Math.exp(this.mu + this.sigma * this.rng.nextNormal()) : 0;
        break;
      default:
        hold = HOLD_BATCHED;
    }
    if (this.slowFraction > 0 && this.rng.nextFloat() < this.slowFraction) hold = this.slowHoldNs;
    return hold;
  }
}

const MODEL_CODES = { immediate: 0, fixed: 1, exponential: 2, lognormal: 3, batched: 4 } as const;
