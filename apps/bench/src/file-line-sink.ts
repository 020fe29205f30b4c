import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import type { DecisionLogSink } from "@rxsim/core";
import { CliError, oneLine } from "./errors.js";

/**
 * A line sink streaming to an output file, whole or not at all: lines go to a
 * sibling temporary file, renamed over the target by {@link commit}, so an
 * interrupted or failed run leaves the user's previous file untouched. A
 * write failure (a full disk) is remembered, not thrown mid-run (the
 * simulation and the strategy's decision log must not see it), and reported
 * by `commit`. A target that exists and is not a regular file (`/dev/null`,
 * a FIFO) is written directly.
 */
export interface FileLineSink extends DecisionLogSink {
  /** The flag the file was given with (for messages). */
  readonly flag: string;
  /** The file as given. */
  readonly path: string;
  /**
   * Flush, close and rename over the target.
   * @throws CliError (exit 2) naming the flag when a write failed; the target is then untouched.
   */
  commit(): void;
  /** Close and remove the temporary file; the target stays as it was. Never throws. */
  abandon(): void;
}

const FLUSH_AT = 1 << 16;
let serial = 0;

/** The error of a failed write, in words (ENOSPC → "no space left on device"). */
export function writeFailure(error: unknown): string {
  const code = (error as { code?: string })?.code;
  if (code === "ENOSPC") return "no space left on device (ENOSPC)";
  if (code === "EDQUOT") return "disk quota exceeded (EDQUOT)";
  if (code === "EFBIG") return "file too large (EFBIG)";
  return oneLine(error);
}

/** Open a sibling temporary file of `path` (or `path` itself when it is not a regular file). */
export function createFileLineSink(flag: string, path: string): FileLineSink {
  let target = path;
  let direct = false;
  if (existsSync(path)) {
    target = realpathSync(path);
    direct = !statSync(target).isFile();
  }
  const temp = direct ? target : join(dirname(target), `.${basename(target)}.rxsim-${process.pid}-${serial++}.tmp`);
  const fd = openSync(temp, "w");
  let buffer: string[] = [];
  let size = 0;
  let failure: unknown = null;
  let open = true;
  const flush = () => {
    if (buffer.length === 0 || failure !== null) return;
    try {
      writeSync(fd, `${buffer.join("\n")}\n`);
    } catch (error) {
      failure = error;
    }
    buffer = [];
    size = 0;
  };
  const close = () => {
    if (!open) return;
    open = false;
    try {
      closeSync(fd);
    } catch (error) {
      failure ??= error;
    }
  };
  return {
    flag,
    path,
    line(text) {
      if (failure !== null) return;
      buffer.push(text);
      size += text.length + 1;
      if (size >= FLUSH_AT) flush();
    },
    commit() {
      flush();
      if (failure === null && !direct) {
        try {
          fsyncSync(fd);
        } catch (error) {
          failure = error;
        }
      }
      close();
      if (failure === null && !direct) {
        try {
          renameSync(temp, target);
        } catch (error) {
          failure = error;
        }
      }
      if (failure !== null) {
        if (!direct) rmSync(temp, { force: true });
        throw new CliError(
          `cannot write ${flag} ${path}: ${writeFailure(failure)}; ${direct ? "it is incomplete" : "the previous file is untouched"}`,
        );
      }
    },
    abandon() {
      close();
      if (!direct) rmSync(temp, { force: true });
    },
  };
}
