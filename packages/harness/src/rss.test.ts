import { describe, expect, it } from "vitest";
import { FlowSet, IPPROTO_TCP, IPPROTO_UDP } from "./flow-set.js";
import { DEFAULT_RSS } from "./host-config.js";
import { indirectionTable, steerFlows } from "./rss.js";

describe("RSS steering: hash, then indirection table", () => {
  it("the default table is 128 entries round-robin over the queues", () => {
    const t = indirectionTable(DEFAULT_RSS, 3);
    expect(t.length).toBe(128);
    expect([...t.slice(0, 7)]).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it("hashes the verification suite's first IPv4 TCP flow to 0x51ccc178 and picks entry hash % 128", () => {
    const flows = new FlowSet();
    // 66.9.149.187:2794 → 161.142.100.80:1766
    flows.intern(4, IPPROTO_TCP, [66, 9, 149, 187, 161, 142, 100, 80], 0, 4, true, 2794, 1766);
    const s = steerFlows(flows, DEFAULT_RSS, 16);
    expect(s.hash[0]).toBe(0x51ccc178);
    expect(s.queue[0]).toBe((0x51ccc178 % 128) % 16);
  });

  it("UDP ports are hashed only when udpPorts is on (else the 2-tuple hash)", () => {
    const flows = new FlowSet();
    flows.intern(4, IPPROTO_UDP, [66, 9, 149, 187, 161, 142, 100, 80], 0, 4, true, 2794, 1766);
    expect(steerFlows(flows, DEFAULT_RSS, 4).hash[0]).toBe(0x51ccc178);
    expect(steerFlows(flows, { ...DEFAULT_RSS, udpPorts: false }, 4).hash[0]).toBe(0x323e8fc2);
  });

  it("a flow that is not IP goes to queue 0, and a configured table is followed", () => {
    const flows = new FlowSet();
    flows.intern(0, 0, [], 0, 0, false, 0, 0);
    flows.intern(4, IPPROTO_TCP, [66, 9, 149, 187, 161, 142, 100, 80], 0, 4, true, 2794, 1766);
    const s = steerFlows(flows, { ...DEFAULT_RSS, indirection: [3, 3] }, 4);
    expect(s.queue[0]).toBe(0);
    expect(s.queue[1]).toBe(3);
  });
});
