import { readFileSync } from "node:fs";
import { type ComparisonResult, RESULT_SCHEMA_VERSION } from "@rxsim/harness";
import { CliError } from "../errors.js";
import { type ChartSpec, type ReportSpec, renderHtmlReport, type TableSpec } from "../html-report.js";
import { scanJsonl } from "../jsonl-store.js";
import { formatNumber, METRIC_ROWS } from "../metric-rows.js";
import { assertWritable, checkOutputPaths, writeOutput } from "../output-paths.js";
import { isSweepRecord, type SweepRecord } from "../sweep-record.js";

/** Flags of `rxsim report`. */
export interface ReportFlags {
  out: string;
}

const MIB = 1024 * 1024;

/** Metrics plotted against a swept parameter. */
const SWEEP_METRICS: { title: string; get(r: SweepRecord["results"][number]): number | null }[] = [
  { title: "page allocations per 1,000 packets", get: (r) => r.metrics.per1000Packets.pageAllocs },
  { title: "atomic reference ops per delivered packet", get: (r) => r.metrics.perDeliveredPacket.atomicOps },
  { title: "peak resident MiB", get: (r) => r.metrics.peakResidentBytes / MIB },
  { title: "packets dropped (no buffer)", get: (r) => r.metrics.packetsDropped },
];

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

/** Charts and tables for a single comparison: time series per strategy. */
export function runReport(result: ComparisonResult): ReportSpec {
  const first = result.results[0].timeSeries;
  const x = first.tNs.map((t) => t / 1e6);
  const align = (values: number[]) => x.map((_, i) => (i < values.length ? values[i] : null));
  const chart = (
    title: string,
    yLabel: string,
    pick: (r: ComparisonResult["results"][number]) => number[],
  ): ChartSpec => ({
    title,
    xLabel: "simulated time (ms)",
    yLabel,
    x,
    series: result.results.map((r) => ({ name: r.strategy, values: align(pick(r)) })),
  });
  const table: TableSpec = {
    title: "Metrics (measured part of the run)",
    header: ["metric", ...result.results.map((r) => r.strategy)],
    rows: METRIC_ROWS.map((row) => [
      row.label,
      ...result.results.map((r) => formatNumber(row.get(r.metrics), row.digits)),
    ]),
  };
  return {
    title: `rxsim: ${result.scenario}`,
    subtitle: [
      result.config.description,
      `seed ${result.seed}, ${result.config.packets.toLocaleString("en-US")} packets, ${result.config.queue.pageSize} B pages, ${result.config.queue.bufferSize} B buffers`,
    ],
    charts: [
      chart("Resident pages", "pages", (r) => r.timeSeries.residentPages),
      chart("Posted buffers", "buffers", (r) => r.timeSeries.postedBuffers),
      chart("Page allocations per second", "allocs/s", (r) => r.timeSeries.allocsPerSec),
      chart("Drops per second (no buffer)", "drops/s", (r) => r.timeSeries.dropsPerSec),
    ],
    tables: [table],
  };
}

/** Charts and tables for a sweep: each metric against each swept parameter, one line per strategy. */
export function sweepReport(records: SweepRecord[], source: string): ReportSpec {
  if (records.length === 0) throw new CliError(`${source} holds no sweep points`);
  const keys = Object.keys(records[0].params);
  const strategies = records[0].results.map((r) => r.strategy);
  const charts: ChartSpec[] = [];
  for (const key of keys) {
    const values = [...new Set(records.map((r) => r.params[key]))];
    const numeric = values.every((v) => Number.isFinite(Number(v)));
    if (numeric) values.sort((a, b) => Number(a) - Number(b));
    const x = values.map((v, i) => (numeric ? Number(v) : i));
    const others = keys.filter((k) => k !== key);
    // One line per strategy and per combination of the other swept values.
    const combos = [...new Set(records.map((r) => others.map((k) => `${k}=${r.params[k]}`).join(", ")))];
    for (const metric of SWEEP_METRICS) {
      const series: ChartSpec["series"] = [];
      for (const s of strategies) {
        for (const combo of combos) {
          const vals = values.map((v) => {
            const rec = records.find(
              (r) => r.params[key] === v && others.map((k) => `${k}=${r.params[k]}`).join(", ") === combo,
            );
            const res = rec?.results.find((q) => q.strategy === s);
            return res ? metric.get(res) : null;
          });
          series.push({ name: combo ? `${s} (${combo})` : s, values: vals });
        }
      }
      charts.push({
        title: `${metric.title} vs ${key}${numeric ? "" : ` (${values.map((v, i) => `${i}=${v}`).join(", ")})`}`,
        xLabel: key,
        yLabel: metric.title,
        x,
        series,
      });
    }
  }
  const table: TableSpec = {
    title: "Every point",
    header: [...keys, "strategy", ...METRIC_ROWS.map((r) => r.label)],
    rows: records.flatMap((rec) =>
      rec.results.map((res) => [
        ...keys.map((k) => rec.params[k]),
        res.strategy,
        ...METRIC_ROWS.map((row) => formatNumber(row.get(res.metrics), row.digits)),
      ]),
    ),
  };
  return {
    title: `rxsim sweep: ${records[0].scenario}`,
    subtitle: [
      `${records.length} points of ${records[0].total}, swept: ${keys.join(", ")}, strategies: ${strategies.join(", ")}`,
    ],
    charts,
    tables: [table],
  };
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
  process.stdout.write(`report: ${flags.out} (${spec.charts.length} charts, ${spec.tables.length} table(s))\n`);
  return 0;
}
