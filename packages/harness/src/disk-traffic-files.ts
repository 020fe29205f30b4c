import { readCapture } from "./capture-file.js";
import { openTraceFile } from "./trace-file.js";
import type { TrafficFiles } from "./traffic-files.js";

/** Captures and traces read from disk (Node): the main entry's default. */
export const DISK_TRAFFIC_FILES: TrafficFiles = { readCapture, openTrace: openTraceFile };
