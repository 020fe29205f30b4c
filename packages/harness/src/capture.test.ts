import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type Capture, CaptureError, parseCapture, readCapture, runStrategy, validateScenarioConfig } from "./index.js";
import { pagePerBuffer } from "./test-strategies.test-util.js";

const fixture = (name: string) => fileURLToPath(new URL(`../test-fixtures/${name}`, import.meta.url));
const PCAP = fixture("http-loopback.pcap");
const PCAP_NS = fixture("http-loopback-nsec.pcap");
const PCAPNG = fixture("http-loopback.pcapng");

/** The CaptureError thrown by `fn`. */
function captureError(fn: () => unknown): CaptureError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    expect((e as Error).message).not.toContain("\n");
    return e as CaptureError;
  }
  throw new Error("expected a CaptureError, nothing was thrown");
}

const sum = (a: Uint32Array) => a.reduce((x, y) => x + y, 0);

// Expected values are what tshark reports for the committed captures (see test-fixtures/README.md):
//   tshark -r FILE -T fields -e frame.len | wc -l          (count)
//   tshark -r FILE -T fields -e frame.len | head -8         (first sizes)
//   tshark -r FILE -T fields -e frame.number -e frame.time_relative
describe("real captures made with tshark on loopback", () => {
  it("pcap (microseconds): 300 packets, tshark's sizes and times", () => {
    const c = readCapture(PCAP);
    expect(c.format).toBe("pcap");
    expect(c.packets).toBe(300);
    expect(Array.from(c.sizes.subarray(0, 8))).toEqual([74, 74, 66, 184, 66, 172, 66, 66]);
    expect(sum(c.sizes)).toBe(46697);
    expect(Math.max(...c.sizes)).toBe(1247);
    expect(Array.from(c.capturedSizes)).toEqual(Array.from(c.sizes));
    expect(c.timestampsNs[0]).toBe(0);
    expect(c.timestampsNs[1]).toBe(27_000);
    expect(c.timestampsNs[99]).toBe(29_573_000);
    expect(c.timestampsNs[299]).toBe(46_551_000);
    expect(c.startNs).toBe(1795620564080556000n);
  });

  it("pcap (nanoseconds, written by editcap -F nsecpcap): the same packets", () => {
    const us = readCapture(PCAP);
    const ns = readCapture(PCAP_NS);
    expect(ns.packets).toBe(300);
    expect(ns.sizes).toEqual(us.sizes);
    expect(ns.timestampsNs).toEqual(us.timestampsNs);
    expect(ns.startNs).toBe(us.startNs);
  });

  it("pcapng (if_tsresol 9): 250 packets, tshark's sizes and times", () => {
    const c = readCapture(PCAPNG);
    expect(c.format).toBe("pcapng");
    expect(c.packets).toBe(250);
    expect(Array.from(c.sizes.subarray(0, 8))).toEqual([74, 74, 66, 184, 66, 172, 66, 66]);
    expect(sum(c.sizes)).toBe(36734);
    expect(Math.max(...c.sizes)).toBe(1061);
    expect(c.timestampsNs[1]).toBe(18_938);
    expect(c.timestampsNs[99]).toBe(21_560_033);
    expect(c.timestampsNs[249]).toBe(36_984_041);
    expect(c.startNs).toBe(1795620570563678246n);
  });

  it("a run replays a capture with its exact packet count and bytes", () => {
    const config = validateScenarioConfig({ packets: 1_000_000, traffic: { kind: "capture", path: PCAPNG } });
    const r = runStrategy(config, pagePerBuffer());
    expect(r.metrics.packetsArrived).toBe(250);
    expect(r.metrics.bytesArrived).toBe(36734);
    expect(r.metrics.packetsDelivered).toBe(250);
    // The last packet arrives 36.98 ms after the first; the run ends with the poll after it (≤ 20 µs coalescing).
    expect(r.metrics.durationNs).toBeGreaterThan(36_984_041);
    expect(r.metrics.durationNs).toBeLessThanOrEqual(36_984_041 + 20_000);
  });

  it("loop: the capture starts over until `packets` arrived; timeScale stretches time", () => {
    const loop = validateScenarioConfig({ packets: 700, traffic: { kind: "capture", path: PCAP, loop: true } });
    const r = runStrategy(loop, pagePerBuffer());
    expect(r.metrics.packetsArrived).toBe(700);
    expect(r.metrics.bytesArrived).toBe(2 * 46697 + sum(readCapture(PCAP).sizes.subarray(0, 100)));
    const slow = runStrategy(
      validateScenarioConfig({ packets: 1000, traffic: { kind: "capture", path: PCAP, timeScale: 2 } }),
      pagePerBuffer(),
    );
    expect(slow.metrics.durationNs).toBeGreaterThan(2 * 46_551_000);
    expect(slow.metrics.durationNs).toBeLessThanOrEqual(2 * 46_551_000 + 20_000);
  });
});

/** Record start offsets of a classic pcap. */
function pcapRecords(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let off = 24; off < bytes.length; off += 16 + view.getUint32(off + 8, true)) out.push(off);
  return out;
}

describe("classic pcap", () => {
  const bytes = new Uint8Array(readFileSync(PCAP));

  it("reads the big-endian byte order", () => {
    // Swap every header field of the file: the global header and each record header.
    const be = bytes.slice();
    const v = new DataView(be.buffer);
    const swap32 = (o: number) => v.setUint32(o, v.getUint32(o, true), false);
    const swap16 = (o: number) => v.setUint16(o, v.getUint16(o, true), false);
    swap32(0);
    swap16(4);
    swap16(6);
    for (const o of [8, 12, 16, 20]) swap32(o);
    for (const r of pcapRecords(bytes)) for (const o of [0, 4, 8, 12]) swap32(r + o);
    const a = parseCapture(bytes, "le.pcap");
    const b = parseCapture(be, "be.pcap");
    expect(b.packets).toBe(300);
    expect(b.sizes).toEqual(a.sizes);
    expect(b.timestampsNs).toEqual(a.timestampsNs);
  });

  it("a file cut inside a record names the record's offset", () => {
    const records = pcapRecords(bytes);
    for (const cut of [1000, 20_000, bytes.length - 1]) {
      const k = records.filter((r) => r <= cut).pop() as number;
      const e = captureError(() => parseCapture(bytes.subarray(0, cut), "cut.pcap"));
      expect(e.offset).toBe(k);
      expect(e.file).toBe("cut.pcap");
      expect(e.message).toMatch(
        cut - k < 16
          ? /^cut\.pcap: truncated pcap record header: needs 16 bytes, \d+ remain \(byte offset \d+\)$/
          : /^cut\.pcap: truncated pcap record: declares \d+ captured bytes, \d+ remain \(byte offset \d+\)$/,
      );
    }
    // Cut exactly at a record boundary, the file is a complete shorter capture (tshark agrees).
    expect(parseCapture(bytes.subarray(0, records[10]), "x").packets).toBe(10);
  });

  it("a file cut inside the file header, an empty file and a missing file", () => {
    expect(captureError(() => parseCapture(bytes.subarray(0, 10), "h.pcap")).message).toBe(
      "h.pcap: truncated pcap file header: needs 24 bytes, file has 10 (byte offset 0)",
    );
    expect(captureError(() => parseCapture(new Uint8Array(0), "e.pcap")).message).toMatch(/too short/);
    expect(captureError(() => readCapture("/nonexistent/x.pcap")).message).toMatch(
      /^\/nonexistent\/x\.pcap: cannot read the file: ENOENT/,
    );
  });

  it("corrupt headers: unknown magic, impossible lengths and fractions", () => {
    const junk = bytes.slice();
    junk.set([1, 2, 3, 4], 0);
    expect(captureError(() => parseCapture(junk, "j")).message).toBe(
      "j: not a pcap, pcapng or rxsim trace: unknown magic number 0x01020304 (byte offset 0)",
    );
    const records = pcapRecords(bytes);
    const big = bytes.slice();
    new DataView(big.buffer).setUint32(records[3] + 8, 0x7fffffff, true);
    const e = captureError(() => parseCapture(big, "big"));
    expect(e.offset).toBe(records[3] + 8);
    expect(e.message).toMatch(/captured length 2147483647 exceeds 262144/);
    const frac = bytes.slice();
    new DataView(frac.buffer).setUint32(records[5] + 4, 1_000_000, true);
    expect(captureError(() => parseCapture(frac, "f")).message).toMatch(
      /microsecond field is 1000000, must be below 1000000 \(byte offset \d+\)/,
    );
    const version = bytes.slice();
    new DataView(version.buffer).setUint16(4, 3, true);
    expect(captureError(() => parseCapture(version, "v")).message).toMatch(/unsupported pcap version 3/);
  });
});

/** Builds pcapng files block by block, in either byte order. */
class PcapngBuilder {
  private readonly parts: Uint8Array[] = [];
  constructor(private readonly little = true) {}

  block(type: number, body: Uint8Array): this {
    const len = 12 + body.length + ((4 - (body.length % 4)) % 4);
    const b = new Uint8Array(len);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, this.little);
    v.setUint32(4, len, this.little);
    b.set(body, 8);
    v.setUint32(len - 4, len, this.little);
    this.parts.push(b);
    return this;
  }

  fields(spec: [number, number][], tail: Uint8Array = new Uint8Array(0)): Uint8Array {
    const size = spec.reduce((a, [w]) => a + w, 0);
    const b = new Uint8Array(size + tail.length);
    const v = new DataView(b.buffer);
    let o = 0;
    for (const [w, value] of spec) {
      if (w === 1) v.setUint8(o, value);
      else if (w === 2) v.setUint16(o, value, this.little);
      else v.setUint32(o, value, this.little);
      o += w;
    }
    b.set(tail, o);
    return b;
  }

  shb(): this {
    return this.block(
      0x0a0d0d0a,
      this.fields([
        [4, 0x1a2b3c4d],
        [2, 1],
        [2, 0],
        [4, 0xffffffff],
        [4, 0xffffffff],
      ]),
    );
  }

  idb(tsresol: number | null, snaplen = 0): this {
    const opts =
      tsresol === null
        ? []
        : ([
            [2, 9],
            [2, 1],
            [1, tsresol],
            [1, 0],
            [1, 0],
            [1, 0],
          ] as [number, number][]);
    return this.block(1, this.fields([[2, 1], [2, 0], [4, snaplen], ...opts, [2, 0], [2, 0]]));
  }

  epb(ifId: number, ticks: number, captured: number, orig: number): this {
    const data = new Uint8Array(captured + ((4 - (captured % 4)) % 4));
    const hi = Math.floor(ticks / 2 ** 32);
    return this.block(
      6,
      this.fields(
        [
          [4, ifId],
          [4, hi],
          [4, ticks - hi * 2 ** 32],
          [4, captured],
          [4, orig],
        ],
        data,
      ),
    );
  }

  spb(orig: number, captured: number): this {
    return this.block(3, this.fields([[4, orig]], new Uint8Array(captured + ((4 - (captured % 4)) % 4))));
  }

  bytes(): Uint8Array {
    const total = this.parts.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

describe("pcapng", () => {
  function sample(little: boolean): Capture {
    const b = new PcapngBuilder(little)
      .shb()
      .idb(null) // default resolution: microseconds
      .idb(0x80 | 20) // 2^-20 s per tick
      .block(4, new Uint8Array(8)) // name resolution: skipped
      .epb(0, 1_000_000, 60, 60) // 1 s
      .block(0x0bad, new Uint8Array(12)) // unknown: skipped
      .epb(1, 2 ** 21, 100, 1500) // 2 s, snapped at 100 bytes
      .spb(64, 64) // no timestamp: repeats the previous
      .block(
        2,
        new PcapngBuilder(little).fields(
          [
            [2, 0],
            [2, 0],
            [4, 0],
            [4, 3_000_000],
            [4, 4],
            [4, 4],
          ],
          new Uint8Array(4),
        ),
      );
    return parseCapture(b.bytes(), little ? "le.pcapng" : "be.pcapng");
  }

  it.each([true, false])(
    "reads EPB, SPB and the obsolete PB with per-interface resolution (little endian: %s)",
    (le) => {
      const c = sample(le);
      expect(c.format).toBe("pcapng");
      expect(c.packets).toBe(4);
      expect(Array.from(c.sizes)).toEqual([60, 1500, 64, 4]);
      expect(Array.from(c.capturedSizes)).toEqual([60, 100, 64, 4]);
      expect(Array.from(c.timestampsNs)).toEqual([0, 1e9, 1e9, 2e9]);
      expect(c.startNs).toBe(1_000_000_000n);
    },
  );

  it("a new section resets the interfaces", () => {
    const bytes = new PcapngBuilder().shb().idb(9).epb(0, 5, 10, 10).shb().epb(0, 6, 10, 10).bytes();
    const e = captureError(() => parseCapture(bytes, "s.pcapng"));
    expect(e.message).toMatch(/interface 0, but 0 described in this section/);
  });

  it("truncated and corrupt blocks name the offset", () => {
    const good = new PcapngBuilder().shb().idb(6).epb(0, 5, 10, 10).epb(0, 6, 10, 10).bytes();
    const shbLen = 28;
    const idbLen = 32; // 16 bytes of fields, if_tsresol (8) and the end-of-options marker (4)
    const epbStart = shbLen + idbLen;
    expect(parseCapture(good, "g").packets).toBe(2);

    const cut = captureError(() => parseCapture(good.subarray(0, epbStart + 20), "t.pcapng"));
    expect(cut.message).toBe(
      `t.pcapng: truncated pcapng block: declares 44 bytes, 20 remain (byte offset ${epbStart})`,
    );
    const cutHeader = captureError(() => parseCapture(good.subarray(0, epbStart + 5), "t.pcapng"));
    expect(cutHeader.message).toMatch(/truncated pcapng block header: needs 12 bytes, 5 remain/);

    const odd = good.slice();
    new DataView(odd.buffer).setUint32(epbStart + 4, 45, true);
    expect(captureError(() => parseCapture(odd, "o")).offset).toBe(epbStart + 4);

    const trailer = good.slice();
    new DataView(trailer.buffer).setUint32(epbStart + 40, 48, true);
    expect(captureError(() => parseCapture(trailer, "r")).message).toMatch(
      /trailing length 48 differs from leading length 44/,
    );

    const iface = good.slice();
    new DataView(iface.buffer).setUint32(epbStart + 8, 3, true);
    expect(captureError(() => parseCapture(iface, "i")).message).toMatch(/interface 3, but 1 described/);

    const caplen = good.slice();
    new DataView(caplen.buffer).setUint32(epbStart + 20, 500, true);
    expect(captureError(() => parseCapture(caplen, "c")).message).toMatch(/captured length 500 exceeds/);

    const bom = good.slice();
    new DataView(bom.buffer).setUint32(8, 0x12345678, true);
    expect(captureError(() => parseCapture(bom, "b")).message).toMatch(/byte-order magic 0x12345678 \(byte offset 8\)/);
  });
});
