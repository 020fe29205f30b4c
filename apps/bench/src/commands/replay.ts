import { closeSync, openSync, readSync } from "node:fs";
import {
  applySetOverrides,
  type ComparisonOptions,
  type ComparisonResult,
  runComparison,
  runComparisonFromTrace,
} from "@rxsim/harness";
import { CliError } from "../errors.js";
import { loadStrategies } from "../load-strategies.js";
import { checkRunOutputs, type RunOutputs, runWithOutputs } from "../run-outputs.js";
import { resolveScenario, type ScenarioFlags } from "../scenario-input.js";
import { parseTimeout } from "../watchdog.js";
import { exitCodeFor, printComparison, writeOutputs } from "./compare.js";

/** Flags of `rxsim replay`. */
export interface ReplayFlags extends ScenarioFlags {
  strategies: string;
  scenario?: string;
  json?: string;
  csv?: string;
  timeout?: string;
}

const PCAP_MAGICS = new Set([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1]);
const PCAPNG_MAGIC = 0x0a0d0d0a;

/** Is `path` a packet capture (pcap or pcapng), judged by its first four bytes? */
function isCapture(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    if (n < 4) return false;
    const magic = head.readUInt32LE(0);
    return PCAP_MAGICS.has(magic) || magic === PCAPNG_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/**
 * `rxsim replay FILE`: run the strategies on a recorded trace (exactly the
 * recorded run's inputs) or on the sizes and timestamps of a pcap/pcapng capture.
 */
export async function replayCommand(file: string, flags: ReplayFlags): Promise<number> {
  const timeoutS = parseTimeout(flags.timeout);
  const factories = await loadStrategies(flags.strategies);
  const outputs: RunOutputs = {
    after: [
      ["--json", flags.json],
      ["--csv", flags.csv],
    ],
    streamed: [],
    inputs: [
      ["the replayed file", file],
      ["--config", flags.config],
    ],
  };
  checkRunOutputs(outputs);
  let run: (options: ComparisonOptions) => ComparisonResult;
  if (isCapture(file)) {
    // The capture decides sizes and timing; warm-up defaults to none, since captures are short.
    const base = resolveScenario(flags.config ? undefined : flags.scenario, { ...flags, set: [] });
    const config = applySetOverrides(base, [
      `traffic=${JSON.stringify({ kind: "capture", path: file })}`,
      "warmupPackets=0",
      ...(flags.set ?? []),
    ]);
    run = (options) => runComparison(config, factories, options);
  } else {
    if (flags.config || flags.scenario) throw new CliError("a trace carries its own config: drop --config/--scenario");
    run = (options) => runComparisonFromTrace(file, factories, options);
  }
  const result = runWithOutputs("replaying", timeoutS, outputs, run);
  writeOutputs(result, flags);
  printComparison(result, result.config);
  return exitCodeFor(result);
}
