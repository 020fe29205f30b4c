import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliRun, runBuilt, runInProcess, tempDir } from "../test-support/run-cli.js";

// Every input a user can get wrong gives one line on stderr naming the problem, exit code 2, and
// no stack trace. Each case runs the command line in this process; a few also run the built CLI.

const FIXTURES = resolve(import.meta.dirname, "../test-support/fixtures");
const CAPTURES = resolve(import.meta.dirname, "../../../packages/harness/test-fixtures");
const ROOT = process.getuid?.() === 0;

/** Assert exit code 2 and one `rxsim: ` line without a stack trace; return the line. */
function usageError(r: CliRun): string {
  const lines = r.stderr.trim().split("\n");
  expect(lines, `expected one line on stderr, got:\n${r.stderr}`).toHaveLength(1);
  expect(lines[0]).toMatch(/^rxsim: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code, r.stderr).toBe(2);
  return lines[0];
}

/** Write `bytes` to a fresh file named `name` and return its path. */
function file(name: string, bytes: string | Uint8Array): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

/** A copy of a real capture from the harness's fixtures, changed by `change`. */
function capture(name: string, change: (bytes: Buffer) => Buffer): string {
  return file(`bad-${name}`, change(Buffer.from(readFileSync(join(CAPTURES, name)))));
}

const config = (value: unknown) => file("config.json", JSON.stringify(value));

describe("bad captures", () => {
  it("a truncated pcap", async () => {
    // The file header (24 bytes), the first record's header (16) and 30 of its bytes.
    const f = capture("http-loopback.pcap", (b) => b.subarray(0, 24 + 16 + 30));
    const line = usageError(await runInProcess(["replay", f]));
    expect(line).toMatch(/bad-http-loopback\.pcap: truncated pcap record: declares \d+ captured bytes, 30 remain/);
  });

  it("a corrupt pcap", async () => {
    const f = capture("http-loopback.pcap", (b) => {
      b.writeUInt32LE(0x7fffffff, 24 + 8); // the first record's captured length
      return b;
    });
    const line = usageError(await runInProcess(["replay", f]));
    expect(line).toMatch(/corrupt pcap record: captured length 2147483647 exceeds 262144 \(byte offset 32\)/);
  });

  it("a truncated pcapng", async () => {
    const f = capture("http-loopback.pcapng", (b) => b.subarray(0, b.length - 10));
    const line = usageError(await runInProcess(["replay", f]));
    expect(line).toMatch(/bad-http-loopback\.pcapng: truncated pcapng block: declares \d+ bytes, \d+ remain/);
  });

  it("a corrupt pcapng", async () => {
    const f = capture("http-loopback.pcapng", (b) => {
      const shbLength = b.readUInt32LE(4);
      b.writeUInt32LE(shbLength + 4, shbLength - 4); // the section header's trailing length
      return b;
    });
    const line = usageError(await runInProcess(["replay", f]));
    expect(line).toMatch(/corrupt pcapng block: trailing length \d+ differs from leading length \d+/);
  });

  it("a pcap cut inside a record header", async () => {
    const f = capture("http-loopback.pcap", (b) => b.subarray(0, 24 + 10));
    expect(usageError(await runInProcess(["replay", f]))).toMatch(
      /truncated pcap record header: needs 16 bytes, 10 remain \(byte offset 24\)/,
    );
  });
});

describe("bad traces", () => {
  it("a trace of an unknown version", async () => {
    const f = file("t.jsonl", '{"rxsimTrace":2,"tool":"rxsim","config":{}}\n[0,1500,0,-1]\n{"end":1}\n');
    expect(usageError(await runInProcess(["replay", f]))).toMatch(
      /t\.jsonl:1: unsupported trace version 2: this rxsim reads version 1/,
    );
  });

  it("a trace cut off before its end line", async () => {
    const f = file("t.jsonl", '{"rxsimTrace":1,"tool":"rxsim","config":{"packets":3}}\n[0,1500,0,-1]\n');
    expect(usageError(await runInProcess(["replay", f]))).toMatch(/truncated trace: no end line after 1 arrivals/);
  });

  it("a file that is neither a capture nor a trace", async () => {
    const f = file("notes.txt", "hello\n");
    expect(usageError(await runInProcess(["replay", f]))).toMatch(
      /notes\.txt: not a pcap, pcapng or rxsim trace \(it starts with the bytes 0x68656c6c\)$/,
    );
    const empty = file("empty.bin", "");
    expect(usageError(await runInProcess(["replay", empty]))).toMatch(
      /not a pcap, pcapng or rxsim trace \(the file is empty\)$/,
    );
  });
});

describe("bad configs", () => {
  const cases: [string, unknown, RegExp][] = [
    ["a wrong type", { packets: "many" }, /packets: expected an integer ≥ 1, got "many"/],
    ["an unknown key", { queue: { ringSize: 1024 } }, /queue\.ringSize: unknown key \(known keys: pageSize/],
    ["a ring size not a power of two", { queue: { bufqSlots: 1000 } }, /queue\.bufqSlots: must be a power of two/],
    ["a buffer larger than a page", { queue: { bufferSize: 8192 } }, /queue\.bufferSize: 8192 is larger than the page/],
    ["a negative rate", { traffic: { rate: -5 } }, /traffic\.rate: expected a number > 0, got -5/],
    ["a rate above 1", { device: { misbehave: { duplicateRate: 1.5 } } }, /device\.misbehave\.duplicateRate: /],
  ];
  for (const [name, value, message] of cases) {
    it(`--config with ${name}`, async () => {
      const path = config(value);
      const line = usageError(await runInProcess(["compare", "--config", path]));
      expect(line.startsWith(`rxsim: --config ${path}: `)).toBe(true);
      expect(line).toMatch(message);
    });
  }

  const sets: [string, string, RegExp][] = [
    ["an unknown key", "queue.bogus=1", /queue\.bogus: unknown key/],
    ["a ring size not a power of two", "queue.bufqSlots=1000", /queue\.bufqSlots: must be a power of two, got 1000/],
    ["a buffer larger than a page", "queue.bufferSize=8192", /queue\.bufferSize: 8192 is larger than the page/],
    ["a negative rate", "traffic.rate=-5", /traffic\.rate: expected a number > 0, got -5/],
    ["a wrong type", "checker=maybe", /checker: expected true or false, got "maybe"/],
    ["no value", "queue.pageSize", /--set "queue\.pageSize": expected key=value/],
  ];
  for (const [name, set, message] of sets) {
    it(`--set with ${name}`, async () => {
      expect(usageError(await runInProcess(["compare", "--set", set]))).toMatch(message);
    });
  }

  it("a buffer size a strategy refuses", async () => {
    const r = await runInProcess(["compare", "--strategies", "naive,dqo", "--set", "queue.bufferSize=3000"]);
    expect(usageError(r)).toMatch(/strategies: dqo cannot run on this queue: dqo: bufferSize must be a power of two/);
  });

  it("a config file that is not JSON", async () => {
    const path = file("bad.json", "{ not json");
    expect(usageError(await runInProcess(["compare", "--config", path]))).toMatch(
      /--config .*bad\.json is not valid JSON/,
    );
  });

  it("a config file that does not exist", async () => {
    expect(usageError(await runInProcess(["compare", "--config", "/nonexistent.json"]))).toMatch(
      /cannot read --config \/nonexistent\.json: no such file/,
    );
  });

  it("an unknown scenario", async () => {
    expect(usageError(await runInProcess(["compare", "nope"]))).toMatch(/nope/);
  });
});

describe("bad strategies", () => {
  it("an unknown strategy", async () => {
    expect(usageError(await runInProcess(["compare", "--strategies", "nope"]))).toMatch(
      /unknown strategy "nope": not built in \(naive, naive-split, dqo, .*\) and no package of that name is installed/,
    );
  });

  it("a module that does not meet the contract", async () => {
    const r = await runInProcess(["compare", "--strategies", join(FIXTURES, "not-a-strategy.js")]);
    expect(usageError(r)).toMatch(/not-a-strategy\.js does not meet the rxsim strategy contract: contractVersion/);
  });

  it("a module file that does not exist", async () => {
    expect(usageError(await runInProcess(["compare", "--strategies", "./missing-strategy.js"]))).toMatch(
      /strategy module \.\/missing-strategy\.js not found/,
    );
  });

  it("a module that fails to load", async () => {
    const path = file("broken.mjs", "export default {;\n");
    expect(usageError(await runInProcess(["compare", "--strategies", path]))).toMatch(
      /strategy module .*broken\.mjs failed to load: /,
    );
  });
});

describe("unwritable output paths", () => {
  it("a directory that does not exist", async () => {
    expect(usageError(await runInProcess(["compare", "--json", "/nonexistent-dir/x.json"]))).toMatch(
      /cannot write --json \/nonexistent-dir\/x\.json: directory \/nonexistent-dir does not exist/,
    );
  });

  it("a path under a regular file", async () => {
    const plain = file("plain.txt", "x");
    const r = await runInProcess(["compare", "--json", join(plain, "x.json")]);
    expect(usageError(r)).toMatch(/cannot write --json .*plain\.txt\/x\.json: .*plain\.txt is not a directory/);
  });

  it("a read-only existing file", async () => {
    // Root writes through file modes; a sysfs attribute refuses even root.
    const readOnly = ROOT ? "/sys/kernel/uevent_seqnum" : file("ro.json", "{}");
    if (!ROOT) chmodSync(readOnly, 0o444);
    expect(existsSync(readOnly), `${readOnly} must exist for this test`).toBe(true);
    expect(usageError(await runInProcess(["compare", "--csv", readOnly]))).toMatch(
      /cannot write --csv \S+: (permission denied|read-only file system)$/,
    );
  });

  it("a directory that is not writable", async () => {
    const dir = ROOT ? "/sys/kernel" : join(tempDir(), "ro");
    if (!ROOT) {
      mkdirSync(dir);
      chmodSync(dir, 0o555);
    }
    expect(usageError(await runInProcess(["compare", "--json", join(dir, "rxsim-out.json")]))).toMatch(
      /cannot write --json \S+rxsim-out\.json: directory \S+ is not writable \((permission denied|read-only file system)\)/,
    );
  });

  it("a path that is a directory", async () => {
    const dir = tempDir();
    expect(usageError(await runInProcess(["sweep", "--vary", "seed=1,2", "--out", dir]))).toMatch(
      /cannot write --out \S+: it is a directory/,
    );
  });
});

describe("usage errors", () => {
  const cases: [string, string[], RegExp][] = [
    ["an unknown option", ["compare", "--bogus"], /unknown option '--bogus'/],
    ["an unknown command", ["frobnicate"], /unknown command 'frobnicate'/],
    ["a bad --packets", ["compare", "--packets", "lots"], /--packets "lots": expected a whole number/],
    ["a decision log with two strategies", ["compare", "--decision-log", "/tmp/x.log"], /exactly one strategy/],
    [
      "a report of a missing file",
      ["report", "/nonexistent.json", "--out", "/tmp/r.html"],
      /cannot read \/nonexistent\.json: no such file/,
    ],
    ["a sweep without --vary", ["sweep", "--out", "/tmp/never.jsonl"], /sweep needs at least one --vary/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      expect(usageError(await runInProcess(args))).toMatch(message);
    });
  }
});

describe("the built CLI process", () => {
  it("exits 2 with one line for a corrupt capture, an unknown trace version and a bad config", () => {
    const pcapng = capture("http-loopback.pcapng", (b) => b.subarray(0, b.length - 10));
    const trace = file("t.jsonl", '{"rxsimTrace":7,"tool":"rxsim","config":{}}\n{"end":0}\n');
    const bad = config({ queue: { bufqSlots: 1000 } });
    expect(usageError(runBuilt(["replay", pcapng]))).toMatch(/truncated pcapng block/);
    expect(usageError(runBuilt(["replay", trace]))).toMatch(/unsupported trace version 7/);
    expect(usageError(runBuilt(["compare", "--config", bad]))).toMatch(/queue\.bufqSlots: must be a power of two/);
  });
});
