/** Build frames and classic pcap files for tests (little-endian, microsecond timestamps, Ethernet). */

export interface FrameSpec {
  readonly family: 4 | 6;
  readonly proto: number;
  readonly src: readonly number[];
  readonly dst: readonly number[];
  readonly sport?: number;
  readonly dport?: number;
  /** 802.1Q tags (VLAN ids), outermost first. */
  readonly vlans?: readonly number[];
  /** IPv4: set the more-fragments bit. IPv6: add a fragment header. */
  readonly fragment?: boolean;
  /** Payload bytes after the layer-4 header. */
  readonly payload?: number;
}

const be16 = (v: number) => [v >> 8, v & 0xff];

/** An Ethernet frame carrying an IPv4 or IPv6 packet with a TCP (20-byte) or UDP (8-byte) header. */
export function ipFrame(s: FrameSpec): number[] {
  const l4 = s.proto === 6 ? 20 : s.proto === 17 ? 8 : 0;
  const l4hdr = new Array(l4).fill(0);
  if (l4 >= 4) l4hdr.splice(0, 4, ...be16(s.sport ?? 0), ...be16(s.dport ?? 0));
  const body = [...l4hdr, ...new Array(s.payload ?? 10).fill(0xab)];
  let ip: number[];
  if (s.family === 4) {
    const flags = s.fragment ? 0x2000 : 0x4000;
    ip = [0x45, 0, ...be16(20 + body.length), 0, 1, ...be16(flags), 64, s.proto, 0, 0, ...s.src, ...s.dst];
  } else if (s.fragment) {
    const frag = [s.proto, 0, 0, 1, 0, 0, 0, 7];
    ip = [0x60, 0, 0, 0, ...be16(8 + body.length), 44, 64, ...s.src, ...s.dst, ...frag];
  } else {
    ip = [0x60, 0, 0, 0, ...be16(body.length), s.proto, 64, ...s.src, ...s.dst];
  }
  const tags = (s.vlans ?? []).flatMap((id) => [0x81, 0x00, ...be16(id)]);
  const etherType = s.family === 4 ? [0x08, 0x00] : [0x86, 0xdd];
  return [...new Array(12).fill(2), ...tags, ...etherType, ...ip, ...body];
}

/** An ARP request (not IP). */
export function arpFrame(): number[] {
  return [...new Array(12).fill(0xff), 0x08, 0x06, ...new Array(28).fill(0)];
}

/** A classic pcap of `frames`, one every `gapUs` µs. */
export function pcapOf(frames: readonly (readonly number[])[], gapUs = 10): Uint8Array {
  const out: number[] = [];
  const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  out.push(...u32(0xa1b2c3d4), 2, 0, 4, 0, ...u32(0), ...u32(0), ...u32(65535), ...u32(1));
  frames.forEach((f, i) => {
    const us = i * gapUs;
    out.push(...u32(Math.floor(us / 1e6)), ...u32(us % 1e6), ...u32(f.length), ...u32(f.length), ...f);
  });
  return Uint8Array.from(out);
}
