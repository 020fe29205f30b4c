import { defineProject } from "vitest/config";

export default defineProject({
  ssr: { resolve: { conditions: ["@rxsim/source"] } },
  resolve: { conditions: ["@rxsim/source"] },
  test: {
    name: "@rxsim/example-strategy",
    include: ["src/**/*.test.ts"],
    // Sized for a loaded 2-core machine (CI beside other builds): vitest's 5 s default is not.
    testTimeout: 60_000,
  },
});
