import { replayDecisionLog } from "@rxsim/core";
import { recordDecisionLog } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import type { FifoCacheOptions } from "./fifo-cache-options.js";
import { createFifoCacheStrategy } from "./fifo-cache-strategy.js";

describe("decision log", () => {
  for (const options of [{}, { cacheSize: 8 }] as FifoCacheOptions[]) {
    it(`replays into a fresh strategy with the same options ${JSON.stringify(options)}`, () => {
      const text = recordDecisionLog(createFifoCacheStrategy(options), { seed: 5 });
      expect(text).toContain("reuse");
      const outcome = replayDecisionLog(text, createFifoCacheStrategy(options));
      expect(outcome.mismatch).toBeUndefined();
      expect(outcome.ok).toBe(true);
    });
  }
});
