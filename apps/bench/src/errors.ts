/** Exit codes of the rxsim command line. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** The run found a problem: checker violations. */
  Problem: 1,
  /** A usage or input error. */
  Usage: 2,
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
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, " ").trim();
}
