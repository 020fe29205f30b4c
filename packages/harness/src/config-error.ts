/**
 * A scenario configuration (or a run request) is invalid. The message is one
 * line: the key path, then the problem, so a person can fix the file or the
 * `--set` that caused it.
 */
export class ConfigError extends Error {
  /** Dotted key path of the offending value, e.g. `"traffic.packetSize"`; `""` for the whole config. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(path === "" ? problem : `${path}: ${problem}`);
    this.name = "ConfigError";
    this.path = path;
  }
}
