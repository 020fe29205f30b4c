import { closeSync, existsSync, openSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CliError } from "./errors.js";
import { writeFailure } from "./file-line-sink.js";
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
    throw new CliError(`cannot write ${flag} ${path}: ${writeFailure(error)}`);
  }
}

/** A flag and the path given with it (undefined: not given). */
export type PathFlag = readonly [flag: string, path: string | undefined];

/** What identifies a file: its device and inode when it exists (hard links, symlinks), else its full path. */
function identity(path: string): { key: string; regular: boolean } {
  const full = resolve(path);
  if (!existsSync(full)) return { key: full, regular: true };
  const st = statSync(realpathSync(full));
  return { key: `${st.dev}:${st.ino}`, regular: st.isFile() };
}

/**
 * Refuse, before a run, outputs that would lose data or mean nothing: an
 * empty path, two outputs on one file (the second would overwrite the first),
 * and an output that is an input of the same command (`report x --out x`).
 * Non-regular files (`/dev/null`) may be named more than once.
 * @throws CliError naming both flags.
 */
export function checkOutputPaths(outputs: readonly PathFlag[], inputs: readonly PathFlag[] = []): void {
  const seen = new Map<string, string>();
  for (const [flag, path] of inputs) {
    if (path === undefined || path === "") continue;
    const id = identity(path);
    if (id.regular) seen.set(id.key, `input:${flag}`);
  }
  for (const [flag, path] of outputs) {
    if (path === undefined) continue;
    if (path.trim() === "") throw new CliError(`${flag} needs a file name, got an empty path`);
    const id = identity(path);
    if (!id.regular) continue;
    const earlier = seen.get(id.key);
    if (earlier !== undefined) {
      throw new CliError(
        earlier.startsWith("input:")
          ? `${flag} ${path} is also this command's input (${earlier.slice(6)}): writing it would destroy it; choose another file`
          : `${flag} and ${earlier} both name ${path}: one would overwrite the other; give each output its own file`,
      );
    }
    seen.set(id.key, flag);
  }
}
