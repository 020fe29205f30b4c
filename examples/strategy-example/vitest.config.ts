import { defineProject } from "vitest/config";

export default defineProject({
  ssr: { resolve: { conditions: ["@rxsim/source"] } },
  resolve: { conditions: ["@rxsim/source"] },
  test: { name: "@rxsim/example-strategy", include: ["src/**/*.test.ts"] },
});
