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
import { parseThreads, queueThreadsFor } from "../queue-thread-loader.js";
import { checkRunOutputs, type RunOutputs, runWithOutputs } from "../run-outputs.js";
import { applyScenarioFlags, resolveScenario, type ScenarioFlags } from "../scenario-input.js";
import { parseTimeout } from "../watchdog.js";
import { exitCodeFor, printComparison, writeOutputs } from "./compare.js";

/** Flags of `rxsim replay`. */
export interface ReplayFlags extends ScenarioFlags {
  strategies: string;
  scenario?: string;
  json?: string;
  csv?: string;
  timeout?: string;
  maxGap?: string;
}

/** `--max-gap SECONDS` in ns, or undefined when not given. */
function parseMaxGap(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = Number(text);
  if (text.trim() === "" || !Number.isFinite(s) || s <= 0) {
    throw new CliError(`--max-gap ${JSON.stringify(text)}: expected seconds, a number > 0`);
  }
  return s * 1e9;
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
    const magic = n < 4 ? 0 : head.readUInt32LE(0);
    if (PCAP_MAGICS.has(magic) || magic === PCAPNG_MAGIC) return true;
    // A trace starts with its JSON header; anything else is neither.
    if (n === 0 || head[0] !== 0x7b) {
      throw new CliError(
        `${path}: not a pcap, pcapng or rxsim trace (${n === 0 ? "the file is empty" : `it starts with the bytes 0x${head.subarray(0, n).toString("hex")}`})`,
      );
    }
    return false;
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
  const maxGap = parseMaxGap(flags.maxGap);
  if (isCapture(file)) {
    // The capture decides sizes and timing; warm-up defaults to none, since captures are short.
    const scenario = flags.config ? undefined : flags.scenario;
    const base = resolveScenario(scenario, { ...flags, set: [] });
    const traffic = { kind: "capture", path: file, ...(maxGap !== undefined ? { maxGapNs: maxGap } : {}) };
    const withCapture = applySetOverrides(base, [`traffic=${JSON.stringify(traffic)}`, "warmupPackets=0"]);
    const config = applyScenarioFlags(
      {
        ...withCapture,
        description: `replay of capture ${file}, with ${flags.config ? `--config ${flags.config}` : `scenario ${scenario ?? "default"}`} for everything but the traffic`,
      },
      { set: flags.set },
    );
    run = (options) => runComparison(config, factories, options);
  } else {
    if (flags.config || flags.scenario) throw new CliError("a trace carries its own config: drop --config/--scenario");
    if (maxGap !== undefined) throw new CliError("--max-gap is for captures: a trace's times are replayed exactly");
    const traffic = (flags.set ?? []).find((s) => /^\s*traffic(\.|\s*=)/.test(s));
    if (traffic !== undefined) {
      throw new CliError(
        `--set ${traffic} cannot apply to a trace: the trace fixes the traffic (arrivals, sizes, flags, holds)`,
      );
    }
    run = (options) =>
      runComparisonFromTrace(file, factories, options, (recorded) => {
        if (flags.packets !== undefined && Number(flags.packets) > recorded.packets) {
          throw new CliError(
            `--packets ${flags.packets}: the trace holds ${recorded.packets} arrivals; ask for at most that many`,
          );
        }
        const config = applyScenarioFlags(recorded, flags);
        return { ...config, description: `replay of trace ${file}, recorded from: ${config.description}` };
      });
  }
  const threads = queueThreadsFor(parseThreads(flags.threads), flags.strategies, factories);
  const result = runWithOutputs("replaying", timeoutS, outputs, run, { queueThreads: threads });
  writeOutputs(result, flags);
  printComparison(result, result.config);
  return exitCodeFor(result);
}
