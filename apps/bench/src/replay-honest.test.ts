import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess, tempDir } from "../test-support/run-cli.js";

// replay says what it ran: options apply or are refused, and every header names the file and
// the overrides; capture timestamps that go back are reported, a jump beyond --max-gap refused.
const PCAP = resolve(import.meta.dirname, "../../../packages/harness/test-fixtures/http-loopback.pcap");

async function recordTrace(): Promise<string> {
  const trace = join(tempDir(), "run.trace");
  const r = await runInProcess(["compare", "--strategies", "naive", "--packets", "3000", "--record", trace]);
  expect(r.code, r.stderr).toBe(0);
  return trace;
}

describe("replay of a capture names it, not the scenario's synthetic traffic", () => {
  it("table header and JSON", async () => {
    const json = join(tempDir(), "r.json");
    const r = await runInProcess([
      "replay",
      PCAP,
      "--strategies",
      "naive",
      "--json",
      json,
      "--set",
      "stack.hold=lognormal",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [first, second, third] = r.stdout.split("\n");
    expect(first).toBe(
      `scenario default: replay of capture ${PCAP}, with scenario default for everything but the traffic; --set stack.hold=lognormal`,
    );
    expect(first).not.toMatch(/8 Mpps|prompt release/);
    expect(second).toBe(`input: capture ${PCAP} (pcap, ETHERNET link, 300 packets)`);
    expect(third).toMatch(/^seed 1, 300 packets \(0 warm-up\)/);
    const result = JSON.parse(readFileSync(json, "utf8"));
    expect(result.input).toEqual({
      kind: "capture",
      path: PCAP,
      packets: 300,
      format: "pcap",
      linkType: "ETHERNET",
      backwardTimestamps: 0,
    });
    expect(result.config.description).toContain("--set stack.hold=lognormal");
    expect(result.config.stack.hold).toBe("lognormal");
  });

  it("timestamps going back are counted on stderr and in the JSON", async () => {
    const bytes = Buffer.from(readFileSync(PCAP));
    // Record 2 (offset 24 + 16 + 74) a second before record 1.
    const r2 = 24 + 16 + bytes.readUInt32LE(24 + 8);
    bytes.writeUInt32LE(bytes.readUInt32LE(24) - 1, r2);
    const dir = tempDir();
    const capture = join(dir, "back.pcap");
    writeFileSync(capture, bytes);
    const json = join(dir, "r.json");
    const r = await runInProcess(["replay", capture, "--strategies", "naive", "--json", json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `rxsim: ${capture}: 1 packet timestamp(s) went back before an earlier packet's; replayed at the latest time so far`,
    );
    expect(r.stdout).toContain("300 packets, 1 timestamp(s) went backwards)");
    expect(JSON.parse(readFileSync(json, "utf8")).input.backwardTimestamps).toBe(1);
  });

  it("a jump beyond 1 s is refused; --max-gap allows it", async () => {
    const bytes = Buffer.from(readFileSync(PCAP));
    const r2 = 24 + 16 + bytes.readUInt32LE(24 + 8);
    for (let off = r2; off < bytes.length; off += 16 + bytes.readUInt32LE(off + 8)) {
      bytes.writeUInt32LE(bytes.readUInt32LE(off) + 5, off);
    }
    const capture = join(tempDir(), "gap.pcap");
    writeFileSync(capture, bytes);
    const refused = await runInProcess(["replay", capture, "--strategies", "naive"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /packet 2's timestamp jumps 5\.0 s past the previous one, more than the 1\.0 s allowed/,
    );
    const allowed = await runInProcess(["replay", capture, "--strategies", "naive", "--max-gap", "10"]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect((await runInProcess(["replay", capture, "--max-gap", "-1"])).stderr).toMatch(
      /--max-gap "-1": expected seconds/,
    );
  });
});

describe("replay of a trace applies its options or refuses them", () => {
  it("--seed, --no-checker and --set apply, and the header says so", async () => {
    const trace = await recordTrace();
    const json = join(tempDir(), "t.json");
    const r = await runInProcess([
      "replay",
      trace,
      "--strategies",
      "naive",
      "--seed",
      "7",
      "--no-checker",
      "--set",
      "queue.bufqSlots=512",
      "--json",
      json,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [first, second, third] = r.stdout.split("\n");
    expect(first).toMatch(
      /^scenario default: replay of trace .*run\.trace, recorded from: .*; --set queue\.bufqSlots=512$/,
    );
    expect(second).toMatch(/^input: trace .*run\.trace, 3,000 arrivals$/);
    expect(third).toMatch(/^seed 7, 3,000 packets .* 512-slot rings, checker off$/);
    const result = JSON.parse(readFileSync(json, "utf8"));
    expect(result.seed).toBe(7);
    expect(result.config.checker).toBe(false);
    expect(result.input).toEqual({ kind: "trace", path: trace, packets: 3000 });
  });

  it("traffic overrides and more packets than recorded are refused", async () => {
    const trace = await recordTrace();
    const set = await runInProcess(["replay", trace, "--set", "traffic.packetSize=9000"]);
    expect(set.code).toBe(2);
    expect(set.stderr).toBe(
      "rxsim: --set traffic.packetSize=9000 cannot apply to a trace: the trace fixes the traffic (arrivals, sizes, flags, holds)\n",
    );
    const more = await runInProcess(["replay", trace, "--packets", "5000"]);
    expect(more.code).toBe(2);
    expect(more.stderr).toBe("rxsim: --packets 5000: the trace holds 3000 arrivals; ask for at most that many\n");
    const gap = await runInProcess(["replay", trace, "--max-gap", "5"]);
    expect(gap.stderr).toBe("rxsim: --max-gap is for captures: a trace's times are replayed exactly\n");
  });
});
