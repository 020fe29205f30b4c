import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliRun, runInProcess, tempDir } from "../../test-support/run-cli.js";

/** Exit code 2 and one `rxsim: ` line, no stack trace; returns the line. */
function usageError(r: CliRun): string {
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^rxsim: /);
  expect(r.code).toBe(2);
  return lines[0];
}

describe("rxsim view", () => {
  const dir = tempDir();

  it("writes a page for a decision log, and for a trace run through --strategy the same page", async () => {
    const log = join(dir, "d.log");
    const trace = join(dir, "t.trace");
    const c = await runInProcess([
      "compare",
      "--strategies",
      "dqo",
      "--packets",
      "500",
      "--decision-log",
      log,
      "--record",
      trace,
    ]);
    expect(c.code, c.stderr).toBe(0);
    const a = join(dir, "a.html");
    const b = join(dir, "b.html");
    const r1 = await runInProcess(["view", log, "--out", a]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/^view: .*a\.html \(dqo, [\d,]+ lines\)/);
    const r2 = await runInProcess(["view", trace, "--strategy", "dqo", "--out", b]);
    expect(r2.code, r2.stderr).toBe(0);
    // The trace replays the same run: the embedded log (gzip) is the same, only the file name differs.
    const embedded = (f: string) => /id="rxsim-log">([^<]*)</.exec(readFileSync(f, "utf8"))?.[1];
    expect(embedded(a)).toBeTruthy();
    expect(embedded(b)).toBe(embedded(a));
  });

  it("refuses what it cannot show, in one line", async () => {
    const notLog = join(dir, "x.txt");
    writeFileSync(notLog, "hello\n");
    expect(usageError(await runInProcess(["view", notLog, "--out", join(dir, "x.html")]))).toMatch(
      /x\.txt: not an rxsim decision log v1: first line is "hello"/,
    );
    expect(usageError(await runInProcess(["view", join(dir, "none.log"), "--out", join(dir, "n.html")]))).toMatch(
      /cannot read .*none\.log: no such file/,
    );
    const foreign = join(dir, "foreign.log");
    writeFileSync(
      foreign,
      `# rxsim decision-log v1 ${JSON.stringify({ strategy: "mine", options: {}, config: {}, seed: 1, stream: "strategy" })}\nI refill 1 proc @0\n`,
    );
    expect(usageError(await runInProcess(["view", foreign, "--out", join(dir, "f.html")]))).toMatch(
      /written by strategy "mine", which is not built in/,
    );
    expect(usageError(await runInProcess(["view", foreign, "--out", foreign]))).toMatch(/is the input file/);
    const trace = join(dir, "t2.trace");
    expect((await runInProcess(["compare", "--packets", "200", "--record", trace])).code).toBe(0);
    expect(usageError(await runInProcess(["view", trace, "--out", join(dir, "t.html")]))).toMatch(
      /is a trace: say which strategy to run it through \(--strategy NAME\)/,
    );
    expect(usageError(await runInProcess(["view", trace, "--strategy", "nope", "--out", join(dir, "t.html")]))).toMatch(
      /unknown strategy "nope"/,
    );
  });
});
