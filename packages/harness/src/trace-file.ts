// Trace files on disk (Node): the edge where trace.ts's format and parsing meet node:fs.
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import {
  parseHeader,
  TraceError,
  type TraceHeader,
  type TraceLines,
  TraceSource,
  type TraceSummary,
  type TraceWriter,
} from "./trace.js";

const FLUSH_AT = 1 << 20;

/** Create (or truncate) a trace file and return a writer for it. */
export function createTraceWriter(path: string): TraceWriter {
  const fd = openSync(path, "w");
  let buffered = "";
  let lines = 0;
  let open = true;
  const flush = () => {
    if (buffered.length > 0) writeSync(fd, buffered);
    buffered = "";
  };
  return {
    path,
    get lines() {
      return lines;
    },
    line(text: string) {
      if (!open) throw new Error(`trace ${path} is closed`);
      buffered += `${text}\n`;
      lines++;
      if (buffered.length >= FLUSH_AT) flush();
    },
    close() {
      if (!open) return;
      open = false;
      flush();
      closeSync(fd);
    },
  };
}

/** Reads a file line by line with a fixed buffer (synchronous, bounded memory). */
/** Longest line a reader takes (a header with a big histogram is a few KiB). */
const MAX_LINE = 1 << 20;

class LineReader implements TraceLines {
  lineNumber = 0;
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private pending = "";
  private lines: string[] = [];
  private at = 0;
  private eof = false;
  private closed = false;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, "r");
    } catch (e) {
      throw new TraceError(path, 0, `cannot open the trace: ${(e as Error).message.split("\n")[0]}`);
    }
  }

  /** The next line, or null at the end of the file. */
  next(): string | null {
    while (this.at === this.lines.length) {
      if (this.eof) return null;
      const n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      if (n === 0) {
        this.eof = true;
        this.lines = this.pending.length > 0 ? [this.pending] : [];
        this.pending = "";
      } else {
        const parts = (this.pending + this.buf.toString("utf8", 0, n)).split("\n");
        this.pending = parts.pop() as string;
        if (this.pending.length > MAX_LINE) {
          throw new TraceError(
            this.path,
            this.lineNumber + parts.length + 1,
            `a line longer than ${MAX_LINE} bytes: not an rxsim trace`,
          );
        }
        this.lines = parts;
      }
      this.at = 0;
    }
    this.lineNumber++;
    return this.lines[this.at++];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Read and check a trace's header line only. @throws TraceError */
export function readTraceHeader(path: string): TraceHeader {
  const reader = new LineReader(path);
  try {
    return parseHeader(reader);
  } finally {
    reader.close();
  }
}

/** Read a whole trace (streaming, bounded memory), checking every line and the end count. @throws TraceError */
export function readTrace(path: string): TraceSummary {
  const source = new TraceSource(new LineReader(path), Number.MAX_SAFE_INTEGER);
  try {
    while (source.next()) {
      // Each line is parsed and checked by next().
    }
    return { header: source.header, arrivals: source.arrivals };
  } finally {
    source.close();
  }
}

/** Open the trace file at `path` as a packet source of at most `limit` arrivals (the run's `packets`). @throws TraceError */
export function openTraceFile(path: string, limit: number): TraceSource {
  return new TraceSource(new LineReader(path), limit);
}
