import { describe, expect, it } from "vitest";
import { DEFAULT_RSS_KEY, toeplitzHash } from "./toeplitz.js";

// Microsoft's "Verifying the RSS Hash Calculation" suite (also the Intel 82599
// datasheet, 7.1.2.8.3, and DPDK's test_thash.c). The hash input is source
// address, destination address, then (with ports) source port, destination port.
const V4: [string, number, string, number, number, number][] = [
  ["66.9.149.187", 2794, "161.142.100.80", 1766, 0x323e8fc2, 0x51ccc178],
  ["199.92.111.2", 14230, "65.69.140.83", 4739, 0xd718262a, 0xc626b0ea],
  ["24.19.198.95", 12898, "12.22.207.184", 38024, 0xd2d0a5de, 0x5c2b394a],
  ["38.27.205.30", 48228, "209.142.163.6", 2217, 0x82989176, 0xafc7327f],
  ["153.39.163.191", 44251, "202.188.127.2", 1303, 0x5d1809c5, 0x10e828a2],
];

const V6: [string, number, string, number, number, number][] = [
  ["3ffe:2501:200:1fff::7", 2794, "3ffe:2501:200:3::1", 1766, 0x2cc18cd5, 0x40207d3d],
  ["3ffe:501:8::260:97ff:fe40:efab", 14230, "ff02::1", 4739, 0x0f0c461c, 0xdde51bbf],
  ["3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251, "fe80::200:f8ff:fe21:67cf", 38024, 0x4b61e985, 0x02d1feef],
];

function v4(addr: string): number[] {
  return addr.split(".").map(Number);
}

function v6(addr: string): number[] {
  const [head, tail] = addr.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t].map((g) => Number.parseInt(g, 16));
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

function port(p: number): number[] {
  return [p >> 8, p & 0xff];
}

describe("Toeplitz hash: the published RSS verification vectors", () => {
  it.each(V4)("IPv4 %s:%d → %s:%d", (src, sport, dst, dport, l3, l4) => {
    expect(toeplitzHash(DEFAULT_RSS_KEY, [...v4(src), ...v4(dst)])).toBe(l3);
    expect(toeplitzHash(DEFAULT_RSS_KEY, [...v4(src), ...v4(dst), ...port(sport), ...port(dport)])).toBe(l4);
  });

  it.each(V6)("IPv6 %s:%d → %s:%d", (src, sport, dst, dport, l3, l4) => {
    expect(toeplitzHash(DEFAULT_RSS_KEY, [...v6(src), ...v6(dst)])).toBe(l3);
    expect(toeplitzHash(DEFAULT_RSS_KEY, [...v6(src), ...v6(dst), ...port(sport), ...port(dport)])).toBe(l4);
  });

  it("refuses input the key is too short for", () => {
    expect(() => toeplitzHash(DEFAULT_RSS_KEY, new Uint8Array(37))).toThrow(RangeError);
  });

  it("the key matters: one flipped key bit inside the window changes the hash", () => {
    const key = DEFAULT_RSS_KEY.map((b, i) => (i === 1 ? b ^ 0x80 : b));
    expect(toeplitzHash(key, [...v4("66.9.149.187"), ...v4("161.142.100.80")])).not.toBe(0x323e8fc2);
  });
});
