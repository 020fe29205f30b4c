import { defineProject } from "vitest/config";

export default defineProject({
  ssr: { resolve: { conditions: ["@rxsim/source"] } },
  resolve: { conditions: ["@rxsim/source"] },
  test: {
    name: "@rxsim/bench",
    include: ["src/**/*.test.ts"],
    // The process-level tests run the built CLI (worker threads need built JS): build it first.
    globalSetup: ["./test-support/build-cli.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
