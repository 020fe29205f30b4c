import {
  formatDecisionLogHeader,
  RX_STRATEGY_CONTRACT_VERSION,
  type RxStrategyFactory,
  resolveRxQueueConfig,
} from "@rxsim/core";
import { recordDecisionLog } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { BUILTIN_STRATEGIES } from "../registry.js";
import { indexDecisionLog, nextStepWith, StepFlag } from "./log-index.js";
import { factoryForLog } from "./strategy-factory.js";
import { buildTimelineNow, seek } from "./timeline.js";
import { viewState } from "./view-state.js";
import { ViewerReplay } from "./viewer-replay.js";

function replayOf(text: string): ViewerReplay {
  const index = indexDecisionLog(text);
  return new ViewerReplay(index, factoryForLog(index.header));
}

function stateAfter(text: string, step: number) {
  const r = replayOf(text);
  while (r.step < step && r.advance()) {}
  return viewState(r);
}

describe("the viewer's replay", () => {
  for (const name of Object.keys(BUILTIN_STRATEGIES)) {
    it(`${name}: rebuilds the strategy from the log's header and makes every decision the log has`, () => {
      const text = recordDecisionLog(BUILTIN_STRATEGIES[name].create());
      const r = replayOf(text);
      while (r.advance()) {}
      expect(r.step).toBe(r.steps);
      expect(r.mismatches, `first at line ${r.firstMismatchLine}`).toBe(0);
      expect(r.checker.violations).toBe(0);
      // After teardown with every skb released, nothing is posted, held or allocated.
      const v = viewState(r);
      expect(v.counters.slice(0, 3)).toEqual([0, 0, 0]);
      expect(v.pages).toEqual([]);
    });
  }

  it("reports the first decision that differs from the log's, by line number", () => {
    const text = recordDecisionLog(BUILTIN_STRATEGIES.dqo.create());
    const lines = text.split("\n");
    const at = lines.findIndex((l, i) => i > 100 && l.startsWith("D post "));
    lines[at] = lines[at].replace(/page=\d+/, "page=99999");
    const r = replayOf(lines.join("\n"));
    while (r.advance()) {}
    expect(r.mismatches).toBe(1);
    expect(r.firstMismatchLine).toBe(at + 1);
  });

  it("shows posted buffers, held fragments and dqo's lists as the replay has them", () => {
    const text = recordDecisionLog(BUILTIN_STRATEGIES.dqo.create());
    const r = replayOf(text);
    // Stop right after the first completion that the stack keeps as a fragment.
    while (r.advance() && r.heldCount === 0) {}
    const v = viewState(r);
    const held = v.pages.flatMap((p) => p.pieces.filter((x) => x.state === "held"));
    expect(held.length).toBe(1);
    expect(held[0].refs).toBe(1);
    expect(v.slots.filter((b) => b >= 0).length).toBe(v.counters[1]);
    const dqoLists = v.lists.map((l) => l.name);
    expect(dqoLists).toEqual(["recycled_buf_states", "used_buf_states", "free_buf_states"]);
    // A page holding a posted buffer and a stack fragment: count = bias + stack refs (+1 for the posted buffer's share is in the bias).
    for (const p of v.pages) expect(p.count).toBe(r.replayer.pages.peek(p.page));
  });

  it("seeks to any step, back or forth, through checkpoints, to exactly the state of a straight replay", () => {
    const text = recordDecisionLog(BUILTIN_STRATEGIES["page-pool"].create());
    const r = replayOf(text);
    const t = buildTimelineNow(r, { checkpointEvery: 97, samples: 50 });
    expect(t.checkpoints.length).toBeGreaterThan(10);
    expect(r.step).toBe(0);
    for (const step of [1500, 3, 777, 776, r.steps, 0, 2048, 98, 1999]) {
      seek(r, t, step);
      expect(JSON.stringify(viewState(r)), `step ${step}`).toBe(JSON.stringify(stateAfter(text, step)));
    }
    expect(t.series[0].length).toBe(t.sampleStep.length);
    expect(Math.max(...t.series[0])).toBeGreaterThan(0);
  });

  it("marks the steps where core's checker saw a violation", () => {
    // A strategy that posts every buffer at the same bytes of one page: the second post overlaps the first.
    const bad: RxStrategyFactory = {
      contractVersion: RX_STRATEGY_CONTRACT_VERSION,
      name: "overlapper",
      options: {},
      create: (env) => {
        let page = -1;
        return {
          contractVersion: RX_STRATEGY_CONTRACT_VERSION,
          name: "overlapper",
          copybreak: 0,
          refill(max) {
            if (page < 0) page = env.pages.alloc();
            for (let i = 0; i < max; i++) env.post(i, page, 0, 2048);
            return max;
          },
          complete: () => 0,
          teardown() {},
          stats: () => ({}),
        };
      },
    };
    const header = formatDecisionLogHeader({
      strategy: "overlapper",
      options: {},
      config: resolveRxQueueConfig({}),
      seed: 1,
      stream: "strategy",
    });
    const index = indexDecisionLog(`${header}\nI refill 1 proc @0\nI refill 2 proc @5\n`);
    const r = new ViewerReplay(index, bad);
    buildTimelineNow(r);
    expect(nextStepWith(index, -1, StepFlag.Violation)).toBe(1);
    seek(r, buildTimelineNow(r), 2);
    expect(viewState(r).violations.map((v) => v.kind)).toContain("posted-overlap");
  });
});
