import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type ComparisonResult,
  createTraceWriter,
  readTrace,
  readTraceHeader,
  runComparison,
  runComparisonFromTrace,
  runStrategy,
  type ScenarioConfig,
  scenarios,
  TRACE_FORMAT_VERSION,
  TraceError,
  validateScenarioConfig,
} from "./index.js";
import { pagePerBuffer, reuseFifo } from "./test-strategies.test-util.js";

const dir = mkdtempSync(join(tmpdir(), "rxsim-trace-"));
let fileNo = 0;
const tmpFile = () => join(dir, `t${fileNo++}.jsonl`);

function traceError(fn: () => unknown): TraceError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TraceError);
    expect((e as Error).message).not.toContain("\n");
    return e as TraceError;
  }
  throw new Error("expected a TraceError, nothing was thrown");
}

function record(config: ScenarioConfig): { path: string; result: ComparisonResult } {
  const path = tmpFile();
  const w = createTraceWriter(path);
  const result = runComparison(config, [pagePerBuffer(), reuseFifo()], { recordTrace: w });
  w.close();
  return { path, result };
}

/** Everything but the config and input (which now name the trace) must be identical. */
function expectSameNumbers(a: ComparisonResult, b: ComparisonResult): void {
  expect(b.config.traffic.kind).toBe("trace");
  expect(b.input?.kind).toBe("trace");
  const { config: _a, input: _ia, ...restA } = a;
  const { config: _b, input: _ib, ...restB } = b;
  expect(restB).toEqual(restA);
}

const rich = validateScenarioConfig({
  ...scenarios.default,
  packets: 20_000,
  warmupPackets: 2000,
  traffic: {
    sizeModel: "imix",
    rate: 100,
    rateUnit: "gbps",
    arrival: "poisson",
    rscProbability: 0.02,
    burstOnNs: 40_000,
    burstOffNs: 20_000,
  },
  stack: { hold: "lognormal", holdNs: 40_000, sigma: 1.5, slowFraction: 0.01, slowHoldNs: 3e6 },
  device: { oooWindow: 4, rxErrorRate: 0.01 },
  memory: { skbAllocFailRate: 0.01, allocFailure: { probability: 0.002, windows: [[500_000, 900_000]] } },
  checker: true,
});

describe("recorded traces replay exactly", () => {
  it("synthetic traffic with every random input: identical metrics, stats and time series", () => {
    const { path, result } = record(rich);
    expect(result.results[0].metrics.allocFailures).toBeGreaterThan(0);
    const replay = runComparisonFromTrace(path, [pagePerBuffer(), reuseFifo()]);
    expectSameNumbers(result, replay);
  });

  it("batched holds and a capture source", () => {
    const capture = fileURLToPath(new URL("../test-fixtures/http-loopback.pcapng", import.meta.url));
    for (const config of [
      validateScenarioConfig({
        ...scenarios.default,
        packets: 20_000,
        stack: { hold: "batched", batchIntervalNs: 30_000 },
      }),
      validateScenarioConfig({
        packets: 1000,
        traffic: { kind: "capture", path: capture },
        stack: { hold: "fixed", holdNs: 1e5 },
      }),
    ]) {
      const { path, result } = record(config);
      expectSameNumbers(result, runComparisonFromTrace(path, [pagePerBuffer(), reuseFifo()]));
    }
  });

  it("the trace is a header, one line per arrival and an end line", () => {
    const { path } = record({ ...rich, packets: 3000, warmupPackets: 0 });
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    const header = JSON.parse(lines[0]);
    expect(header).toMatchObject({ rxsimTrace: TRACE_FORMAT_VERSION, tool: "rxsim" });
    expect(header.config).toEqual({ ...rich, packets: 3000, warmupPackets: 0 });
    expect(lines.length).toBe(3002);
    expect(lines[1]).toMatch(/^\[0,\d+,\d+,[-\d.e+]+\]$/);
    expect(JSON.parse(lines[3001])).toEqual({ end: 3000 });
    expect(readTrace(path).arrivals).toBe(3000);
    expect(readTraceHeader(path).config.name).toBe("default");
  });

  it("a trace config replays with the current config's other settings and stops at `packets`", () => {
    const { path, result } = record({ ...scenarios.default, packets: 10_000, warmupPackets: 0 });
    const shorter = runStrategy(
      validateScenarioConfig({
        ...scenarios.default,
        packets: 4000,
        warmupPackets: 0,
        traffic: { kind: "trace", path },
      }),
      pagePerBuffer(),
    );
    expect(shorter.metrics.packetsArrived).toBe(4000);
    const bigger = runComparisonFromTrace(path, [pagePerBuffer()], {}, (c) => ({
      ...c,
      queue: { ...c.queue, bufqSlots: 256, complqSlots: 256 },
    }));
    expect(bigger.results[0].metrics.packetsArrived).toBe(10_000);
    expect(bigger.results[0].metrics.peakResidentPages).toBe(255);
    expect(result.results[0].metrics.peakResidentPages).toBe(1023);
  });
});

describe("trace errors", () => {
  const good = () => record({ ...scenarios.default, packets: 500, warmupPackets: 0 }).path;
  const write = (text: string) => {
    const path = tmpFile();
    writeFileSync(path, text);
    return path;
  };
  const replay = (path: string) => () => runComparisonFromTrace(path, [pagePerBuffer()]);
  const replayBody = (path: string) => () =>
    runStrategy(validateScenarioConfig({ packets: 500, traffic: { kind: "trace", path } }), pagePerBuffer());

  it("an unknown version is refused with the versions named", () => {
    const lines = readFileSync(good(), "utf8").split("\n");
    lines[0] = lines[0].replace('"rxsimTrace":1', '"rxsimTrace":2');
    const e = traceError(replay(write(lines.join("\n"))));
    expect(e.message).toMatch(/:1: unsupported trace version 2: this rxsim reads version 1$/);
    expect(e.lineNumber).toBe(1);
  });

  it("not a trace, an empty file, a missing file, a bad header config", () => {
    expect(traceError(replay(write("hello\n"))).message).toMatch(
      /not an rxsim trace: the first line is not a JSON header/,
    );
    expect(traceError(replay(write('{"a":1}\n'))).message).toMatch(/the header has no rxsimTrace version/);
    expect(traceError(replay(write(""))).message).toMatch(/empty file/);
    expect(traceError(replay(join(dir, "missing.jsonl"))).message).toMatch(/cannot open the trace: ENOENT/);
    expect(traceError(replay(write('{"rxsimTrace":1,"config":{"packets":-1}}\n'))).message).toMatch(
      /the header's config is invalid: packets: expected an integer ≥ 1, got -1/,
    );
  });

  it("a cut-off trace is detected, never replayed short", () => {
    const text = readFileSync(good(), "utf8");
    const noEnd = text.split("\n").slice(0, 300).join("\n");
    const e = traceError(replayBody(write(`${noEnd}\n`)));
    expect(e.message).toMatch(/truncated trace: no end line after 299 arrivals$/);
    const midLine = text.slice(0, text.indexOf("\n", 5000) - 3);
    expect(traceError(replayBody(write(midLine))).message).toMatch(
      /corrupt arrival .*expected \[timeNs,size,flags,holdNs\]/,
    );
  });

  it("corrupt arrivals and end counts name the line", () => {
    const lines = readFileSync(good(), "utf8").trimEnd().split("\n");
    const edit = (i: number, text: string) => {
      const copy = [...lines];
      copy[i] = text;
      return write(`${copy.join("\n")}\n`);
    };
    const e = traceError(replayBody(edit(10, "[1,2,x,4]")));
    expect(e.lineNumber).toBe(11);
    expect(e.message).toMatch(/:11: corrupt arrival "\[1,2,x,4\]"/);
    expect(traceError(replayBody(edit(10, "[0,1500,0,-1]"))).message).toMatch(/times never decrease/);
    expect(traceError(replayBody(edit(lines.length - 1, '{"end":7}'))).message).toMatch(
      /end line says 7 arrivals, 500 were read/,
    );
    expect(() => readTrace(edit(lines.length - 1, '{"end":7}'))).toThrow(TraceError);
  });

  // Line 11 (index 10) of a good trace has time 1125 (after 1000 at line 10).
  it.each([
    ["[1125, 1500,0,-1]", 'size " 1500" is not a finite decimal number'],
    ["[0x465,1500,0,-1]", 'timeNs "0x465" is not a finite decimal number'],
    ["[Infinity,1500,0,-1]", 'timeNs "Infinity" is not a finite decimal number'],
    ["[1e999,1500,0,-1]", 'timeNs "1e999" is not a finite decimal number'],
    ["[,1500,0,-1]", 'timeNs "" is not a finite decimal number'],
    ["[1125,1500,0,-1,7]", "expected [timeNs,size,flags,holdNs], got 5 field(s)"],
    ["[1124,1500,0,-1]", "timeNs 1124 is before the previous arrival's 1125"],
    ["[1125,0,0,-1]", "size 0 is not an integer from 1 to 262144 (what a NIC can receive)"],
    ["[1125,262145,0,-1]", "size 262145 is not an integer from 1 to 262144"],
    ["[1125,1500.5,0,-1]", "size 1500.5 is not an integer"],
    ["[1125,1500,1,-1]", "flags 1 has bits other than rx_error (2), rsc (8) and skb allocation failure (16)"],
    ["[1125,1500,64,-1]", "flags 64 has bits other than"],
    ["[1125,1500,-2,-1]", "flags -2 has bits other than"],
    ["[1125,1500,0,-3]", "holdNs -3 is negative (only -1, immediate, and -2, batched, are allowed)"],
    ["[1125,1500,0,-0.5]", "holdNs -0.5 is negative"],
  ])("a bad field names the line and the problem: %s", (line, problem) => {
    const lines = readFileSync(good(), "utf8").trimEnd().split("\n");
    expect(lines[10]).toBe("[1125,1500,0,-1]");
    // Line 12 for the time going back (line 11 is good), else line 11.
    const back = problem.startsWith("timeNs 1124");
    const copy = [...lines];
    copy[back ? 11 : 10] = line;
    if (back) copy[10] = "[1125,1500,0,-1]";
    const e = traceError(replayBody(write(`${copy.join("\n")}\n`)));
    expect(e.lineNumber).toBe(back ? 12 : 11);
    expect(e.message).toContain(`: corrupt arrival ${JSON.stringify(line)}: ${problem}`);
  });

  it('nothing after the end line, and the end line exactly {"end":N}', () => {
    const text = readFileSync(good(), "utf8");
    const lines = text.trimEnd().split("\n");
    const after = traceError(() => readTrace(write(`${text}[99999,1500,0,-1]\n`)));
    expect(after.message).toMatch(/:503: corrupt trace: a line after the end line$/);
    expect(traceError(() => readTrace(write(`${text}\n`))).message).toMatch(/a line after the end line/);
    const badEnd = [...lines.slice(0, -1), '{"end":500,"more":1}'].join("\n");
    expect(traceError(() => readTrace(write(`${badEnd}\n`))).message).toMatch(
      /:502: corrupt trace: expected the end line \{"end":500\}, got/,
    );
  });
});

describe("the trace writer", () => {
  it("streams: lines reach the file before close, in bounded chunks", () => {
    const path = tmpFile();
    const w = createTraceWriter(path);
    const line = `[${"1".repeat(100)}]`;
    for (let i = 0; i < 30_000; i++) w.line(line);
    // 3 MB written: at least two 1 MiB chunks are already on disk.
    expect(statSync(path).size).toBeGreaterThan(2 * 1024 * 1024);
    w.close();
    w.close();
    expect(statSync(path).size).toBe(30_000 * (line.length + 1));
    expect(w.lines).toBe(30_000);
    expect(() => w.line("x")).toThrow(/closed/);
  });
});
