// Capture files on disk (Node): the edge where capture-reader.ts's parser meets node:fs.
import { readFileSync } from "node:fs";
import { type Capture, CaptureError, type CaptureOptions, parseCapture } from "./capture-reader.js";

/** Read a pcap (micro- or nanosecond, either byte order) or pcapng file. @throws CaptureError */
export function readCapture(path: string, options: CaptureOptions = {}): Capture {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CaptureError(path, 0, `cannot read the file: ${(e as Error).message.split("\n")[0]}`);
  }
  return parseCapture(bytes, path, options);
}
