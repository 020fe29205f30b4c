import { defineProject } from "vitest/config";

export default defineProject({
  ssr: { resolve: { conditions: ["@rxsim/source"] } },
  resolve: { conditions: ["@rxsim/source"] },
  test: {
    name: "@rxsim/web",
    include: ["src/**/*.test.ts"],
    // The browser test serves the built site and runs the built CLI: build both first.
    globalSetup: ["./test-support/build-site.ts"],
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
