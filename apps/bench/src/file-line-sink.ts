import { closeSync, openSync, writeSync } from "node:fs";
import type { DecisionLogSink } from "@rxsim/core";

/** A decision-log sink that streams lines to a file, flushing every 64 KiB and on close. */
export interface FileLineSink extends DecisionLogSink {
  /** Flush and close. */
  close(): void;
}

/** Open `path` for writing (truncating it) and return a line sink. */
export function createFileLineSink(path: string): FileLineSink {
  const fd = openSync(path, "w");
  let buffer: string[] = [];
  let size = 0;
  const flush = () => {
    if (buffer.length === 0) return;
    writeSync(fd, `${buffer.join("\n")}\n`);
    buffer = [];
    size = 0;
  };
  return {
    line(text) {
      buffer.push(text);
      size += text.length + 1;
      if (size >= 65536) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}
