import { createRequire } from "node:module";
import { Command, CommanderError, Option } from "commander";
import { bundledUrl } from "./bundled.js";
import { CliError, ExitCode, oneLine } from "./errors.js";
import { DEFAULT_TIMEOUT_S } from "./watchdog.js";

/** Import the bundle beside a module when it is fresh (see {@link bundledUrl}), else the module. */
function importBundled<T>(bundle: string, module: string, load: () => Promise<T>): Promise<T> {
  const url = bundledUrl(new URL(bundle, import.meta.url), new URL(module, import.meta.url));
  return url ? (import(url.href) as Promise<T>) : load();
}

/**
 * A command's module, loaded when that command runs: loading every command's
 * dependencies (report's charts, view's page…) cost each run about 0.03 CPU-s
 * of start-up before any work, the serial part of a sweep that workers cannot share.
 */
const commands = {
  capacity: () => import("./commands/capacity.js"),
  catalog: () => import("./commands/catalog.js"),
  compare: () => import("./commands/compare.js"),
  perf: () => import("./commands/perf.js"),
  replay: () => import("./commands/replay.js"),
  report: () => import("./commands/report.js"),
  results: () => import("./commands/results.js"),
  sweep: () => importBundled("./commands/sweep.bundle.js", "./commands/sweep.js", () => import("./commands/sweep.js")),
  sweepMerge: () => import("./commands/sweep-merge.js"),
  sweepStatus: () => import("./commands/sweep-status.js"),
  view: () => import("./commands/view.js"),
};

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Errors whose message is meant for the user as is (bad input of some kind). */
const INPUT_ERRORS = new Set(["CliError", "ConfigError", "CaptureError", "TraceError"]);

function scenarioOptions(cmd: Command): Command {
  return cmd
    .option("--config <file>", "run this config (JSON, as printed by `rxsim show`) instead of a catalog scenario")
    .option("--packets <n>", "packets to simulate (warm-up included)")
    .option("--seed <s>", "seed of every random stream")
    .option(
      "--queues <n>",
      "RX queues on one host (host.queues; default 1): RSS spreads the flows, all queues share the page cap",
    )
    .option("--set <key=value>", "override one config key (dotted path); repeatable", collect)
    .addOption(new Option("--checker", "run the invariant checker"))
    .addOption(new Option("--no-checker", "do not run the invariant checker"))
    .option(COST_PROFILE_FLAG, COST_PROFILE_HELP);
}

/** `--threads` on the commands that run one simulation at a time (sweep spreads points over --workers instead). */
function threadsOption(cmd: Command): Command {
  return cmd.option(
    "--threads <n>",
    "threads a multi-queue run without a page cap spreads its queues over (default: every CPU; 1: one thread); results are identical",
  );
}

const COST_PROFILE_FLAG = "--cost-profile <name|file.json>";
const COST_PROFILE_HELP =
  "price each poll's work: none (default), bare-metal, iommu-lazy, iommu-strict, or a JSON profile (docs/cost-model.md)";

/** Build the `rxsim` program; `run` receives each command's exit code. */
export function buildProgram(run: (code: Promise<number> | number) => void): Command {
  const program = new Command("rxsim")
    .description("Simulate NIC RX buffer recycling strategies side by side on identical traffic.")
    .version(version)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    // Options after a subcommand belong to it: `sweep merge --out F` is merge's --out, not sweep's.
    .enablePositionalOptions();

  threadsOption(
    scenarioOptions(
      program
        .command("compare [scenario]")
        .description("run strategies side by side on a scenario (default: default) and print a table")
        .option("--strategies <list>", "comma-separated names, files or packages", "naive,dqo")
        .option("--json <file>", "write the results (schema: docs/results-schema.md)")
        .option("--csv <file>", "write one row per strategy")
        .option("--record <file>", "record the run's inputs as a trace (replay with `rxsim replay`)")
        .option("--decision-log <file>", "write the decision log of a one-strategy run")
        .option(
          "--timeout <seconds>",
          "stop a run that takes longer (a strategy that never returns)",
          String(DEFAULT_TIMEOUT_S),
        ),
    ),
  ).action((scenario, flags) => run(commands.compare().then((m) => m.compareCommand(scenario, flags))));

  program
    .command("scenarios")
    .description("list the scenario catalog")
    .action(() => run(commands.catalog().then((m) => m.scenariosCommand())));
  program
    .command("show <scenario>")
    .description("print a scenario's full config as JSON (edit it and pass it back with --config)")
    .action((name) => run(commands.catalog().then((m) => m.showCommand(name))));
  program
    .command("strategies")
    .description("list the built-in strategies")
    .action(() => run(commands.catalog().then((m) => m.strategiesCommand())));

  const sweep = scenarioOptions(
    program
      .command("sweep [scenario]")
      .description("run the cartesian product of --vary values in a worker pool, one JSONL line per point")
      .option("--vary <key=v1,v2,…>", "a config key and its values; repeatable", collect)
      .option("--strategies <list>", "comma-separated names, files or packages", "naive,dqo")
      .option("--workers <n>", "worker threads (default: all cores)")
      // Required, but checked by the command: a required option here would be demanded of `sweep merge` too.
      .option("--out <file.jsonl>", "results file (required); each finished point is appended as it finishes")
      .option("--shard <i/n>", "run only shard i of n (points whose index ≡ i-1 mod n); one shard per --out")
      .option("--resume", "skip the points already in --out and redo a torn last line")
      .option(
        "--timeout <seconds>",
        "stop a point that takes longer (a strategy that never returns)",
        String(DEFAULT_TIMEOUT_S),
      ),
  ).action((scenario, flags) => run(commands.sweep().then((m) => m.sweepCommand(scenario, flags))));
  sweep
    .command("merge <shard.jsonl...>")
    .description("join shard files into the whole sweep, byte-identical to a one-machine run")
    .requiredOption("--out <file.jsonl>", "the merged sweep")
    .action((files, flags) => run(commands.sweepMerge().then((m) => m.sweepMergeCommand(files, flags))));
  sweep
    .command("status <file.jsonl...>")
    .description("points done and missing per shard file and per sweep")
    .action((files) => run(commands.sweepStatus().then((m) => m.sweepStatusCommand(files))));

  program
    .command("report <file>")
    .description("write a self-contained HTML report of a compare --json file or a sweep .jsonl file")
    .option("--out <file.html>", "the report", "report.html")
    .action((file, flags) => run(commands.report().then((m) => m.reportCommand(file, flags))));

  program
    .command("view <file>")
    .description("write a self-contained HTML page stepping through a decision log (or a trace run through --strategy)")
    .option("--out <file.html>", "the page", "view.html")
    .option("--strategy <name>", "for a trace: the built-in strategy to run it through")
    .action((file, flags) => run(commands.view().then((m) => m.viewCommand(file, flags))));

  program
    .command("results")
    .description("every strategy on every catalog scenario, as Markdown (docs/results.md)")
    .option("--out <file.md>", "the Markdown file", "docs/results.md")
    .option("--packets <n>", "packets per scenario (default: each scenario's own)")
    .option("--strategies <list>", "comma-separated names, files or packages (default: every built-in)")
    .option(COST_PROFILE_FLAG, COST_PROFILE_HELP)
    .option(
      "--timeout <seconds>",
      "stop when one scenario's comparison (or one capacity search) takes longer (a strategy that never returns)",
      String(DEFAULT_TIMEOUT_S),
    )
    .action((flags) => run(commands.results().then((m) => m.resultsCommand(flags))));

  threadsOption(
    scenarioOptions(
      program
        .command("capacity [scenario]")
        .description("highest arrival rate each strategy sustains on one NAPI core with few drops (bisection)")
        .option("--strategies <list>", "comma-separated names, files or packages", "naive,dqo")
        .option("--max-drop <fraction>", "drops allowed, as a fraction of arriving packets", "0.001")
        .option("--json <file>", "write results[{strategy, capacityPps, capacityGbps}]"),
    ),
  ).action((scenario, flags) => run(commands.capacity().then((m) => m.capacityCommand(scenario, flags))));

  program
    .command("perf")
    .description(
      "measure simulated packets per second of each strategy on `default`, checker off and on, and of the strategy alone",
    )
    .option("--strategies <list>", "comma-separated names, files or packages", "naive,dqo")
    .option("--packets <n>", "packets per timed run with the checker off", "2000000")
    .option("--checker-packets <n>", "packets per timed run with the checker on", "500000")
    .option("--loop-packets <n>", "packets per timed run of the strategy alone (0: skip)", "10000000")
    .option(
      "--queues <n>",
      "also time a host of n queues, each at the single-queue rate, spread over threads, in one thread and against one queue (0: skip)",
      "0",
    )
    .option("--runs <n>", "timed runs per measurement (min / median / max)", "5")
    .option("--isolate <mode>", "worker: a fresh worker thread per measurement; none: all in this process", "worker")
    .option("--json <file>", "write the figures with machine, Node version, date and load average")
    .option(
      COST_PROFILE_FLAG,
      "price the simulation with this profile (docs/cost-model.md); each run is then paired with the same run unpriced and the table shows the ratio of their speeds",
    )
    .action((flags) => run(commands.perf().then((m) => m.perfCommand(flags))));

  threadsOption(
    scenarioOptions(
      program
        .command("replay <file>")
        .description("run strategies on a recorded trace, or on a pcap/pcapng capture's sizes and timestamps")
        .option("--strategies <list>", "comma-separated names, files or packages", "naive,dqo")
        .option("--scenario <name>", "for captures: the scenario giving everything but the traffic (default: default)")
        .option("--json <file>", "write the results")
        .option("--csv <file>", "write one row per strategy")
        .option("--max-gap <seconds>", "for captures: the longest pause between two packets taken as real (default 1)")
        .option(
          "--timeout <seconds>",
          "stop a run that takes longer (a strategy that never returns)",
          String(DEFAULT_TIMEOUT_S),
        ),
    ),
  ).action((file, flags) => run(commands.replay().then((m) => m.replayCommand(file, flags))));

  return program;
}

/** The `name` of a thrown value, read without trusting it (a Proxy or a throwing getter). */
function errorName(error: unknown): string {
  try {
    const name = (error as { name?: unknown })?.name;
    return typeof name === "string" ? name : "";
  } catch {
    return "";
  }
}

/** Run the command line; resolves to the exit code. Errors become one line on stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  let pending: Promise<number> | number = ExitCode.Ok;
  const program = buildProgram((code) => {
    pending = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    if (argv.length === 0) {
      process.stdout.write(program.helpInformation());
      return ExitCode.Ok;
    }
    return await pending;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return ExitCode.Ok; // --help, --version
      process.stderr.write(`rxsim: ${error.message.replace(/^error: /, "")}\n`);
      return ExitCode.Usage;
    }
    const name = errorName(error);
    if (name === "StrategyFaultError") {
      // The run found a problem: a strategy broke the contract (named with the member and what it did).
      process.stderr.write(`rxsim: ${oneLine(error)}\n`);
      return ExitCode.Problem;
    }
    if (INPUT_ERRORS.has(name) || error instanceof CliError) {
      process.stderr.write(`rxsim: ${oneLine(error)}\n`);
      return error instanceof CliError ? error.exitCode : ExitCode.Usage;
    }
    if ((error as { code?: string })?.code === "EACCES" || (error as { code?: string })?.code === "ENOENT") {
      process.stderr.write(`rxsim: ${oneLine(error)}\n`);
      return ExitCode.Usage;
    }
    process.stderr.write(`rxsim: internal error: ${oneLine(error)} (set RXSIM_DEBUG=1 for the stack)\n`);
    if (process.env.RXSIM_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ""}\n`);
    return ExitCode.Problem;
  }
}
