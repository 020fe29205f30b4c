import { spawn } from "node:child_process";
import { linkSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, type CliRun, runInProcess, tempDir } from "../test-support/run-cli.js";

// Never destroy a good file: every output is written beside its target and renamed on success;
// a failed run leaves the previous file as it was and says what was not written; paths that
// would lose data (empty, twice, an input) are refused before the run.

const FAULTY = resolve(import.meta.dirname, "../test-support/fixtures/faulty-strategy.js");
const QUICK = ["--strategies", "naive", "--packets", "2000"];

afterEach(() => {
  delete process.env.RXSIM_TEST_FAULT;
});

/** One `rxsim: ` line, the exit code `code`; returns the line. */
function oneLine(r: CliRun, code: number): string {
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^rxsim: /);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.code, r.stderr).toBe(code);
  return lines[0];
}

/** A fresh file holding "previous\n". */
function previous(name: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, "previous\n");
  return path;
}

describe("a failed run leaves every previous output untouched and says so", () => {
  it.each([["--json"], ["--csv"], ["--record"], ["--decision-log"]])("%s", async (flag) => {
    const out = previous("out");
    process.env.RXSIM_TEST_FAULT = "complete-throws";
    const line = oneLine(await runInProcess(["compare", "--strategies", FAULTY, "--packets", "2000", flag, out]), 1);
    expect(line).toContain(`not written: ${flag} ${out}`);
    expect(readFileSync(out, "utf8")).toBe("previous\n");
  });

  it("results --out: a strategy failing in a later scenario leaves the previous file", async () => {
    const out = previous("results.md");
    process.env.RXSIM_TEST_FAULT = "teardown-throws";
    oneLine(await runInProcess(["results", "--strategies", FAULTY, "--packets", "1000", "--out", out]), 1);
    expect(readFileSync(out, "utf8")).toBe("previous\n");
  });

  it("a successful run replaces the file and leaves no temporary beside it", async () => {
    const out = previous("run.trace");
    const r = await runInProcess(["compare", ...QUICK, "--record", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^\{"rxsimTrace":1,/);
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(resolve(out, "..")), r.stderr).toEqual(["run.trace"]);
  });
});

describe("a full disk is one line and exit 2 for every output", () => {
  it.each([["--json"], ["--csv"], ["--record"], ["--decision-log"]])("compare %s /dev/full", async (flag) => {
    const line = oneLine(await runInProcess(["compare", ...QUICK, flag, "/dev/full"]), 2);
    expect(line).toBe(
      `rxsim: cannot write ${flag} /dev/full: no space left on device (ENOSPC)${flag === "--record" || flag === "--decision-log" ? "; it is incomplete" : ""}`,
    );
  });

  it("report --out /dev/full", async () => {
    const json = join(tempDir(), "run.json");
    expect((await runInProcess(["compare", ...QUICK, "--json", json])).code).toBe(0);
    const line = oneLine(await runInProcess(["report", json, "--out", "/dev/full"]), 2);
    expect(line).toBe("rxsim: cannot write --out /dev/full: no space left on device (ENOSPC)");
  });
});

describe("output paths that would lose data are refused before the run", () => {
  it("two outputs on one file", async () => {
    const out = previous("both");
    const line = oneLine(await runInProcess(["compare", ...QUICK, "--json", out, "--csv", out]), 2);
    expect(line).toBe(
      `rxsim: --csv and --json both name ${out}: one would overwrite the other; give each output its own file`,
    );
    expect(readFileSync(out, "utf8")).toBe("previous\n");
  });

  it("two outputs on one file through a hard link", async () => {
    const out = previous("a");
    const link = join(resolve(out, ".."), "b");
    linkSync(out, link);
    const line = oneLine(await runInProcess(["compare", ...QUICK, "--json", out, "--record", link]), 2);
    expect(line).toMatch(/--record and --json both name/);
  });

  it("an empty path", async () => {
    for (const flag of ["--json", "--csv", "--record", "--decision-log"]) {
      const line = oneLine(await runInProcess(["compare", ...QUICK, flag, ""]), 2);
      expect(line).toBe(`rxsim: ${flag} needs a file name, got an empty path`);
    }
    expect(oneLine(await runInProcess(["report", "x.json", "--out", ""]), 2)).toBe(
      "rxsim: --out needs a file name, got an empty path",
    );
  });

  it("report X --out X", async () => {
    const json = join(tempDir(), "run.json");
    expect((await runInProcess(["compare", ...QUICK, "--json", json])).code).toBe(0);
    const before = readFileSync(json, "utf8");
    const line = oneLine(await runInProcess(["report", json, "--out", json]), 2);
    expect(line).toBe(
      `rxsim: --out ${json} is also this command's input (the report's input): writing it would destroy it; choose another file`,
    );
    expect(readFileSync(json, "utf8")).toBe(before);
  });

  it("compare --config X --json X, replay T --json T", async () => {
    const dir = tempDir();
    const config = join(dir, "c.json");
    const show = await runInProcess(["show", "default"]);
    writeFileSync(config, show.stdout);
    expect(oneLine(await runInProcess(["compare", "--config", config, "--json", config]), 2)).toMatch(
      /--json .* is also this command's input \(--config\)/,
    );
    const trace = join(dir, "t.trace");
    expect((await runInProcess(["compare", ...QUICK, "--record", trace])).code).toBe(0);
    expect(oneLine(await runInProcess(["replay", trace, "--strategies", "naive", "--csv", trace]), 2)).toMatch(
      /--csv .* is also this command's input \(the replayed file\)/,
    );
  });
});

describe("Ctrl-C in the middle of a run", () => {
  it("stops with one line naming the strategy and what was not written; previous files untouched, no temporaries", async () => {
    const dir = tempDir();
    const json = join(dir, "run.json");
    const record = join(dir, "run.trace");
    writeFileSync(json, "previous\n");
    writeFileSync(record, "previous\n");
    const child = spawn(
      process.execPath,
      [CLI, "compare", "--strategies", "naive,dqo", "--packets", "50000000", "--json", json, "--record", record],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    // The run is under way once its --record temporary exists; give it a moment to be deep inside.
    const deadline = Date.now() + 60_000;
    while (!readdirSync(dir).some((f) => f.endsWith(".tmp")) && Date.now() < deadline) await sleep(20);
    await sleep(1000);
    child.kill("SIGINT");
    const code = await exited;
    expect(code, stderr).toBe(130);
    const lines = stderr.trim().split("\n");
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^rxsim: interrupted \(Ctrl-C\) while strategy (naive|dqo) was running; not written: --record .*run\.trace, --json .*run\.json$/,
    );
    expect(readFileSync(json, "utf8")).toBe("previous\n");
    expect(readFileSync(record, "utf8")).toBe("previous\n");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  }, 120_000);
});
