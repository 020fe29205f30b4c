import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CliError } from "./errors.js";

/**
 * Check before a run that `path` can be written, so a long run never fails at
 * its end for want of a directory or permission.
 */
export function assertWritable(flag: string, path: string): void {
  const full = resolve(path);
  const dir = dirname(full);
  if (!existsSync(dir)) throw new CliError(`cannot write ${flag} ${path}: directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new CliError(`cannot write ${flag} ${path}: ${dir} is not a directory`);
  if (existsSync(full)) {
    if (statSync(full).isDirectory()) throw new CliError(`cannot write ${flag} ${path}: it is a directory`);
    try {
      accessSync(full, constants.W_OK);
    } catch {
      throw new CliError(`cannot write ${flag} ${path}: permission denied`);
    }
    return;
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new CliError(`cannot write ${flag} ${path}: directory ${dir} is not writable`);
  }
}
