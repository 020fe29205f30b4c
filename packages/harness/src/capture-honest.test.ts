import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CaptureError, parseCapture } from "./index.js";

// Honest captures: other link types converted to the frame a NIC receives or refused by name,
// impossible original lengths are corruption at their byte offset, timestamps going back are
// counted, and a forward jump beyond the limit is refused instead of stretching the run.

const bytes = new Uint8Array(
  readFileSync(fileURLToPath(new URL("../test-fixtures/http-loopback.pcap", import.meta.url))),
);
const records = (() => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let off = 24; off < bytes.length; off += 16 + view.getUint32(off + 8, true)) out.push(off);
  return out;
})();

/** A copy of the capture, changed by `change` through a little-endian view. */
function edited(change: (v: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  change(new DataView(copy.buffer));
  return copy;
}

function captureError(fn: () => unknown): CaptureError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return e as CaptureError;
  }
  throw new Error("expected a CaptureError, nothing was thrown");
}

const original = parseCapture(bytes, "ok.pcap");

describe("link types", () => {
  it("an Ethernet capture is taken as it is", () => {
    expect(original.linkType).toBe("ETHERNET");
  });

  it.each([
    [101, "RAW (IP)", 14],
    [228, "IPV4", 14],
    [0, "NULL (BSD loopback)", 10],
    [113, "LINUX_SLL", -2],
    [276, "LINUX_SLL2", -6],
  ])("link type %i (%s) becomes Ethernet frames (%i bytes each)", (type, name, delta) => {
    const c = parseCapture(
      edited((v) => v.setUint32(20, type, true)),
      "x.pcap",
    );
    expect(c.linkType).toBe(name);
    expect(Array.from(c.sizes.subarray(0, 4))).toEqual(Array.from(original.sizes.subarray(0, 4), (s) => s + delta));
  });

  it.each([
    [105, "link type 105 (IEEE802_11 (Wi-Fi)) is not Ethernet"],
    [9999, "link type 9999 is not Ethernet"],
  ])("link type %i is refused by name", (type, text) => {
    const e = captureError(() =>
      parseCapture(
        edited((v) => v.setUint32(20, type, true)),
        "w.pcap",
      ),
    );
    expect(e.message).toContain(text);
    expect(e.offset).toBe(20);
  });
});

describe("impossible original lengths are corruption with their byte offset", () => {
  it.each([
    ["below the captured length", (incl: number) => incl - 1, /original length \d+ is below the captured length \d+/],
    ["zero", () => 0, /original length 0 is not from 1 to 262144/],
    ["above 256 KiB", () => 262_145, /original length 262145 is not from 1 to 262144/],
  ])("%s", (_what, orig, message) => {
    const r = records[7];
    const bad = edited((v) => v.setUint32(r + 12, orig(v.getUint32(r + 8, true)), true));
    const e = captureError(() => parseCapture(bad, "o.pcap"));
    expect(e.message).toMatch(message);
    expect(e.offset).toBe(r + 12);
  });
});

describe("timestamps", () => {
  it("going backwards is counted, not hidden", () => {
    expect(original.backwardTimestamps).toBe(0);
    // Records 10 and 20 a second before their predecessors.
    const back = edited((v) => {
      for (const i of [10, 20]) v.setUint32(records[i] + 0, v.getUint32(records[i - 1], true) - 1, true);
    });
    expect(parseCapture(back, "b.pcap").backwardTimestamps).toBe(2);
  });

  it("a forward jump beyond 1 s is refused with the record's offset; maxGapNs allows it", () => {
    const r = records[50];
    const jump = edited((v) => v.setUint32(r, v.getUint32(r, true) + 2_000_000_000, true));
    const e = captureError(() => parseCapture(jump, "j.pcap"));
    expect(e.offset).toBe(r);
    expect(e.message).toMatch(
      /^j\.pcap: packet 51's timestamp jumps 2\.0e\+9 s past the previous one, more than the 1\.0 s allowed: a corrupt timestamp\? \(allow longer pauses with --max-gap SECONDS, or traffic\.maxGapNs\)/,
    );
    const twoSeconds = edited((v) => {
      for (let i = 50; i < records.length; i++) v.setUint32(records[i], v.getUint32(records[i], true) + 2, true);
    });
    expect(() => parseCapture(twoSeconds, "p.pcap")).toThrow(/jumps 2\.0 s/);
    expect(parseCapture(twoSeconds, "p.pcap", { maxGapNs: 3e9 }).packets).toBe(300);
  });
});
