// Run by `conformance-flags.test.ts` in a child vitest (test-support/vitest.mutants.config.ts),
// never by the workspace's projects: these suites are meant to fail.
import { describeStrategyConformance } from "@rxsim/core/testing";
import fc from "fast-check";
import { CONTROLS, MUTANTS } from "./mutants.js";

// The failure is what the parent asserts, not the smallest counterexample: skip shrinking.
fc.configureGlobal({ endOnFailure: true });

for (const m of [...MUTANTS, ...CONTROLS]) {
  describeStrategyConformance(m.name, () => m.make(), { geometries: [m.geometry], propertyRuns: 5 });
}
