/** Exit codes of the rxsim command line. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** The run found a problem: checker violations. */
  Problem: 1,
  /** A usage or input error. */
  Usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT, as a shell reports it). */
  Interrupted: 130,
} as const;

/**
 * An error the user can fix: a bad flag, config, trace, capture or module.
 * Printed as one line (`rxsim: <message>`) with exit code 2, never a stack trace.
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = ExitCode.Usage) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** Reduce any thrown value to one line for stderr. */
export function oneLine(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? String(error.message) : String(error);
  } catch {
    // A Proxy, a throwing getter or toString: still one line, never a second exception.
    text = "a thrown value that cannot be printed";
  }
  return text.replace(/\s*\n\s*/g, " ").trim();
}
