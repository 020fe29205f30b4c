import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCapture } from "./capture-reader.js";
import { IPPROTO_TCP, IPPROTO_UDP } from "./flow-set.js";
import { arpFrame, ipFrame, pcapOf } from "./frames.test-util.js";

const fixture = (name: string) => fileURLToPath(new URL(`../test-fixtures/${name}`, import.meta.url));
const A4 = [10, 0, 0, 1];
const B4 = [192, 0, 2, 1];
const A6 = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1];
const B6 = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 2];

describe("capture frames parsed to their flow (5-tuple as RSS sees it)", () => {
  it("IPv4 and IPv6, TCP and UDP, tagged or not: the same 5-tuple is the same flow", () => {
    const tcp4 = ipFrame({ family: 4, proto: IPPROTO_TCP, src: A4, dst: B4, sport: 40000, dport: 443 });
    const tcp4vlan = ipFrame({ family: 4, proto: IPPROTO_TCP, src: A4, dst: B4, sport: 40000, dport: 443, vlans: [7] });
    const qinq = ipFrame({ family: 4, proto: IPPROTO_TCP, src: A4, dst: B4, sport: 40000, dport: 443, vlans: [1, 2] });
    const udp4 = ipFrame({ family: 4, proto: IPPROTO_UDP, src: A4, dst: B4, sport: 40000, dport: 443 });
    const tcp6 = ipFrame({ family: 6, proto: IPPROTO_TCP, src: A6, dst: B6, sport: 40000, dport: 443 });
    const udp6 = ipFrame({ family: 6, proto: IPPROTO_UDP, src: A6, dst: B6, sport: 5000, dport: 53, vlans: [9] });
    const c = parseCapture(pcapOf([tcp4, udp4, tcp4vlan, tcp6, qinq, udp6, tcp6, arpFrame(), udp4]));
    expect(Array.from(c.flows)).toEqual([0, 1, 0, 2, 0, 3, 2, 4, 1]);
    const s = c.flowSet;
    expect(Array.from(s.family.subarray(0, s.count))).toEqual([4, 4, 6, 6, 0]);
    expect(Array.from(s.proto.subarray(0, s.count))).toEqual([6, 17, 6, 17, 0]);
    expect([s.ports[6], s.ports[7]]).toEqual([5000, 53]);
    expect(Array.from(s.addrs.subarray(0, 4))).toEqual(A4);
    expect(Array.from(s.addrs.subarray(16, 20))).toEqual(B4);
    expect(Array.from(s.addrs.subarray(2 * 32, 2 * 32 + 16))).toEqual(A6);
  });

  it("fragments are hashed on addresses only: no ports, one flow for every fragment", () => {
    const f1 = ipFrame({ family: 4, proto: IPPROTO_UDP, src: A4, dst: B4, sport: 1, dport: 2, fragment: true });
    const f2 = ipFrame({ family: 4, proto: IPPROTO_UDP, src: A4, dst: B4, sport: 9, dport: 9, fragment: true });
    const f6 = ipFrame({ family: 6, proto: IPPROTO_UDP, src: A6, dst: B6, sport: 1, dport: 2, fragment: true });
    const c = parseCapture(pcapOf([f1, f2, f6]));
    expect(Array.from(c.flows)).toEqual([0, 0, 1]);
    expect(c.flowSet.hasPorts[0]).toBe(0);
    expect(c.flowSet.hasPorts[1]).toBe(0);
    expect(c.flowSet.proto[1]).toBe(IPPROTO_UDP);
  });

  it("a frame cut short by the snap length before its ports is hashed on its addresses", () => {
    const full = ipFrame({ family: 4, proto: IPPROTO_TCP, src: A4, dst: B4, sport: 1, dport: 2 });
    const bytes = pcapOf([full.slice(0, 14 + 20 + 2)]);
    const c = parseCapture(bytes);
    expect(c.flowSet.family[0]).toBe(4);
    expect(c.flowSet.hasPorts[0]).toBe(0);
  });

  it("a frame that is not IP is the flow of family 0 (RSS sends it to queue 0)", () => {
    const c = parseCapture(pcapOf([arpFrame(), arpFrame()]));
    expect(Array.from(c.flows)).toEqual([0, 0]);
    expect(c.flowSet.family[0]).toBe(0);
  });

  it("the committed loopback HTTP capture (30 requests, connection: close): 30 connections × 2 directions", () => {
    const c = parseCapture(new Uint8Array(readFileSync(fixture("http-loopback.pcap"))));
    const s = c.flowSet;
    expect(s.count).toBe(60);
    for (let f = 0; f < s.count; f++) {
      expect([s.family[f], s.proto[f], s.hasPorts[f]]).toEqual([4, IPPROTO_TCP, 1]);
      expect([s.ports[2 * f], s.ports[2 * f + 1]]).toContain(18481);
    }
  });
});
