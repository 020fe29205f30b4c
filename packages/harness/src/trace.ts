import type { PacketSource } from "./packet-source.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { parseTraceArrival, parseTraceEnd } from "./trace-arrival.js";
import { validateScenarioConfig } from "./validate-config.js";

/** Version of the trace file format. A reader refuses any other. */
export const TRACE_FORMAT_VERSION = 1;

/**
 * First line of a trace: the format version and the complete configuration
 * of the run that recorded it (seed, queue, failure schedule, stack…).
 */
export interface TraceHeader {
  /** Format version ({@link TRACE_FORMAT_VERSION}). */
  readonly rxsimTrace: number;
  /** Always `"rxsim"`. */
  readonly tool: "rxsim";
  /** The recording run's configuration. */
  readonly config: ScenarioConfig;
}

/** Where a recorded trace goes, one line at a time (no trailing newline). */
export interface TraceSink {
  /** Append one line. */
  line(text: string): void;
}

/** A trace file being written; lines are buffered and written in chunks as the run makes them. */
export interface TraceWriter extends TraceSink {
  /** The file. */
  readonly path: string;
  /** Lines written so far. */
  readonly lines: number;
  /** Write what is buffered and close the file. Call it once the run returned. */
  close(): void;
}

/** A trace file is not a readable rxsim trace. One line: file, line number, problem. */
export class TraceError extends Error {
  /** The trace file. */
  readonly file: string;
  /** 1-based line number of the problem (0 for the file as a whole). */
  readonly lineNumber: number;

  constructor(file: string, lineNumber: number, problem: string) {
    super(`${file}${lineNumber > 0 ? `:${lineNumber}` : ""}: ${problem}`);
    this.name = "TraceError";
    this.file = file;
    this.lineNumber = lineNumber;
  }
}

/** The header line of a trace for `config`. */
export function formatTraceHeader(config: ScenarioConfig): string {
  const header: TraceHeader = { rxsimTrace: TRACE_FORMAT_VERSION, tool: "rxsim", config };
  return JSON.stringify(header);
}

/** One arrival line: `[timeNs,size,flags,holdNs]` (numbers print exactly and parse back to the same double). */
export function formatTraceArrival(timeNs: number, size: number, flags: number, holdNs: number): string {
  return `[${timeNs},${size},${flags},${holdNs}]`;
}

/** The last line: how many arrivals the trace holds, so a cut-off file is detected. */
export function formatTraceEnd(arrivals: number): string {
  return `{"end":${arrivals}}`;
}

/**
 * A trace's lines, one at a time: from a file (`trace-file.ts`, Node) or from
 * a string in memory ({@link traceLinesOf}, any JavaScript runtime).
 */
export interface TraceLines {
  /** The file (or name) used in error messages. */
  readonly path: string;
  /** 1-based number of the line last returned. */
  readonly lineNumber: number;
  /** The next line, or null at the end. */
  next(): string | null;
  /** Release the file, if any. */
  close(): void;
}

/** The lines of a trace held in a string (e.g. a file picked in a browser). */
export function traceLinesOf(path: string, text: string): TraceLines {
  const lines = text.split("\n");
  // A final newline ends the last line; it does not start an empty one.
  if (lines[lines.length - 1] === "") lines.pop();
  let at = 0;
  return {
    path,
    get lineNumber() {
      return at;
    },
    next: () => (at < lines.length ? lines[at++] : null),
    close() {},
  };
}

/** Read and check the header line of a trace (its first line). @throws TraceError */
export function parseHeader(reader: TraceLines): TraceHeader {
  const path = reader.path;
  const first = reader.next();
  if (first === null) throw new TraceError(path, 1, "empty file: not an rxsim trace");
  let parsed: unknown;
  try {
    parsed = JSON.parse(first);
  } catch {
    throw new TraceError(path, 1, "not an rxsim trace: the first line is not a JSON header");
  }
  const h = parsed as Partial<TraceHeader> | null;
  if (typeof h !== "object" || h === null || !("rxsimTrace" in h)) {
    throw new TraceError(path, 1, "not an rxsim trace: the header has no rxsimTrace version");
  }
  if (h.rxsimTrace !== TRACE_FORMAT_VERSION) {
    throw new TraceError(
      path,
      1,
      `unsupported trace version ${JSON.stringify(h.rxsimTrace)}: this rxsim reads version ${TRACE_FORMAT_VERSION}`,
    );
  }
  let config: ScenarioConfig;
  try {
    config = validateScenarioConfig(h.config);
  } catch (e) {
    throw new TraceError(path, 1, `the header's config is invalid: ${(e as Error).message}`);
  }
  return { rxsimTrace: TRACE_FORMAT_VERSION, tool: "rxsim", config };
}

/** A trace read in full: the header and the number of arrivals, after checking every line. */
export interface TraceSummary {
  readonly header: TraceHeader;
  /** Arrivals in the trace. */
  readonly arrivals: number;
}

/**
 * Replays a trace's arrivals as a {@link PacketSource}: times, sizes, flags
 * and holds exactly as recorded, streamed from the file.
 */
export class TraceSource implements PacketSource {
  timeNs = 0;
  size = 0;
  flags = 0;
  holdNs = 0;
  readonly total: number;
  readonly allImmediate = false;
  readonly header: TraceHeader;
  /** Arrivals read so far. */
  arrivals = 0;
  private readonly reader: TraceLines;
  private done = false;

  /** @param limit - stop after this many arrivals (the run's `packets`). */
  constructor(lines: TraceLines, limit: number) {
    this.reader = lines;
    try {
      this.header = parseHeader(this.reader);
    } catch (e) {
      this.reader.close();
      throw e;
    }
    this.total = Math.min(limit, this.header.config.packets);
  }

  next(): boolean {
    if (this.done) return false;
    const reader = this.reader;
    const path = reader.path;
    const atLimit = this.arrivals >= this.total;
    if (atLimit && this.total < this.header.config.packets) {
      // The run asked for fewer packets than were recorded: stop here.
      this.done = true;
      return false;
    }
    const line = reader.next();
    if (line === null) {
      this.done = true;
      throw new TraceError(path, reader.lineNumber, `truncated trace: no end line after ${this.arrivals} arrivals`);
    }
    if (line.startsWith("{") || atLimit) {
      const end = parseTraceEnd(line);
      if (end === null) {
        throw new TraceError(
          path,
          reader.lineNumber,
          `corrupt trace: expected the end line {"end":${this.arrivals}}, got ${JSON.stringify(line.slice(0, 60))}`,
        );
      }
      if (end !== this.arrivals) {
        throw new TraceError(
          path,
          reader.lineNumber,
          `corrupt trace: end line says ${end} arrivals, ${this.arrivals} were read`,
        );
      }
      const after = reader.next();
      if (after !== null) {
        throw new TraceError(path, reader.lineNumber, "corrupt trace: a line after the end line");
      }
      this.done = true;
      return false;
    }
    const problem = parseTraceArrival(line, this.arrivals === 0 ? 0 : this.timeNs, this);
    if (problem !== null) {
      throw new TraceError(path, reader.lineNumber, `corrupt arrival ${JSON.stringify(line.slice(0, 60))}: ${problem}`);
    }
    this.arrivals++;
    return true;
  }

  close(): void {
    this.reader.close();
  }
}
