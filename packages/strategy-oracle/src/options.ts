import { checkQueueDefaultOption, type RxQueueConfig, resolveBufferSizes } from "@rxsim/core";

/**
 * Options of {@link createOracleStrategy}. Every option is optional.
 *
 * The page size is not an option: it is the simulated machine's `PAGE_SIZE`,
 * read from the queue configuration.
 */
export interface OracleOptions {
  /**
   * Bytes per posted buffer, which is also the piece size pages are cut into
   * (`floor(pageSize / bufferSize)` pieces a page). Default: the queue's
   * `bufferSize` (2048).
   */
  bufferSize?: number;
  /** Copybreak threshold in bytes. Default: the queue's `copybreak` (256). */
  copybreak?: number;
}

/** The options after defaults that do not depend on the queue (`"queue"`: taken from the queue configuration). */
export interface ResolvedOracleOptions {
  /** Bytes per posted buffer and piece, or `"queue"`. */
  readonly bufferSize: number | "queue";
  /** Copybreak threshold in bytes, or `"queue"`. */
  readonly copybreak: number | "queue";
}

/** What a strategy instance works with once the queue configuration is known. */
export interface OracleGeometry {
  /** `PAGE_SIZE`. */
  readonly pageSize: number;
  /** Bytes per posted buffer and per piece. */
  readonly bufferSize: number;
  /** Pieces a page is cut into: `floor(pageSize / bufferSize)`. */
  readonly piecesPerPage: number;
  /** Copybreak threshold in bytes. */
  readonly copybreak: number;
}

/** Fill the defaults that do not depend on the queue and validate what can be validated without it. */
export function resolveOracleOptions(options: OracleOptions = {}): ResolvedOracleOptions {
  const bufferSize = options.bufferSize ?? "queue";
  checkQueueDefaultOption("oracle", "bufferSize", bufferSize, 64, 65536);
  const copybreak = options.copybreak ?? "queue";
  checkQueueDefaultOption("oracle", "copybreak", copybreak, 0, 65535);
  return Object.freeze({ bufferSize, copybreak });
}

/** Combine the options with the queue configuration. Throws when the buffer does not fit the page. */
export function oracleGeometry(o: ResolvedOracleOptions, config: RxQueueConfig): OracleGeometry {
  const pageSize = config.pageSize;
  const { bufferSize, copybreak } = resolveBufferSizes("oracle", o, config, 64);
  return {
    pageSize,
    bufferSize,
    piecesPerPage: Math.floor(pageSize / bufferSize),
    copybreak,
  };
}
