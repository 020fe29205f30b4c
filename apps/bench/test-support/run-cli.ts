import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { vi } from "vitest";
import { main } from "../src/main.js";

/** The built CLI. */
export const CLI = resolve(import.meta.dirname, "../dist/cli.js");

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `rxsim` in this process (from source), capturing its output. */
export async function runInProcess(args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err.push(String(s));
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/**
 * Run the built `rxsim` as a child process. A child still running after
 * `timeoutMs` is killed (code -1): a hung CLI fails its test instead of
 * hanging the test worker, whose own timeout cannot stop a synchronous spawn.
 */
export function runBuilt(args: string[], cwd?: string, timeoutMs = 300_000, env?: NodeJS.ProcessEnv): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    cwd,
    env: env ? { ...process.env, ...env } : process.env,
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Start the built `rxsim` and kill it with SIGKILL once `until()` holds. `until` may read files
 * the run creates: an exception from it (a file not there yet, or already removed) counts as
 * "not yet", so the timer can never throw outside the test. The timer stops when the child
 * exits; a child still running after `limitMs` is killed and the promise rejects.
 */
export function runBuiltUntilKilled(args: string[], until: () => boolean, limitMs = 120_000): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: "ignore" });
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(limit);
      if (error) reject(error);
      else resolvePromise();
    };
    const holds = () => {
      try {
        return until();
      } catch {
        return false;
      }
    };
    const timer = setInterval(() => {
      if (!done && holds()) {
        clearInterval(timer);
        child.kill("SIGKILL");
      }
    }, 5);
    const limit = setTimeout(() => {
      child.kill("SIGKILL");
      finish(new Error(`rxsim ${args.join(" ")}: the kill condition never held in ${limitMs} ms`));
    }, limitMs);
    child.on("exit", () => finish());
    child.on("error", (error) => finish(error));
  });
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "rxsim-cli-"));
}
