import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as browser from "./browser.js";
import { ConfigError, runComparison, type ScenarioConfig, validateScenarioConfig } from "./index.js";
import { pagePerBuffer, reuseFifo } from "./test-strategies.test-util.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../test-fixtures/${name}`, import.meta.url));

/** Every module reachable from `entry` by relative imports, and every bare or `node:` specifier they import. */
function importGraph(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)) {
      const spec = m[1];
      if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else external.add(spec);
    }
  };
  visit(join(here, entry));
  return { files, external };
}

describe("the browser entry (@rxsim/harness/browser)", () => {
  it("imports no Node module, directly or through any file it reaches", () => {
    const { files, external } = importGraph("browser.ts");
    expect(files.has(join(here, "simulation.ts"))).toBe(true);
    expect(files.has(join(here, "trace.ts"))).toBe(true);
    expect(files.has(join(here, "capture-reader.ts"))).toBe(true);
    expect([...external].sort()).toEqual(["@rxsim/core"]);
    // The main entry does reach node:fs (through the edge files), so the walk would see it.
    expect(importGraph("index.ts").external.has("node:fs")).toBe(true);
  });

  const rich = validateScenarioConfig({
    packets: 6000,
    warmupPackets: 500,
    traffic: { sizeModel: "imix", arrival: "poisson", rate: 40, rateUnit: "gbps" },
    stack: { hold: "lognormal", holdNs: 30_000, sigma: 1.2 },
  });

  it("gives the main entry's numbers for the same seed", () => {
    const main = runComparison(rich, [pagePerBuffer(), reuseFifo()]);
    const portable = browser.runComparison(rich, [pagePerBuffer(), reuseFifo()]);
    expect(portable).toEqual(main);
  });

  it("replays a trace and a capture held in memory exactly as from disk", () => {
    const lines: string[] = [];
    const recorded = browser.runComparison(rich, [pagePerBuffer(), reuseFifo()], {
      recordTrace: { line: (t) => lines.push(t) },
    });
    const files = browser.inMemoryTrafficFiles({ "mem.trace": `${lines.join("\n")}\n` });
    const replay: ScenarioConfig = { ...rich, traffic: { kind: "trace", path: "mem.trace" } };
    const fromMemory = browser.runComparison(replay, [pagePerBuffer(), reuseFifo()], { files });
    expect(fromMemory.results).toEqual(recorded.results);

    const pcap = fixture("http-loopback.pcapng");
    const capture = validateScenarioConfig({ packets: 700, traffic: { kind: "capture", path: pcap, loop: true } });
    const bytes = new Uint8Array(readFileSync(pcap));
    const mem = browser.runComparison(capture, [reuseFifo()], {
      files: browser.inMemoryTrafficFiles({ [pcap]: bytes }),
    });
    expect(mem).toEqual(runComparison(capture, [reuseFifo()]));
  });

  it("without files, capture or trace traffic is a ConfigError naming the path", () => {
    const config = validateScenarioConfig({ packets: 100, traffic: { kind: "trace", path: "x.jsonl" } });
    expect(() => browser.runComparison(config, [reuseFifo()])).toThrow(ConfigError);
    expect(() => browser.runComparison(config, [reuseFifo()])).toThrow(/traffic\.path: cannot read "x\.jsonl"/);
  });
});
