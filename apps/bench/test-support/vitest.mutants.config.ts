import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Runs the conformance suite on the mutants (`src/mutants/*.mutant-spec.ts`),
 * in a child process started by `src/mutants/conformance-flags.test.ts`: the
 * suite registers its own vitest tests, so the only way to see it fail is to
 * run it and read the report. Not a project of the workspace.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, ".."),
  ssr: { resolve: { conditions: ["@rxsim/source"] } },
  resolve: { conditions: ["@rxsim/source"] },
  test: { include: ["src/mutants/*.mutant-spec.ts"], testTimeout: 60_000 },
});
