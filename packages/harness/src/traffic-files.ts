import { type Capture, type CaptureOptions, parseCapture } from "./capture-reader.js";
import { ConfigError } from "./config-error.js";
import type { PacketSource } from "./packet-source.js";
import { TraceSource, traceLinesOf } from "./trace.js";

/**
 * How `{ kind: "capture" }` and `{ kind: "trace" }` traffic reach the
 * simulation. File access is passed in, so the simulation itself imports
 * nothing Node-only: the main entry reads from disk, the browser entry from
 * files held in memory ({@link inMemoryTrafficFiles}).
 */
export interface TrafficFiles {
  /** Read and parse the capture at `path`. @throws CaptureError */
  readCapture(path: string, options?: CaptureOptions): Capture;
  /** Open the trace at `path` as a packet source of at most `limit` arrivals. @throws TraceError */
  openTrace(path: string, limit: number): PacketSource;
}

function noFile(path: string): never {
  throw new ConfigError(
    "traffic.path",
    `cannot read "${path}": no file access here; pass the file's contents with options.files (inMemoryTrafficFiles)`,
  );
}

/** No file access at all: capture and trace traffic fail with a ConfigError naming the path. */
export const NO_TRAFFIC_FILES: TrafficFiles = { readCapture: noFile, openTrace: noFile };

/**
 * Captures and traces held in memory, by the path the scenario names: bytes
 * of a pcap/pcapng file, text of a trace (e.g. files a person picked in a page).
 */
export function inMemoryTrafficFiles(files: Readonly<Record<string, Uint8Array | string>>): TrafficFiles {
  const get = (path: string): Uint8Array | string => (Object.hasOwn(files, path) ? files[path] : noFile(path));
  return {
    readCapture(path, options) {
      const data = get(path);
      return parseCapture(typeof data === "string" ? new TextEncoder().encode(data) : data, path, options);
    },
    openTrace(path, limit) {
      const data = get(path);
      return new TraceSource(
        traceLinesOf(path, typeof data === "string" ? data : new TextDecoder().decode(data)),
        limit,
      );
    },
  };
}
