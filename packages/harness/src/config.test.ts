import { describe, expect, it } from "vitest";
import {
  applySetOverrides,
  ConfigError,
  getScenario,
  listScenarios,
  type ScenarioConfig,
  scenarios,
  validateScenarioConfig,
} from "./index.js";

/** The ConfigError thrown by `fn`, or a failure. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError, nothing was thrown");
}

const base = scenarios.default;
const withChange = (change: Record<string, unknown>) => ({ ...base, ...change });

describe("validateScenarioConfig", () => {
  it("fills every default from an empty object", () => {
    const c = validateScenarioConfig({});
    expect(c.queue).toEqual({
      pageSize: 4096,
      bufqSlots: 1024,
      complqSlots: 1024,
      bufferSize: 2048,
      copybreak: 256,
      budget: 64,
      doorbellThreshold: 32,
      maxSkbFrags: 17,
      headerBufferSize: 0,
    });
    expect(c.traffic).toMatchObject({ kind: "synthetic", packetSize: 1500, rate: 8_000_000, rateUnit: "pps" });
    expect(c.stack.hold).toBe("immediate");
    expect(c.driver).toMatchObject({ coalesceNs: 20_000, starvationTimer: false, starvationTimerMs: 20 });
    expect(c.memory).toEqual({
      allocFailure: { probability: 0, attempts: [], windows: [] },
      maxPages: null,
      skbAllocFailRate: 0,
    });
    // Validating a complete config changes nothing.
    expect(validateScenarioConfig(c)).toEqual(c);
  });

  it.each([
    [{ packets: "many" }, "packets", /expected an integer ≥ 1, got "many"/],
    [{ packets: 1.5 }, "packets", /integer/],
    [{ warmupPackets: 2_000_000 }, "warmupPackets", /must be smaller than packets/],
    [{ checker: "yes" }, "checker", /expected true or false/],
    [{ colour: "blue" }, "colour", /unknown key/],
    [{ queue: { bufqSlots: 1000 } }, "queue.bufqSlots", /must be a power of two, got 1000/],
    [{ queue: { complqSlots: 3 } }, "queue.complqSlots", /power of two/],
    [{ queue: { pageSize: 8192 } }, "queue.pageSize", /must be one of 4096, 16384, 65536/],
    [{ queue: { bufferSize: 8192 } }, "queue.bufferSize", /larger than the page \(queue.pageSize 4096\)/],
    [{ queue: { ringSize: 1024 } }, "queue.ringSize", /unknown key \(known keys: pageSize/],
    [{ queue: { doorbellThreshold: 2048, bufqSlots: 1024 } }, "queue.doorbellThreshold", /larger than the ring/],
    [{ queue: 5 }, "queue", /expected an object, got 5/],
    [{ traffic: { rate: -1 } }, "traffic.rate", /expected a number > 0, got -1/],
    [{ traffic: { rateUnit: "mbps" } }, "traffic.rateUnit", /expected one of "pps", "gbps"/],
    [{ traffic: { kind: "replay" } }, "traffic.kind", /expected one of "synthetic", "capture", "trace"/],
    [{ traffic: { packetSize: 70000 } }, "traffic.packetSize", /≤ 65536/],
    [{ traffic: { minSize: 500, maxSize: 100 } }, "traffic.maxSize", /must be ≥ traffic.minSize/],
    [{ traffic: { histogram: [] } }, "traffic.histogram", /at least one/],
    [{ traffic: { histogram: [[64, -1]] } }, "traffic.histogram[0][1]", /≥ 0/],
    [{ traffic: { histogram: [[64]] } }, "traffic.histogram[0]", /\[sizeBytes, weight\] pair/],
    [{ traffic: { burstOnNs: 1000 } }, "traffic.burstOffNs", /both burstOnNs and burstOffNs/],
    [{ traffic: { rscProbability: 0.5, rscMaxBytes: 2000 } }, "traffic.rscMaxBytes", /at least two segments/],
    [{ traffic: { kind: "capture" } }, "traffic.path", /is required/],
    [{ traffic: { kind: "capture", path: "x.pcap", packetSize: 64 } }, "traffic.packetSize", /unknown key/],
    [{ stack: { hold: "forever" } }, "stack.hold", /expected one of "immediate"/],
    [{ stack: { holdNs: -5 } }, "stack.holdNs", /≥ 0, got -5/],
    [{ stack: { slowFraction: 2 } }, "stack.slowFraction", /≤ 1/],
    [{ device: { oooWindow: 0 } }, "device.oooWindow", /≥ 1/],
    [{ device: { misbehave: { duplicateRate: 2 } } }, "device.misbehave.duplicateRate", /≤ 1, got 2/],
    [
      { device: { misbehave: { lateRate: 0.1 } } },
      "device.misbehave.lateRate",
      /unknown key \(known keys: outOfRangeRate/,
    ],
    [{ device: { misbehave: true } }, "device.misbehave", /expected an object, got true/],
    [{ driver: { starvationTimer: 1 } }, "driver.starvationTimer", /true or false/],
    [{ driver: { coalesceNs: -1 } }, "driver.coalesceNs", /≥ 0/],
    [{ memory: { maxPages: 0 } }, "memory.maxPages", /≥ 1/],
    [{ memory: { allocFailure: { windows: [[5, 1]] } } }, "memory.allocFailure.windows[0]", /endNs must be after/],
    [{ memory: { allocFailure: { attempts: [0] } } }, "memory.allocFailure.attempts[0]", /≥ 1/],
    [{ memory: { allocFailure: { rate: 0.1 } } }, "memory.allocFailure.rate", /unknown key/],
    [{ timeSeriesMaxPoints: 7 }, "timeSeriesMaxPoints", /must be even/],
    [{ timeSeriesIntervalNs: 0 }, "timeSeriesIntervalNs", /> 0/],
  ])("rejects %j naming %s", (change, path, message) => {
    const e = configError(() => validateScenarioConfig(withChange(change)));
    expect(e.path).toBe(path);
    expect(e.message.startsWith(`${path}: `)).toBe(true);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain("\n");
  });

  it("rejects a non-object config", () => {
    expect(configError(() => validateScenarioConfig(null)).message).toMatch(/expected an object, got null/);
  });
});

describe("a config file with a prototype key", () => {
  it.each([
    ['{"__proto__":{"polluted":1}}', "__proto__"],
    ['{"memory":{"allocFailure":{"constructor":1}}}', "memory.allocFailure.constructor"],
  ])("is refused: %s", (json, path) => {
    const e = configError(() => validateScenarioConfig({ ...base, ...JSON.parse(json) }));
    expect(e.message).toMatch(new RegExp(`^${path.replace(/\./g, "\\.")}: ".*" is not a config key`));
  });
});

describe("applySetOverrides", () => {
  it("sets dotted paths, parsing JSON values and keeping bare words as strings", () => {
    const c = applySetOverrides(base, [
      "traffic.packetSize=9000",
      "queue.pageSize=16384",
      "checker=false",
      "memory.maxPages=null",
      "memory.allocFailure.windows=[[0, 5e6]]",
      "stack.hold=exponential",
      "name=my run",
    ]);
    expect(c.traffic).toMatchObject({ packetSize: 9000 });
    expect(c.queue.pageSize).toBe(16384);
    expect(c.checker).toBe(false);
    expect(c.memory.maxPages).toBeNull();
    expect(c.memory.allocFailure.windows).toEqual([[0, 5e6]]);
    expect(c.stack.hold).toBe("exponential");
    expect(c.name).toBe("my run");
    // The input is untouched (the catalog is frozen anyway).
    expect(base.traffic).toMatchObject({ packetSize: 1500 });
  });

  it("replaces a whole section with a JSON object", () => {
    const c = applySetOverrides(base, ['traffic={"kind":"capture","path":"a.pcap"}']);
    expect(c.traffic).toEqual({ kind: "capture", path: "a.pcap", loop: false, timeScale: 1, maxGapNs: 1e9 });
  });

  it("names the key of an unknown or invalid override", () => {
    expect(configError(() => applySetOverrides(base, ["traffic.packetSise=9000"])).path).toBe("traffic.packetSise");
    expect(configError(() => applySetOverrides(base, ["queue.bufqSlots=1000"])).path).toBe("queue.bufqSlots");
    expect(configError(() => applySetOverrides(base, ["seed.low=1"])).message).toMatch(
      /^seed: is 1, not an object: cannot set seed.low$/,
    );
    expect(configError(() => applySetOverrides(base, ["checker"])).message).toMatch(/is not key.path=value/);
    expect(configError(() => applySetOverrides(base, ["queue..pageSize=4096"])).message).toMatch(/empty key/);
  });

  it.each([
    ["__proto__.polluted=1", "__proto__", "__proto__"],
    ["queue.__proto__.polluted=1", "queue.__proto__", "__proto__"],
    ["traffic.constructor.prototype.polluted=1", "traffic.constructor", "constructor"],
    ["stack.prototype=1", "stack.prototype", "prototype"],
    ['queue={"__proto__":{"polluted":1}}', "queue.__proto__", "__proto__"],
    ['device={"misbehave":{"constructor":{"polluted":1}}}', "device.misbehave.constructor", "constructor"],
  ])("refuses a prototype key at any depth: %s", (set, path, key) => {
    const e = configError(() => applySetOverrides(base, [set]));
    expect(e.message).toBe(`${path}: "${key}" is not a config key (refused: it would reach the object prototype)`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("the scenario catalog", () => {
  it("has the baseline and one scenario for each claim and failure of the primer", () => {
    const names = listScenarios().map((s) => s.name);
    for (const required of [
      "default",
      "pages-16k",
      "pages-64k",
      "imix",
      "jumbo",
      "rsc",
      "long-tail",
      "stuck-reader",
      "alloc-failure-stall",
      "alloc-failure-timer",
    ]) {
      expect(names).toContain(required);
    }
    for (const s of listScenarios()) {
      expect(s.description.length, s.name).toBeGreaterThan(20);
      expect(s.description).not.toContain("\n");
    }
  });

  it("holds complete, valid, frozen plain data", () => {
    for (const [name, s] of Object.entries(scenarios)) {
      expect(s.name).toBe(name);
      expect(validateScenarioConfig(s)).toEqual(s);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      expect(Object.isFrozen(s) && Object.isFrozen(s.queue) && Object.isFrozen(s.traffic)).toBe(true);
    }
  });

  it("default is 4 KiB pages, 2 KiB buffers, 1024-slot rings, 1500-byte packets at 8 Mpps, prompt release", () => {
    const d = getScenario("default");
    expect(d.queue).toMatchObject({ pageSize: 4096, bufferSize: 2048, bufqSlots: 1024, complqSlots: 1024 });
    expect(d.traffic).toMatchObject({ kind: "synthetic", sizeModel: "fixed", packetSize: 1500, rate: 8e6 });
    expect(d.stack.hold).toBe("immediate");
  });

  it("the two allocation-failure scenarios differ only in the starvation timer", () => {
    const stall = getScenario("alloc-failure-stall");
    const timer = getScenario("alloc-failure-timer");
    expect(stall.driver.starvationTimer).toBe(false);
    expect(timer.driver.starvationTimer).toBe(true);
    const strip = (s: ScenarioConfig) => ({
      ...s,
      name: "",
      description: "",
      driver: { ...s.driver, starvationTimer: false },
    });
    expect(strip(stall)).toEqual(strip(timer));
    expect(stall.memory.allocFailure.windows.length).toBe(1);
  });

  it("getScenario lists the known names when the name is unknown", () => {
    const e = configError(() => getScenario("nope"));
    expect(e.message).toMatch(/unknown scenario "nope" \(known: default, pages-16k/);
    expect(() => getScenario("toString")).toThrow(ConfigError);
  });
});
