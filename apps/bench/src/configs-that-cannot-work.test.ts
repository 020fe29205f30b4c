import { describe, expect, it } from "vitest";
import { runInProcess } from "../test-support/run-cli.js";

// A config that can never work is refused naming its keys; a stall names the cause found; a key
// the user changes that has no effect under the scenario gets a warning.
const QUICK = ["--strategies", "naive", "--packets", "3000"];

describe("configs that cannot work", () => {
  it("a ring whose posted buffers can never reach the doorbell threshold is refused, naming both keys", async () => {
    const r = await runInProcess(["compare", ...QUICK, "--set", "queue.bufqSlots=32", "--set", "queue.complqSlots=32"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "rxsim: queue.doorbellThreshold: 32 buffers must be posted before the doorbell rings, but queue.bufqSlots 32 and queue.complqSlots 32 allow at most 31 posted at once: the device would never see a buffer (lower queue.doorbellThreshold or enlarge the rings)\n",
    );
    const ok = await runInProcess([
      "compare",
      ...QUICK,
      "--set",
      "queue.bufqSlots=32",
      "--set",
      "queue.complqSlots=32",
      "--set",
      "queue.doorbellThreshold=16",
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/packets delivered\s+│\s+[1-9]/);
  });

  it("the stall hint names the cause: allocation failures with no starvation timer", async () => {
    const r = await runInProcess(["compare", ...QUICK, "--set", "memory.allocFailure.windows=[[0,1e12]]"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^rxsim: naive: the queue stalled at 0\.000 ms and never recovered: no buffer visible to the device and no poll pending; refills found no page \(memory\.allocFailure makes allocations fail\) and nothing retried them: set driver\.starvationTimer=true to re-schedule NAPI\n$/,
    );
  });

  it("the stall hint names the cause: a run that ends before the starvation timer fires", async () => {
    const r = await runInProcess([
      "compare",
      ...QUICK,
      "--set",
      "memory.allocFailure.windows=[[0,1000]]",
      "--set",
      "driver.starvationTimer=true",
    ]);
    expect(r.stderr).toMatch(
      /; the run ended before the starvation timer \(driver\.starvationTimerMs 20\) could fire: run more packets or shorten the timer\n$/,
    );
  });

  it("the stall hint names the cause: the page cap, which the starvation timer cannot help", async () => {
    const r = await runInProcess([
      "compare",
      ...QUICK,
      "--set",
      "memory.maxPages=16",
      "--set",
      "driver.starvationTimer=true",
    ]);
    expect(r.stderr).toMatch(
      /the page table's cap was reached \(memory\.maxPages 16\): the strategy had no page to post; raise memory\.maxPages\n$/,
    );
    expect(r.stderr).not.toMatch(/set driver\.starvationTimer=true/);
  });
});

describe("a changed key with no effect under the scenario gets a warning", () => {
  it("--set stack.holdNs with stack.hold=immediate", async () => {
    const r = await runInProcess(["compare", ...QUICK, "--set", "stack.holdNs=50000"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("rxsim: warning: --set stack.holdNs has no effect with stack.hold=immediate\n");
    const used = await runInProcess(["compare", ...QUICK, "--set", "stack.hold=fixed", "--set", "stack.holdNs=50000"]);
    expect(used.stderr).toBe("");
  });

  it("--set driver.starvationTimerMs with the timer off, traffic.minSize with fixed sizes", async () => {
    const r = await runInProcess([
      "compare",
      ...QUICK,
      "--set",
      "driver.starvationTimerMs=5",
      "--set",
      "traffic.minSize=100",
    ]);
    expect(r.stderr).toBe(
      "rxsim: warning: --set driver.starvationTimerMs has no effect with driver.starvationTimer=false\n" +
        "rxsim: warning: --set traffic.minSize has no effect with traffic.sizeModel=fixed\n",
    );
  });

  it("--set host.flows.count with one queue warns; with --queues 4 it is used", async () => {
    const r = await runInProcess(["compare", ...QUICK, "--set", "host.flows.count=64"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("rxsim: warning: --set host.flows.count has no effect with host.queues=1\n");
    const used = await runInProcess(["compare", ...QUICK, "--queues", "4", "--set", "host.flows.count=64"]);
    expect(used.stderr).toBe("");
  });

  it("--vary stack.holdNs with stack.hold=immediate in every point", async () => {
    const { join } = await import("node:path");
    const { runBuilt, tempDir } = await import("../test-support/run-cli.js");
    const out = join(tempDir(), "s.jsonl");
    // Built: the sweep's worker threads load compiled JavaScript.
    const r = runBuilt(["sweep", ...QUICK, "--workers", "1", "--vary", "stack.holdNs=0,1000", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("rxsim: warning: --vary stack.holdNs has no effect with stack.hold=immediate\n");
  });
});
