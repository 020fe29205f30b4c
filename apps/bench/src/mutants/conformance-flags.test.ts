import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test-support/run-cli.js";
import { CONTROLS, MUTANTS } from "./mutants.js";

/** One test of vitest's JSON report. */
interface AssertionResult {
  ancestorTitles: string[];
  title: string;
  status: string;
  failureMessages: string[];
}

const BENCH = resolve(import.meta.dirname, "../..");
const VITEST = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

/**
 * Run the conformance suite on every mutant and control in a child vitest
 * (its own config, one geometry each, 5 property runs, no shrinking) and
 * return the tests of each suite by name.
 */
function runConformance(): Map<string, AssertionResult[]> {
  const report = join(tempDir(), "conformance.json");
  // The child must not think it is one of this run's workers.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(__)?VITEST/.test(k)));
  const child = spawnSync(
    process.execPath,
    [VITEST, "run", "--config", "test-support/vitest.mutants.config.ts", "--reporter=json", `--outputFile=${report}`],
    { cwd: BENCH, env, encoding: "utf8", timeout: 100_000 },
  );
  // The mutants fail, so vitest exits 1; anything else means it did not run.
  expect(child.status, child.stderr).toBe(1);
  const json = JSON.parse(readFileSync(report, "utf8")) as { testResults: { assertionResults: AssertionResult[] }[] };
  const bySuite = new Map<string, AssertionResult[]>();
  for (const file of json.testResults) {
    for (const t of file.assertionResults) {
      const suite = t.ancestorTitles[0].replace(/: rxsim strategy conformance$/, "");
      bySuite.set(suite, [...(bySuite.get(suite) ?? []), t]);
    }
  }
  return bySuite;
}

describe("the conformance suite fails every mutant, naming its bug", () => {
  let suites = new Map<string, AssertionResult[]>();
  beforeAll(() => {
    suites = runConformance();
  }, 120_000);

  for (const mutant of MUTANTS) {
    it(`${mutant.name}: ${mutant.bug}`, () => {
      const tests = suites.get(mutant.name) ?? [];
      expect(tests.length, "the suite did not run").toBeGreaterThan(10);
      const failures = tests.filter((t) => t.status === "failed").flatMap((t) => t.failureMessages);
      expect(failures.length).toBeGreaterThan(0);
      // The checker throws at the first violation: `rxsim invariant violated (<kind>): <message>`.
      const message = mutant.message.source.replace(/^\^/, "").replace(/\$$/, "");
      const expected = new RegExp(`rxsim invariant violated \\(${mutant.kind}\\): ${message}`);
      expect(
        failures.some((f) => expected.test(f)),
        failures.map((f) => f.split("\n")[0]).join("\n"),
      ).toBe(true);
    });
  }

  it("the real strategies pass the same restricted suite", () => {
    for (const control of CONTROLS) {
      const tests = suites.get(control.name) ?? [];
      expect(tests.length, control.name).toBeGreaterThan(10);
      const failed = tests.filter((t) => t.status !== "passed");
      expect(
        failed.map((t) => `${t.title}: ${t.failureMessages[0]}`),
        control.name,
      ).toEqual([]);
    }
  });
});
