import { type LinkType, linkTypeFor } from "./capture-link.js";
import { FlowSet } from "./flow-set.js";
import { frameFlow } from "./frame-tuple.js";

/**
 * A capture file cannot be read: it is not pcap/pcapng, it is cut short, or a
 * header is impossible. The message is one line naming the file, the problem
 * and the byte offset where it was found.
 */
export class CaptureError extends Error {
  /** The file (or the name given to {@link parseCapture}). */
  readonly file: string;
  /** Byte offset of the problem. */
  readonly offset: number;

  constructor(file: string, offset: number, problem: string) {
    super(`${file}: ${problem} (byte offset ${offset})`);
    this.name = "CaptureError";
    this.file = file;
    this.offset = offset;
  }
}

/** Packet sizes and times read from a capture. */
export interface Capture {
  /** The container format. */
  readonly format: "pcap" | "pcapng";
  /** Number of packets. */
  readonly packets: number;
  /**
   * Each packet as the NIC receives it, bytes: the original length on the link
   * (tshark's `frame.len`), converted to an Ethernet frame for other link types.
   */
  readonly sizes: Uint32Array;
  /** Bytes of each packet stored in the file (`frame.cap_len`; smaller when the snap length cut it). */
  readonly capturedSizes: Uint32Array;
  /**
   * Each packet's timestamp in ns relative to the first packet (so 0 for the
   * first). A pcapng Simple Packet Block has no timestamp and repeats the
   * previous packet's.
   */
  readonly timestampsNs: Float64Array;
  /** Absolute time of the first packet, ns since the Unix epoch (0n when there is none). */
  readonly startNs: bigint;
  /** The link type's name (`ETHERNET`, or one converted to Ethernet frames). */
  readonly linkType: string;
  /**
   * Packets whose timestamp is earlier than an earlier packet's (interleaved
   * interfaces, a clock stepped back): replayed at the latest time so far.
   */
  readonly backwardTimestamps: number;
  /** Each packet's flow: a number into {@link flowSet} (its 5-tuple as RSS hashes it). */
  readonly flows: Int32Array;
  /** The flows, numbered in order of first appearance; frames that are not IP share one flow of family 0. */
  readonly flowSet: FlowSet;
}

/** Options of {@link parseCapture}. */
export interface CaptureOptions {
  /**
   * Largest forward jump between consecutive timestamps, ns (default 1 s): a
   * longer one is more likely a corrupt timestamp than a pause, and would
   * stretch the run (one bad record made a 30 ms capture last 10^18 ns).
   */
  readonly maxGapNs?: number;
}

/** Default {@link CaptureOptions.maxGapNs}: 1 s. */
export const DEFAULT_MAX_GAP_NS = 1e9;

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;
/** Wireshark's largest standard packet (`WTAP_MAX_PACKET_SIZE_STANDARD`); more means a corrupt length. */
const MAX_CAPTURED = 262144;
const NOT_A_CAPTURE = "not a pcap, pcapng or rxsim trace";

/** Parse capture bytes already in memory. `name` is used in error messages. @throws CaptureError */
export function parseCapture(bytes: Uint8Array, name = "<capture>", options: CaptureOptions = {}): Capture {
  if (bytes.length < 4)
    throw new CaptureError(name, 0, `${NOT_A_CAPTURE}: file is ${bytes.length} bytes, too short for a capture header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cols = new Columns(name, options.maxGapNs ?? DEFAULT_MAX_GAP_NS, bytes);
  const magic = view.getUint32(0, true);
  if (magic === PCAPNG_SHB) return parsePcapng(view, name, cols);
  for (const little of [true, false]) {
    const m = view.getUint32(0, little);
    if (m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS) return parsePcap(view, name, little, m === PCAP_MAGIC_NS, cols);
  }
  throw new CaptureError(
    name,
    0,
    `${NOT_A_CAPTURE}: unknown magic number 0x${view.getUint32(0, false).toString(16).padStart(8, "0")}`,
  );
}

/**
 * Check a record's original length against what was captured, and convert it
 * to the frame a NIC receives.
 * @throws CaptureError at `offset` for a length that cannot be.
 */
function frameSize(name: string, offset: number, orig: number, captured: number, link: LinkType): number {
  if (orig === 0 || orig > MAX_CAPTURED) {
    throw new CaptureError(
      name,
      offset,
      `corrupt packet record: original length ${orig} is not from 1 to ${MAX_CAPTURED}`,
    );
  }
  if (orig < captured) {
    throw new CaptureError(
      name,
      offset,
      `corrupt packet record: original length ${orig} is below the captured length ${captured}`,
    );
  }
  if (orig <= link.headerBytes) {
    throw new CaptureError(
      name,
      offset,
      `corrupt packet record: original length ${orig} leaves nothing after the ${link.name} header of ${link.headerBytes} bytes`,
    );
  }
  return orig - link.headerBytes + link.ethernetBytes;
}

/** The link type's conversion, or a CaptureError at `offset` naming it. */
function link(name: string, offset: number, linkType: number): LinkType {
  const l = linkTypeFor(linkType);
  if (typeof l === "string") throw new CaptureError(name, offset, l);
  return l;
}

/** Growable columns of packet data. */
class Columns {
  sizes = new Uint32Array(1024);
  captured = new Uint32Array(1024);
  times = new Float64Array(1024);
  flows = new Int32Array(1024);
  readonly flowSet = new FlowSet();
  n = 0;
  startNs = 0n;
  linkType = "ETHERNET";
  backward = 0;
  private latestNs = 0;

  constructor(
    private readonly name: string,
    private readonly maxGapNs: number,
    private readonly bytes: Uint8Array,
  ) {}

  /**
   * Append a packet at `relNs` after the first. A timestamp before the latest so far is counted;
   * a jump forward by more than the limit is refused at the record's `offset`.
   */
  push(size: number, captured: number, relNs: number, offset: number, data: number, link: LinkType): void {
    if (this.n > 0) {
      const gap = relNs - this.latestNs;
      if (gap < 0) this.backward++;
      else if (gap > this.maxGapNs) {
        throw new CaptureError(
          this.name,
          offset,
          `packet ${this.n + 1}'s timestamp jumps ${formatNs(gap)} past the previous one, more than the ${formatNs(this.maxGapNs)} allowed: a corrupt timestamp? (allow longer pauses with --max-gap SECONDS, or traffic.maxGapNs)`,
        );
      } else this.latestNs = relNs;
    }
    if (this.n === this.sizes.length) {
      const cap = this.n * 2;
      this.sizes = grow(this.sizes, new Uint32Array(cap));
      this.captured = grow(this.captured, new Uint32Array(cap));
      this.times = grow(this.times, new Float64Array(cap));
      const f = new Int32Array(cap);
      f.set(this.flows);
      this.flows = f;
    }
    this.flows[this.n] = frameFlow(this.flowSet, this.bytes, data, captured, link.name, link.headerBytes);
    this.sizes[this.n] = size;
    this.captured[this.n] = captured;
    this.times[this.n] = relNs;
    this.n++;
  }

  finish(format: "pcap" | "pcapng"): Capture {
    return {
      format,
      packets: this.n,
      sizes: this.sizes.slice(0, this.n),
      capturedSizes: this.captured.slice(0, this.n),
      timestampsNs: this.times.slice(0, this.n),
      startNs: this.startNs,
      linkType: this.linkType,
      backwardTimestamps: this.backward,
      flows: this.flows.slice(0, this.n),
      flowSet: this.flowSet,
    };
  }
}

/** A span of ns in words: `30.0 ms`, `3.2e+9 s`. */
function formatNs(ns: number): string {
  if (ns < 1e6) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(1)} ms`;
  const s = ns / 1e9;
  return s < 1e6 ? `${s.toFixed(1)} s` : `${s.toExponential(1)} s`;
}

function grow<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function parsePcap(view: DataView, name: string, little: boolean, nano: boolean, cols: Columns): Capture {
  const len = view.byteLength;
  if (len < 24) throw new CaptureError(name, 0, `truncated pcap file header: needs 24 bytes, file has ${len}`);
  const major = view.getUint16(4, little);
  if (major !== 2) throw new CaptureError(name, 4, `unsupported pcap version ${major}.${view.getUint16(6, little)}`);
  // The low 16 bits of the link-type field; the upper bits describe an FCS (not part of orig_len's meaning here).
  const linkType = link(name, 20, view.getUint32(20, little) & 0xffff);
  cols.linkType = linkType.name;
  const fracToNs = nano ? 1 : 1000;
  const fracLimit = nano ? 1e9 : 1e6;
  let sec0 = 0;
  let frac0 = 0;
  let off = 24;
  while (off < len) {
    if (len - off < 16) {
      throw new CaptureError(name, off, `truncated pcap record header: needs 16 bytes, ${len - off} remain`);
    }
    const sec = view.getUint32(off, little);
    const frac = view.getUint32(off + 4, little);
    const incl = view.getUint32(off + 8, little);
    const orig = view.getUint32(off + 12, little);
    if (frac >= fracLimit) {
      throw new CaptureError(
        name,
        off + 4,
        `corrupt pcap record: ${nano ? "nanosecond" : "microsecond"} field is ${frac}, must be below ${fracLimit}`,
      );
    }
    if (incl > MAX_CAPTURED) {
      throw new CaptureError(name, off + 8, `corrupt pcap record: captured length ${incl} exceeds ${MAX_CAPTURED}`);
    }
    if (off + 16 + incl > len) {
      throw new CaptureError(
        name,
        off,
        `truncated pcap record: declares ${incl} captured bytes, ${len - off - 16} remain`,
      );
    }
    if (cols.n === 0) {
      sec0 = sec;
      frac0 = frac;
      cols.startNs = BigInt(sec) * 1_000_000_000n + BigInt(frac * fracToNs);
    }
    const size = frameSize(name, off + 12, orig, incl, linkType);
    cols.push(size, incl, (sec - sec0) * 1e9 + (frac - frac0) * fracToNs, off, off + 16, linkType);
    off += 16 + incl;
  }
  return cols.finish("pcap");
}

/** How an interface's timestamp ticks become ns: `ticks * mul / div + offsetNs`. */
interface Interface {
  link: LinkType;
  mul: bigint;
  div: bigint;
  offsetNs: bigint;
  snaplen: number;
}

function parsePcapng(view: DataView, name: string, cols: Columns): Capture {
  const len = view.byteLength;
  let little = true;
  let interfaces: Interface[] = [];
  let lastNs = 0n;
  let off = 0;
  while (off < len) {
    if (len - off < 12) {
      throw new CaptureError(name, off, `truncated pcapng block header: needs 12 bytes, ${len - off} remain`);
    }
    const type = view.getUint32(off, little);
    if (type === PCAPNG_SHB) {
      // Each section states its own byte order.
      const bom = view.getUint32(off + 8, true);
      if (bom === PCAPNG_BYTE_ORDER) little = true;
      else if (bom === 0x4d3c2b1a) little = false;
      else {
        throw new CaptureError(name, off + 8, `corrupt pcapng section header: byte-order magic 0x${bom.toString(16)}`);
      }
      interfaces = [];
    } else if (off === 0) {
      throw new CaptureError(name, 0, `${NOT_A_CAPTURE}: the first pcapng block is not a section header`);
    }
    const blockLen = view.getUint32(off + 4, little);
    if (blockLen < 12 || blockLen % 4 !== 0) {
      throw new CaptureError(
        name,
        off + 4,
        `corrupt pcapng block: total length ${blockLen} is not a multiple of 4 ≥ 12`,
      );
    }
    if (off + blockLen > len) {
      throw new CaptureError(name, off, `truncated pcapng block: declares ${blockLen} bytes, ${len - off} remain`);
    }
    const trailer = view.getUint32(off + blockLen - 4, little);
    if (trailer !== blockLen) {
      throw new CaptureError(
        name,
        off + blockLen - 4,
        `corrupt pcapng block: trailing length ${trailer} differs from leading length ${blockLen}`,
      );
    }
    const body = off + 8;
    const bodyLen = blockLen - 12;
    switch (type) {
      case PCAPNG_SHB: {
        const major = bodyLen >= 6 ? view.getUint16(body + 4, little) : 0;
        if (major !== 1) throw new CaptureError(name, body + 4, `unsupported pcapng version ${major}`);
        break;
      }
      case 1: {
        const iface = readInterface(view, name, body, bodyLen, little);
        interfaces.push(iface);
        if (iface.link.name !== "ETHERNET" || cols.linkType === "ETHERNET") cols.linkType = iface.link.name;
        break;
      }
      case 6:
      case 2: {
        // Enhanced Packet Block (6), or the obsolete Packet Block (2) with a 16-bit interface id.
        if (bodyLen < 20) throw new CaptureError(name, off, `corrupt pcapng packet block: body of ${bodyLen} bytes`);
        const ifId = type === 6 ? view.getUint32(body, little) : view.getUint16(body, little);
        if (ifId >= interfaces.length) {
          throw new CaptureError(
            name,
            body,
            `corrupt pcapng packet block: interface ${ifId}, but ${interfaces.length} described in this section`,
          );
        }
        const captured = view.getUint32(body + 12, little);
        const orig = view.getUint32(body + 16, little);
        if (20 + captured > bodyLen) {
          throw new CaptureError(
            name,
            body + 12,
            `corrupt pcapng packet block: captured length ${captured} exceeds the block's ${bodyLen - 20} data bytes`,
          );
        }
        const iface = interfaces[ifId];
        const ticks = (BigInt(view.getUint32(body + 4, little)) << 32n) | BigInt(view.getUint32(body + 8, little));
        lastNs = (ticks * iface.mul) / iface.div + iface.offsetNs;
        pushPacket(
          cols,
          frameSize(name, body + 16, orig, captured, iface.link),
          captured,
          lastNs,
          off,
          body + 20,
          iface.link,
        );
        break;
      }
      case 3: {
        // Simple Packet Block: no timestamp, interface 0, captured = min(original, snaplen).
        if (interfaces.length === 0) {
          throw new CaptureError(name, off, "corrupt pcapng simple packet block: no interface described before it");
        }
        if (bodyLen < 4)
          throw new CaptureError(name, off, `corrupt pcapng simple packet block: body of ${bodyLen} bytes`);
        const orig = view.getUint32(body, little);
        const snap = interfaces[0].snaplen;
        const captured = snap > 0 ? Math.min(orig, snap) : orig;
        if (4 + captured > bodyLen) {
          throw new CaptureError(name, body, `corrupt pcapng simple packet block: ${captured} bytes do not fit`);
        }
        pushPacket(
          cols,
          frameSize(name, body, orig, captured, interfaces[0].link),
          captured,
          lastNs,
          off,
          body + 4,
          interfaces[0].link,
        );
        break;
      }
      default:
      // Name resolution, statistics, custom and unknown blocks carry no packet sizes: skip.
    }
    off += blockLen;
  }
  return cols.finish("pcapng");
}

function pushPacket(
  cols: Columns,
  size: number,
  captured: number,
  ns: bigint,
  offset: number,
  data: number,
  link: LinkType,
): void {
  if (cols.n === 0) cols.startNs = ns;
  cols.push(size, captured, Number(ns - cols.startNs), offset, data, link);
}

function readInterface(view: DataView, name: string, body: number, bodyLen: number, little: boolean): Interface {
  if (bodyLen < 8) throw new CaptureError(name, body, `corrupt pcapng interface block: body of ${bodyLen} bytes`);
  const iface: Interface = {
    link: link(name, body, view.getUint16(body, little)),
    mul: 1000n,
    div: 1n,
    offsetNs: 0n,
    snaplen: view.getUint32(body + 4, little),
  };
  const end = body + bodyLen;
  let o = body + 8;
  while (o + 4 <= end) {
    const code = view.getUint16(o, little);
    const optLen = view.getUint16(o + 2, little);
    if (code === 0) break;
    if (o + 4 + optLen > end) {
      throw new CaptureError(name, o, `corrupt pcapng interface option ${code}: ${optLen} bytes run past the block`);
    }
    if (code === 9 && optLen >= 1) {
      // if_tsresol: high bit clear = 10^-v s per tick, set = 2^-v.
      const v = view.getUint8(o + 4);
      const exp = v & 0x7f;
      if (v & 0x80) {
        iface.mul = 1_000_000_000n;
        iface.div = 1n << BigInt(exp);
      } else if (exp <= 9) {
        iface.mul = 10n ** BigInt(9 - exp);
        iface.div = 1n;
      } else {
        iface.mul = 1n;
        iface.div = 10n ** BigInt(exp - 9);
      }
    } else if (code === 14 && optLen === 8) {
      // if_tsoffset: seconds added to every timestamp.
      iface.offsetNs = view.getBigInt64(o + 4, little) * 1_000_000_000n;
    }
    o += 4 + ((optLen + 3) & ~3);
  }
  return iface;
}
