import { readFileSync } from "node:fs";
import { type ComparisonResult, RESULT_SCHEMA_VERSION } from "@rxsim/harness";
import { CliError } from "../errors.js";
import { scanJsonl } from "../jsonl-store.js";
import { assertWritable, checkOutputPaths, writeOutput } from "../output-paths.js";
import { renderHtmlReport } from "../report/render-html.js";
import { runReport } from "../report/run-report.js";
import { sweepReport } from "../report/sweep-report.js";
import type { ReportSpec } from "../report/types.js";
import { isSweepRecord, type SweepRecord } from "../sweep-record.js";

/** Flags of `rxsim report`. */
export interface ReportFlags {
  out: string;
}

function readRunJson(path: string): ComparisonResult {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") throw new CliError(`cannot read ${path}: no such file`);
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const v = value as Partial<ComparisonResult>;
  if (v?.tool !== "rxsim" || !Array.isArray(v.results)) {
    throw new CliError(`${path} is not an rxsim results file (written by rxsim compare --json)`);
  }
  if (v.schemaVersion !== RESULT_SCHEMA_VERSION) {
    throw new CliError(
      `${path} has results schema version ${v.schemaVersion}; this rxsim reads ${RESULT_SCHEMA_VERSION}`,
    );
  }
  return v as ComparisonResult;
}

/** `rxsim report FILE.json|FILE.jsonl --out report.html`. */
export function reportCommand(file: string, flags: ReportFlags): number {
  checkOutputPaths([["--out", flags.out]], [["the report's input", file]]);
  assertWritable("--out", flags.out);
  let spec: ReportSpec;
  if (file.endsWith(".jsonl")) {
    const scan = scanJsonl<unknown>(file);
    if (scan.tornTail) throw new CliError(`${file}: the last line is cut off (run the sweep again with --resume)`);
    if (scan.records.length === 0 && !scan.tornTail) {
      try {
        readFileSync(file);
      } catch {
        throw new CliError(`cannot read ${file}: no such file`);
      }
    }
    for (const r of scan.records)
      if (!isSweepRecord(r)) throw new CliError(`${file} holds a line that is not an rxsim sweep point`);
    spec = sweepReport(scan.records as SweepRecord[], file);
  } else {
    spec = runReport(readRunJson(file));
  }
  writeOutput("--out", flags.out, renderHtmlReport(spec));
  const charts = spec.groups.reduce((n, g) => n + g.charts.length, 0);
  process.stdout.write(`report: ${flags.out} (${charts} charts, ${spec.tables.length} table(s))\n`);
  return 0;
}
