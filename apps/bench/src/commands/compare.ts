import { type ComparisonResult, runComparison, type ScenarioConfig, type StrategyResult } from "@rxsim/harness";
import { CliError, ExitCode } from "../errors.js";
import { loadStrategies } from "../load-strategies.js";
import { toCsv } from "../metric-rows.js";
import { writeOutput } from "../output-paths.js";
import { queueSummaryLines } from "../queue-summary.js";
import { parseThreads, queueThreadsFor } from "../queue-thread-loader.js";
import { renderComparisonTable } from "../render-table.js";
import { checkRunOutputs, type RunOutputs, runWithOutputs } from "../run-outputs.js";
import { resolveScenario, type ScenarioFlags } from "../scenario-input.js";
import { parseTimeout } from "../watchdog.js";

/** Flags of `rxsim compare`. */
export interface CompareFlags extends ScenarioFlags {
  strategies: string;
  json?: string;
  csv?: string;
  record?: string;
  decisionLog?: string;
  timeout?: string;
}

/** Write the outputs a comparison asked for. */
export function writeOutputs(result: ComparisonResult, flags: { json?: string; csv?: string }): void {
  if (flags.json !== undefined) writeOutput("--json", flags.json, `${JSON.stringify(result, null, 2)}\n`);
  if (flags.csv !== undefined) writeOutput("--csv", flags.csv, toCsv(result.results));
}

/** Why a queue stayed stalled, from what the run counted: the hint names the cause found. */
export function stallCause(r: StrategyResult, config: ScenarioConfig, endNs: number): string {
  const m = r.metrics;
  const cap = config.memory.maxPages;
  if (cap !== null && m.peakResidentPagesRun >= cap) {
    return `the page table's cap was reached (memory.maxPages ${cap}): the strategy had no page to post; raise memory.maxPages`;
  }
  const timerNs = config.driver.starvationTimerMs * 1e6;
  if (config.driver.starvationTimer && m.stallStartNs !== null && endNs < m.stallStartNs + timerNs) {
    return `the run ended before the starvation timer (driver.starvationTimerMs ${config.driver.starvationTimerMs}) could fire: run more packets or shorten the timer`;
  }
  // Failures during the warm-up are not in the measured counts: the schedule says whether there were any.
  const f = config.memory.allocFailure;
  const injected = f.probability > 0 || f.windows.length > 0 || f.attempts.length > 0;
  if ((m.allocFailures > 0 || injected) && !config.driver.starvationTimer) {
    return "refills found no page (memory.allocFailure makes allocations fail) and nothing retried them: set driver.starvationTimer=true to re-schedule NAPI";
  }
  if (m.allocFailures > 0 || injected) {
    return "refills kept finding no page even with the starvation timer: the failure schedule (memory.allocFailure) outlasts the run";
  }
  return `no page allocation failed, yet the strategy stopped posting (${m.buffersPosted} buffer(s) posted in the measured part): look at its refill`;
}

/** The input line of a replay's header. */
function describeInput(input: NonNullable<ComparisonResult["input"]>): string {
  if (input.kind === "trace") return `input: trace ${input.path}, ${input.packets.toLocaleString("en-US")} arrivals`;
  const back = input.backwardTimestamps ? `, ${input.backwardTimestamps} timestamp(s) went backwards` : "";
  return `input: capture ${input.path} (${input.format}, ${input.linkType} link, ${input.packets.toLocaleString("en-US")} packets${back})`;
}

/** Exit code for a finished comparison: 1 when the checker found anything. */
export function exitCodeFor(result: ComparisonResult): number {
  const bad = result.results.filter((r) => r.metrics.violations > 0 || r.metrics.leakedPages > 0);
  for (const r of bad) {
    process.stderr.write(
      `rxsim: ${r.strategy}: ${r.metrics.violations} checker violation(s); first: ${r.metrics.violationMessages[0] ?? "(leak)"}\n`,
    );
  }
  return bad.length > 0 ? ExitCode.Problem : ExitCode.Ok;
}

/** Print the header lines and the table of a comparison, and on stderr each queue that stalled for good. */
export function printComparison(result: ComparisonResult, config: ScenarioConfig): void {
  const q = result.config.queue;
  const input = result.input;
  const traffic = config.traffic;
  // What arrived: a capture without loop ends with the capture, a trace holds what it holds.
  const packets =
    input === undefined || (traffic.kind === "capture" && traffic.loop)
      ? config.packets
      : Math.min(config.packets, input.packets);
  const warmup = Math.min(config.warmupPackets, packets);
  process.stdout.write(
    `scenario ${result.scenario}: ${config.description}\n` +
      (input !== undefined ? `${describeInput(input)}\n` : "") +
      `seed ${result.seed}, ${packets.toLocaleString("en-US")} packets (${warmup.toLocaleString("en-US")} warm-up), ${
        q.pageSize
      } B pages, ${q.bufferSize} B buffers, ${q.bufqSlots}-slot rings, checker ${config.checker ? "on" : "off"}\n`,
  );
  if (input?.backwardTimestamps) {
    process.stderr.write(
      `rxsim: ${input.path}: ${input.backwardTimestamps} packet timestamp(s) went back before an earlier packet's; replayed at the latest time so far\n`,
    );
  }
  process.stdout.write(`${renderComparisonTable(result.results)}\n`);
  for (const line of queueSummaryLines(result)) process.stdout.write(`${line}\n`);
  for (const r of result.results) {
    if (r.cannotStart !== undefined) {
      process.stderr.write(`rxsim: ${r.strategy}: the queue cannot start, every packet dropped: ${r.cannotStart}\n`);
      continue;
    }
    const start = r.metrics.stallStartNs;
    if (!r.metrics.stalledAtEnd || start === null) continue;
    process.stderr.write(
      `rxsim: ${r.strategy}: the queue stalled at ${(start / 1e6).toFixed(3)} ms and never recovered: no buffer visible to the device and no poll pending; ${stallCause(r, config, result.warmupEndNs + r.metrics.durationNs)}\n`,
    );
  }
}

/** `rxsim compare [scenario]`. */
export async function compareCommand(scenario: string | undefined, flags: CompareFlags): Promise<number> {
  const timeoutS = parseTimeout(flags.timeout);
  const factories = await loadStrategies(flags.strategies);
  const config = resolveScenario(scenario, flags);
  const outputs: RunOutputs = {
    after: [
      ["--json", flags.json],
      ["--csv", flags.csv],
    ],
    streamed: [
      ["--record", flags.record],
      ["--decision-log", flags.decisionLog],
    ],
    inputs: [["--config", flags.config]],
  };
  checkRunOutputs(outputs);
  if (flags.decisionLog !== undefined && factories.length !== 1) {
    throw new CliError("--decision-log needs exactly one strategy (--strategies NAME)");
  }
  const threads = queueThreadsFor(parseThreads(flags.threads), flags.strategies, factories);
  const result = runWithOutputs(
    "simulating",
    timeoutS,
    outputs,
    (options) => runComparison(config, factories, options),
    { queueThreads: threads },
  );
  writeOutputs(result, flags);
  printComparison(result, config);
  return exitCodeFor(result);
}
