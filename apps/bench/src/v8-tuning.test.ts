import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { INLINING_FLAGS, inliningBudget, tuneV8, V8_DEFAULTS_ENV } from "./v8-tuning.js";

describe("tuneV8", () => {
  it("leaves V8's own budget when RXSIM_V8_DEFAULTS=1, raises it otherwise, and reports which", () => {
    expect(tuneV8({ [V8_DEFAULTS_ENV]: "1" })).toBe("default");
    expect(inliningBudget()).toBe("default");
    expect(tuneV8({})).toBe("raised");
    expect(inliningBudget()).toBe("raised");
  });

  it("raises budgets this Node's V8 knows (V8 ignores an unknown flag without a word)", () => {
    const known = execFileSync(process.execPath, ["--v8-options"], { encoding: "utf8" });
    for (const flag of INLINING_FLAGS) {
      const [name, value] = flag.split("=");
      expect(known).toContain(`${name} (`);
      // Each raised value is above V8's default, or the "raise" would lower it.
      const def = Number(new RegExp(`${name}=(\\d+)`).exec(known)?.[1]);
      expect(Number(value)).toBeGreaterThan(def);
    }
  });
});
