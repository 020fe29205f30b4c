import { closeSync, existsSync, openSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CliError, oneLine } from "./errors.js";
import { writeFileAtomic } from "./jsonl-store.js";

/** Why an open for writing failed, in words. */
function reason(error: unknown): string {
  switch ((error as { code?: string }).code) {
    case "EACCES":
      return "permission denied";
    case "EPERM":
      return "operation not permitted";
    case "EROFS":
      return "read-only file system";
    default:
      return (error as Error).message.split("\n")[0];
  }
}

/**
 * Check before a run that `path` can be written, so a long run never fails at
 * its end for want of a directory or permission. It opens the file for
 * writing (without truncating it, and removing it again if it did not exist):
 * `access()` says yes to root even where a write then fails (sysfs, a
 * read-only mount, an immutable file).
 */
export function assertWritable(flag: string, path: string): void {
  const full = resolve(path);
  const dir = dirname(full);
  const fail = (why: string) => new CliError(`cannot write ${flag} ${path}: ${why}`);
  if (!existsSync(dir)) throw fail(`directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw fail(`${dir} is not a directory`);
  if (existsSync(full)) {
    if (statSync(full).isDirectory()) throw fail("it is a directory");
    try {
      closeSync(openSync(full, "r+"));
    } catch (error) {
      throw fail(reason(error));
    }
    return;
  }
  try {
    closeSync(openSync(full, "wx"));
  } catch (error) {
    throw fail(`directory ${dir} is not writable (${reason(error)})`);
  }
  rmSync(full, { force: true });
}

/**
 * Write `content` to the file given with `flag`, whole or not at all (a
 * sibling file renamed over it); a failure is one line naming the flag.
 */
export function writeOutput(flag: string, path: string, content: string): void {
  try {
    writeFileAtomic(path, content);
  } catch (error) {
    throw new CliError(`cannot write ${flag} ${path}: ${oneLine(error)}`);
  }
}
