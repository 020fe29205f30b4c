import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createMemoryLogSink, parseDecisionLogHeader } from "@rxsim/core";
import { runComparisonFromTrace } from "@rxsim/harness";
import { CliError, oneLine } from "../errors.js";
import { assertWritable, writeOutput } from "../output-paths.js";
import { BUILTIN_STRATEGIES } from "../registry.js";
import { renderViewerHtml } from "../viewer/page-html.js";
import { factoryForLog } from "../viewer/strategy-factory.js";

/** Flags of `rxsim view`. */
export interface ViewFlags {
  out: string;
  /** For a trace: the built-in strategy to run it through. */
  strategy?: string;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : oneLine(error)}`);
  }
}

/**
 * A trace holds the run's inputs, not a strategy's decisions: run it through
 * `strategy` with a decision log on, which is exactly the log that run would
 * have written.
 */
function logFromTrace(file: string, strategy: string | undefined): string {
  if (strategy === undefined)
    throw new CliError(`${file} is a trace: say which strategy to run it through (--strategy NAME)`);
  const entry = BUILTIN_STRATEGIES[strategy];
  if (entry === undefined) {
    throw new CliError(`unknown strategy "${strategy}" (built in: ${Object.keys(BUILTIN_STRATEGIES).join(", ")})`);
  }
  const sink = createMemoryLogSink();
  runComparisonFromTrace(file, [entry.create()], { decisionLog: sink });
  return `${sink.lines.join("\n")}\n`;
}

/** `rxsim view FILE --out view.html`: a self-contained page stepping through a decision log. */
export function viewCommand(file: string, flags: ViewFlags): number {
  if (resolve(flags.out) === resolve(file)) throw new CliError(`--out ${flags.out} is the input file: choose another`);
  assertWritable("--out", flags.out);
  const text = readText(file);
  const firstLine = text.slice(0, text.indexOf("\n") >>> 0);
  const log = firstLine.startsWith('{"rxsimTrace"') ? logFromTrace(file, flags.strategy) : text;
  if (log === text && flags.strategy !== undefined) {
    throw new CliError("--strategy is for traces; a decision log names its own strategy");
  }
  let header: ReturnType<typeof parseDecisionLogHeader>;
  try {
    header = parseDecisionLogHeader(log.slice(0, log.indexOf("\n") >>> 0));
    factoryForLog(header);
  } catch (error) {
    throw new CliError(`${file}: ${oneLine(error)} (expected a log from rxsim compare --decision-log, or a trace)`);
  }
  let lines = 0;
  for (let i = log.indexOf("\n"); i >= 0; i = log.indexOf("\n", i + 1)) lines++;
  const q = header.config;
  const html = renderViewerHtml({
    title: `rxsim decision log: ${header.strategy}`,
    subtitle: [
      `${file}: ${lines.toLocaleString("en-US")} lines`,
      `${q.pageSize} B pages, ${q.bufferSize} B buffers, ${q.bufqSlots}-slot buffer queue, seed ${header.seed}; options ${JSON.stringify(header.options)}`,
    ],
    log,
  });
  writeOutput("--out", flags.out, html);
  process.stdout.write(`view: ${flags.out} (${header.strategy}, ${lines.toLocaleString("en-US")} lines)\n`);
  return 0;
}
