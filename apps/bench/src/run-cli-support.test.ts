import { describe, expect, it } from "vitest";
import { runBuiltUntilKilled } from "../test-support/run-cli.js";

// The kill timer of the process tests must never throw outside its test: on a loaded machine a
// condition that reads a file can run before the file exists or after the test removed it.
describe("runBuiltUntilKilled", () => {
  it("treats a condition that throws (ENOENT) as not yet, and resolves when the child exits", async () => {
    let calls = 0;
    await runBuiltUntilKilled(["compare", "--strategies", "naive", "--packets", "200000"], () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
      return true;
    });
    expect(calls).toBeGreaterThanOrEqual(3);
  });

  it("rejects, naming the command, when the condition never holds within the limit", async () => {
    await expect(
      runBuiltUntilKilled(["compare", "--strategies", "naive", "--packets", "100000000"], () => false, 300),
    ).rejects.toThrow(/the kill condition never held in 300 ms/);
  });
});
