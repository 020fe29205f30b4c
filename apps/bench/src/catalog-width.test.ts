import { listScenarios } from "@rxsim/harness";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../test-support/run-cli.js";
import { BUILTIN_STRATEGIES } from "./registry.js";

/** Every line fits 100 columns (in characters: the box-drawing borders are one column each). */
function expectFits(text: string): void {
  const lines = text.trimEnd().split("\n");
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(100);
}

/** The words of every description appear in the output, in order, though wrapped over several lines. */
function expectAllWords(text: string, descriptions: string[]): void {
  const words = text
    .replace(/[│┌┐└┘├┤┬┴┼─]/g, " ")
    .split(/\s+/)
    .join(" ");
  for (const d of descriptions) expect(words).toContain(d.split(/\s+/).join(" "));
}

describe("catalog listings fit a 100-column terminal", () => {
  it("rxsim scenarios", async () => {
    const r = await runInProcess(["scenarios"]);
    expect(r.code).toBe(0);
    expectFits(r.stdout);
    expectAllWords(
      r.stdout,
      listScenarios().map((s) => s.description),
    );
  });

  it("rxsim strategies", async () => {
    const r = await runInProcess(["strategies"]);
    expect(r.code).toBe(0);
    expectFits(r.stdout);
    expectAllWords(
      r.stdout,
      Object.values(BUILTIN_STRATEGIES).map((s) => s.description),
    );
  });
});
