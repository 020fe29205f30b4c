import vm from "node:vm";
import { CliError, ExitCode } from "./errors.js";

/** Default `--timeout`, seconds: far above any catalog run, short of a forgotten terminal. */
export const DEFAULT_TIMEOUT_S = 3600;
/** The largest timeout a vm watchdog takes (ms, 32-bit). */
const MAX_TIMEOUT_S = Math.floor(0xffffffff / 1000);

/** Parse `--timeout <seconds>`: a number > 0. */
export function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_S;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n <= 0 || n > MAX_TIMEOUT_S) {
    throw new CliError(`--timeout ${JSON.stringify(text)}: expected seconds, a number > 0 and ≤ ${MAX_TIMEOUT_S}`);
  }
  return n;
}

/**
 * Run the synchronous `fn` under a watchdog: after `seconds` V8 stops it
 * wherever it is (the vm module's timeout terminates the isolate's running
 * script, so a strategy stuck in a loop inside `refill` is stopped too, at no
 * cost while it runs). Ctrl-C (SIGINT) stops it the same way (`breakOnSigint`):
 * a synchronous run leaves no turn to a signal handler, so without this the
 * process would die with its temporary files beside the outputs and say nothing.
 * @param running - which strategy was running, asked when the watchdog fires.
 * @throws CliError (exit 1) naming that strategy and the timeout; (exit 130) on Ctrl-C.
 */
export function withWatchdog<T>(seconds: number, running: () => string, fn: () => T): T {
  const context = vm.createContext({ fn });
  try {
    return vm.runInContext("fn()", context, {
      timeout: Math.max(1, Math.round(seconds * 1000)),
      breakOnSigint: true,
    }) as T;
  } catch (error) {
    const code = (error as { code?: string })?.code;
    if (code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
      throw new CliError(`interrupted (Ctrl-C) while strategy ${running()} was running`, ExitCode.Interrupted);
    }
    if (code !== "ERR_SCRIPT_EXECUTION_TIMEOUT") throw error;
    throw new CliError(
      `strategy ${running()} did not finish within --timeout ${seconds} s (a strategy method that never returns?); nothing was written`,
      ExitCode.Problem,
    );
  }
}
