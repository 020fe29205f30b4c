import { type FlowSet, IPPROTO_TCP, IPPROTO_UDP } from "./flow-set.js";

const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
/** 802.1Q, 802.1ad (QinQ outer) and the old QinQ tag type: each adds 4 bytes before the real EtherType. */
const VLAN_TYPES = new Set([0x8100, 0x88a8, 0x9100]);
/** IPv6 extension headers walked to reach TCP/UDP: hop-by-hop, routing, destination options. */
const IPV6_EXT = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;

/**
 * The flow of one captured frame, interned in `flows`: its addresses,
 * protocol and ports as a NIC's RSS parser finds them. Ethernet frames may be
 * VLAN-tagged (one or more tags); the other link types rxsim reads put the IP
 * packet right after their header (the Linux cooked headers give its
 * EtherType). A frame that is not IPv4 or IPv6 — or too short to read — is the
 * flow of family 0, which every NIC sends to queue 0.
 * @param bytes - the capture file's bytes.
 * @param at - where the frame's captured bytes start; `len` of them are in the file.
 * @param link - the capture's link type name (capture-link.ts), and its header bytes.
 */
export function frameFlow(
  flows: FlowSet,
  bytes: Uint8Array,
  at: number,
  len: number,
  link: string,
  headerBytes: number,
): number {
  const end = at + len;
  let ip = -1;
  let etherType = -1;
  if (link === "ETHERNET") {
    let o = at + 12;
    if (o + 2 > end) return nonIp(flows);
    etherType = be16(bytes, o);
    while (VLAN_TYPES.has(etherType) && o + 6 <= end) {
      o += 4;
      etherType = be16(bytes, o);
    }
    ip = o + 2;
  } else if (link === "LINUX_SLL") {
    if (at + 16 > end) return nonIp(flows);
    etherType = be16(bytes, at + 14);
    ip = at + 16;
  } else if (link === "LINUX_SLL2") {
    if (at + 20 > end) return nonIp(flows);
    etherType = be16(bytes, at);
    ip = at + 20;
  } else {
    ip = at + headerBytes;
    if (ip >= end) return nonIp(flows);
    const version = bytes[ip] >> 4;
    etherType = version === 4 ? ETH_P_IP : version === 6 ? ETH_P_IPV6 : -1;
  }
  if (etherType === ETH_P_IP) return ipv4(flows, bytes, ip, end);
  if (etherType === ETH_P_IPV6) return ipv6(flows, bytes, ip, end);
  return nonIp(flows);
}

function nonIp(flows: FlowSet): number {
  return flows.intern(0, 0, [], 0, 0, false, 0, 0);
}

function ipv4(flows: FlowSet, b: Uint8Array, ip: number, end: number): number {
  if (ip + 20 > end || b[ip] >> 4 !== 4) return nonIp(flows);
  const ihl = (b[ip] & 15) * 4;
  const proto = b[ip + 9];
  // A fragment (more-fragments set, or a non-zero offset) is hashed on its addresses only.
  const fragment = (be16(b, ip + 6) & 0x3fff) !== 0;
  const l4 = ip + ihl;
  const ports = !fragment && (proto === IPPROTO_TCP || proto === IPPROTO_UDP) && ihl >= 20 && l4 + 4 <= end;
  return flows.intern(4, proto, b, ip + 12, ip + 16, ports, ports ? be16(b, l4) : 0, ports ? be16(b, l4 + 2) : 0);
}

function ipv6(flows: FlowSet, b: Uint8Array, ip: number, end: number): number {
  if (ip + 40 > end || b[ip] >> 4 !== 6) return nonIp(flows);
  let next = b[ip + 6];
  let o = ip + 40;
  let fragment = false;
  while (o + 8 <= end) {
    if (IPV6_EXT.has(next)) {
      const hdrLen = (b[o + 1] + 1) * 8;
      next = b[o];
      o += hdrLen;
    } else if (next === IPV6_FRAGMENT) {
      fragment = true;
      next = b[o];
      o += 8;
    } else break;
  }
  const ports = !fragment && (next === IPPROTO_TCP || next === IPPROTO_UDP) && o + 4 <= end;
  return flows.intern(6, next, b, ip + 8, ip + 24, ports, ports ? be16(b, o) : 0, ports ? be16(b, o + 2) : 0);
}

function be16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}
