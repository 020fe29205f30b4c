import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { RxStrategyFactory } from "@rxsim/core";
import { runStrategy, type ScenarioConfig, scenarios } from "@rxsim/harness";
import { describe, expect, it } from "vitest";
import { BUILTIN_STRATEGIES } from "./registry.js";

// Fidelity guard for performance work: every catalog scenario × every built-in
// strategy, run small, must give byte-identical decision logs and metrics JSON
// to the committed fixture (generated on the code before any speed change).
// Regenerate only for an intended behaviour change:
//   RXSIM_UPDATE_GOLDEN=1 npx vitest run --project @rxsim/bench src/catalog-golden.test.ts
const FIXTURE = resolve(import.meta.dirname, "../test-support/fixtures/catalog-golden.json");
const PACKETS = 12_000;

/** A small copy of a catalog scenario; the alloc-failure window and timer scaled into its short run. */
function small(config: ScenarioConfig): ScenarioConfig {
  const c: ScenarioConfig = { ...config, packets: PACKETS, warmupPackets: 1000 };
  if (config.memory.allocFailure.windows.length > 0) {
    // 0.5–1 ms of a 1.5 ms run; the timer fires every 0.2 ms.
    return {
      ...c,
      memory: { ...config.memory, allocFailure: { ...config.memory.allocFailure, windows: [[500_000, 1_000_000]] } },
      driver: { ...config.driver, starvationTimerMs: 0.2 },
    };
  }
  return c;
}

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 24);
}

interface Golden {
  /** The decision log (header and every line). */
  log: string;
  /** The result JSON of the logged run (checker as the scenario says). */
  result: string;
  /** The result JSON of a run without a log and with the checker off (the fast path). */
  fast: string;
}

/**
 * Keys issue 10 added to results (DMA counts, CPU cost, the config's cost
 * profile). With the cost profile `none` they are left out, so the fixture
 * made before them still guards every other byte; a priced scenario is hashed whole.
 */
const ADDED_BY_COST_MODEL = new Set([
  "costProfile",
  "dmaMaps",
  "dmaUnmaps",
  "dmaSyncs",
  "peakMappedPages",
  "cpuNs",
  "cpuNsPerPacket",
  "cpuNsPerPacketByOp",
  "napiBusyNs",
  "napiUtilisation",
]);

function json(config: ScenarioConfig, value: unknown): string {
  if (config.costProfile.name !== "none") return JSON.stringify(value);
  return JSON.stringify(value, (k, v) => (ADDED_BY_COST_MODEL.has(k) ? undefined : v));
}

function measure(config: ScenarioConfig, factory: () => RxStrategyFactory): Golden {
  const lines: string[] = [];
  const logged = runStrategy(config, factory(), { decisionLog: { line: (t) => void lines.push(t) } });
  const fast = runStrategy({ ...config, checker: false }, factory());
  return { log: sha(lines.join("\n")), result: sha(json(config, logged)), fast: sha(json(config, fast)) };
}

describe("catalog golden: decision logs and metrics unchanged", () => {
  it("every scenario × every built-in strategy matches the fixture", () => {
    const got: Record<string, Golden> = {};
    for (const [scenarioName, config] of Object.entries(scenarios)) {
      const c = small(config);
      for (const [strategyName, s] of Object.entries(BUILTIN_STRATEGIES)) {
        got[`${scenarioName} × ${strategyName}`] = measure(c, s.create);
      }
    }
    if (process.env.RXSIM_UPDATE_GOLDEN === "1") {
      writeFileSync(FIXTURE, `${JSON.stringify(got, null, 1)}\n`);
    }
    const want = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, Golden>;
    expect(Object.keys(got).length).toBe(Object.keys(scenarios).length * Object.keys(BUILTIN_STRATEGIES).length);
    expect(got).toEqual(want);
  }, 600_000);
});
