import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { CliError } from "./errors.js";

/** What was found in an existing JSONL results file. */
export interface JsonlScan<T> {
  /** Complete, parsed records. */
  records: T[];
  /** Bytes of the file that hold complete records (a torn tail starts here). */
  goodBytes: number;
  /** True when the last line was torn (no newline, or not valid JSON) and must be redone. */
  tornTail: boolean;
}

/**
 * Read a JSONL file written by `appendRecord`. Every complete line must parse;
 * only the LAST line may be torn (a crash mid-write), and then it is reported,
 * not taken. A bad line in the middle is an error naming the line.
 */
export function scanJsonl<T>(path: string): JsonlScan<T> {
  if (!existsSync(path)) return { records: [], goodBytes: 0, tornTail: false };
  const buf = readFileSync(path);
  const text = buf.toString("utf8");
  const records: T[] = [];
  let pos = 0;
  let line = 0;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    line++;
    if (nl === -1) {
      // No newline: the writer died mid-line.
      return { records, goodBytes: Buffer.byteLength(text.slice(0, pos)), tornTail: true };
    }
    const body = text.slice(pos, nl);
    if (body.trim().length > 0) {
      try {
        records.push(JSON.parse(body) as T);
      } catch {
        if (nl === text.length - 1) {
          return { records, goodBytes: Buffer.byteLength(text.slice(0, pos)), tornTail: true };
        }
        throw new CliError(`${path} line ${line} is not valid JSON; the file is damaged beyond its last line`);
      }
    }
    pos = nl + 1;
  }
  return { records, goodBytes: buf.length, tornTail: false };
}

/** Cut a torn tail off so appends continue from the last complete line. */
export function dropTornTail(path: string, goodBytes: number): void {
  truncateSync(path, goodBytes);
}

/** Appends lines to one file in call order, each flushed to disk before it counts as written. */
export interface LineAppender {
  /** Queue one line (with its newline); the returned promise settles when it is on disk. */
  append(line: string): Promise<void>;
  /** Wait for every queued line; rejects with the first write error. */
  drain(): Promise<void>;
}

/**
 * Append lines off the main thread (libuv's pool writes and fsyncs), in order,
 * so a crash right after a line counts as done loses nothing and the thread
 * that feeds the workers never blocks on the disk.
 */
export function createLineAppender(path: string): LineAppender {
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  return {
    append(line) {
      chain = chain.then(async () => {
        if (failure !== null) return;
        try {
          const fh = await open(path, "a");
          try {
            await fh.write(line);
            await fh.sync();
          } finally {
            await fh.close();
          }
        } catch (error) {
          failure = error;
        }
      });
      return chain;
    },
    async drain() {
      await chain;
      if (failure !== null) throw failure;
    },
  };
}

/**
 * Replace a file's content whole or not at all: write a sibling, flush it to
 * disk, then rename it over the file, so a crash at any moment leaves either
 * the old file or the complete new one, never a part. A symlink is followed
 * (its target is replaced); a target that is not a regular file (a device,
 * a pipe such as `/dev/stdout`) cannot be renamed over and is written directly.
 */
export function writeFileAtomic(path: string, content: string): void {
  let target = path;
  if (existsSync(path)) {
    target = realpathSync(path);
    if (!statSync(target).isFile()) {
      writeFileSync(target, content);
      return;
    }
  }
  const tmp = `${target}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    syncDirectory(dirname(target));
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Flush a directory so a rename in it survives a power loss; some file systems refuse, harmlessly. */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EINVAL/EISDIR on file systems that cannot sync a directory: the rename is still atomic.
  } finally {
    closeSync(fd);
  }
}
