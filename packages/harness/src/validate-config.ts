import {
  builtinCostProfileNames,
  type CostProfile,
  DEFAULT_COST_PROFILE,
  DEFAULT_RX_QUEUE_CONFIG,
  getBuiltinCostProfile,
  parseCostProfile,
  type RxQueueConfig,
  resolveRxQueueConfig,
  SUPPORTED_PAGE_SIZES,
} from "@rxsim/core";
import { DEFAULT_MAX_GAP_NS } from "./capture-reader.js";
import { arr, asObject, bool, checkKeys, checkNumber, join, num, oneOf, type Rec, show, str } from "./config-checks.js";
import { ConfigError } from "./config-error.js";
import {
  type AllocFailureConfig,
  DEFAULT_DEVICE,
  DEFAULT_DRIVER,
  DEFAULT_MEMORY,
  DEFAULT_MISBEHAVE,
  DEFAULT_STACK,
  DEFAULT_SYNTHETIC_TRAFFIC,
  type DeviceConfig,
  type DriverConfig,
  type MemoryConfig,
  type MisbehaveConfig,
  type ScenarioConfig,
  type StackConfig,
  type SyntheticTraffic,
  type TrafficConfig,
} from "./scenario-config.js";
import { checkHostFits, validateHost } from "./validate-host.js";

/** Largest packet or aggregate the harness generates: 64 KiB (an RSC/LRO aggregate's limit). */
export const MAX_PACKET_BYTES = 65536;

/** Defaults of the top-level keys of a {@link ScenarioConfig} when a partial config is validated. */
export const DEFAULT_TOP_LEVEL = {
  name: "custom",
  description: "",
  seed: 1,
  packets: 1_000_000,
  warmupPackets: 0,
  checker: true,
  timeSeriesIntervalNs: 100_000,
  timeSeriesMaxPoints: 2000,
} as const;

const TOP_KEYS = [
  "name",
  "description",
  "seed",
  "packets",
  "warmupPackets",
  "queue",
  "device",
  "traffic",
  "stack",
  "driver",
  "memory",
  "costProfile",
  "checker",
  "timeSeriesIntervalNs",
  "timeSeriesMaxPoints",
  "host",
] as const;

/**
 * Check a scenario configuration and fill in defaults. Accepts a complete
 * config or any part of one (missing keys take the documented defaults) and
 * returns a complete {@link ScenarioConfig}, every section present, as new
 * plain data.
 * @throws ConfigError naming the key path and the problem: a wrong type, an
 *   unknown key, or an impossible value (ring size not a power of two, a
 *   buffer larger than a page, a negative rate…).
 */
export function validateScenarioConfig(value: unknown): ScenarioConfig {
  const o = asObject(value, "");
  checkKeys(o, "", TOP_KEYS);
  const packets = num(o, "packets", "", DEFAULT_TOP_LEVEL.packets, { integer: true, min: 1 });
  const warmupPackets = num(o, "warmupPackets", "", DEFAULT_TOP_LEVEL.warmupPackets, { integer: true, min: 0 });
  if (warmupPackets >= packets) {
    throw new ConfigError("warmupPackets", `must be smaller than packets (${packets}), got ${warmupPackets}`);
  }
  const queue = validateQueue(o.queue === undefined ? {} : asObject(o.queue, "queue"));
  const maxPoints = num(o, "timeSeriesMaxPoints", "", DEFAULT_TOP_LEVEL.timeSeriesMaxPoints, {
    integer: true,
    min: 4,
    max: 100_000,
  });
  if (maxPoints % 2 !== 0) throw new ConfigError("timeSeriesMaxPoints", `must be even, got ${maxPoints}`);
  const config: ScenarioConfig = {
    name: str(o, "name", "", DEFAULT_TOP_LEVEL.name, true),
    description: str(o, "description", "", DEFAULT_TOP_LEVEL.description),
    seed: num(o, "seed", "", DEFAULT_TOP_LEVEL.seed, { integer: true, min: Number.MIN_SAFE_INTEGER }),
    packets,
    warmupPackets,
    queue,
    device: validateDevice(o.device === undefined ? {} : asObject(o.device, "device")),
    traffic: validateTraffic(o.traffic === undefined ? {} : asObject(o.traffic, "traffic")),
    stack: validateStack(o.stack === undefined ? {} : asObject(o.stack, "stack")),
    driver: validateDriver(o.driver === undefined ? {} : asObject(o.driver, "driver")),
    memory: validateMemory(o.memory === undefined ? {} : asObject(o.memory, "memory")),
    costProfile: validateCostProfile(o.costProfile),
    checker: bool(o, "checker", "", DEFAULT_TOP_LEVEL.checker),
    timeSeriesIntervalNs: num(o, "timeSeriesIntervalNs", "", DEFAULT_TOP_LEVEL.timeSeriesIntervalNs, {
      min: 0,
      minExclusive: true,
    }),
    timeSeriesMaxPoints: maxPoints,
    host: validateHost(o.host),
  };
  checkHostFits(config);
  return config;
}

/** A built-in profile's name, or `{ name?, base?, costs }` (core's `parseCostProfile`). */
export function validateCostProfile(value: unknown): CostProfile {
  const v = value === undefined ? DEFAULT_COST_PROFILE : value;
  if (typeof v === "string") {
    const builtin = getBuiltinCostProfile(v);
    if (builtin === undefined) {
      throw new ConfigError(
        "costProfile",
        `unknown profile ${show(v)} (built-in: ${builtinCostProfileNames().join(", ")}; or an object { name, base, costs })`,
      );
    }
    return { name: builtin.name, costs: { ...builtin.costs } };
  }
  try {
    const p = parseCostProfile(v);
    return { name: p.name, costs: { ...p.costs } };
  } catch (e) {
    throw new ConfigError("costProfile", (e as Error).message.replace(/^cost profile: /, ""));
  }
}

function validateQueue(o: Rec): RxQueueConfig {
  const p = "queue";
  const d = DEFAULT_RX_QUEUE_CONFIG;
  checkKeys(o, p, Object.keys(d));
  const pageSize = num(o, "pageSize", p, d.pageSize, { integer: true });
  if (!(SUPPORTED_PAGE_SIZES as readonly number[]).includes(pageSize)) {
    throw new ConfigError(join(p, "pageSize"), `must be one of ${SUPPORTED_PAGE_SIZES.join(", ")}, got ${pageSize}`);
  }
  const bufqSlots = num(o, "bufqSlots", p, d.bufqSlots, { powerOfTwo: true, min: 2, max: 65536 });
  const bufferSize = num(o, "bufferSize", p, d.bufferSize, { integer: true, min: 64 });
  if (bufferSize > pageSize) {
    throw new ConfigError(join(p, "bufferSize"), `${bufferSize} is larger than the page (queue.pageSize ${pageSize})`);
  }
  const doorbellThreshold = num(o, "doorbellThreshold", p, d.doorbellThreshold, {
    powerOfTwo: true,
    min: 1,
    max: 65536,
  });
  if (doorbellThreshold > bufqSlots) {
    throw new ConfigError(
      join(p, "doorbellThreshold"),
      `${doorbellThreshold} is larger than the ring (queue.bufqSlots ${bufqSlots})`,
    );
  }
  const complqSlots = num(o, "complqSlots", p, d.complqSlots, { powerOfTwo: true, min: 2, max: 65536 });
  // The driver rings the doorbell each time its tail crosses a multiple of the threshold
  // (GVE_RX_BUF_THRESH_DQO). A ring holds one slot less than its size posted, and no more than the
  // completion ring has room for: below the threshold the device never sees a buffer.
  const maxPosted = Math.min(bufqSlots - 1, complqSlots);
  if (maxPosted < doorbellThreshold) {
    throw new ConfigError(
      join(p, "doorbellThreshold"),
      `${doorbellThreshold} buffers must be posted before the doorbell rings, but queue.bufqSlots ${bufqSlots} and queue.complqSlots ${complqSlots} allow at most ${maxPosted} posted at once: the device would never see a buffer (lower queue.doorbellThreshold or enlarge the rings)`,
    );
  }
  const c: RxQueueConfig = {
    pageSize,
    bufqSlots,
    complqSlots,
    bufferSize,
    copybreak: num(o, "copybreak", p, d.copybreak, { integer: true, min: 0, max: 65535 }),
    budget: num(o, "budget", p, d.budget, { integer: true, min: 1, max: 65536 }),
    doorbellThreshold,
    maxSkbFrags: num(o, "maxSkbFrags", p, d.maxSkbFrags, { integer: true, min: 1, max: 256 }),
    headerBufferSize: num(o, "headerBufferSize", p, d.headerBufferSize, { integer: true, min: 0, max: 4096 }),
  };
  try {
    // Core has the last word on what a queue accepts.
    return { ...resolveRxQueueConfig(c) };
  } catch (e) {
    throw new ConfigError(p, (e as Error).message);
  }
}

function validateDevice(o: Rec): DeviceConfig {
  const p = "device";
  checkKeys(o, p, Object.keys(DEFAULT_DEVICE));
  return {
    oooWindow: num(o, "oooWindow", p, DEFAULT_DEVICE.oooWindow, { integer: true, min: 1, max: 4096 }),
    rxErrorRate: num(o, "rxErrorRate", p, DEFAULT_DEVICE.rxErrorRate, { min: 0, max: 1 }),
    misbehave: validateMisbehave(
      o.misbehave === undefined ? {} : asObject(o.misbehave, join(p, "misbehave")),
      join(p, "misbehave"),
    ),
  };
}

function validateMisbehave(o: Rec, p: string): MisbehaveConfig {
  const d = DEFAULT_MISBEHAVE;
  checkKeys(o, p, Object.keys(d));
  const rate = (key: keyof MisbehaveConfig) => num(o, key, p, d[key], { min: 0, max: 1 });
  return {
    outOfRangeRate: rate("outOfRangeRate"),
    notAllocatedRate: rate("notAllocatedRate"),
    duplicateRate: rate("duplicateRate"),
  };
}

const SIZE = { integer: true, min: 1, max: MAX_PACKET_BYTES } as const;

function validateTraffic(o: Rec): TrafficConfig {
  const p = "traffic";
  const kind = oneOf(o, "kind", p, "synthetic", ["synthetic", "capture", "trace"] as const);
  if (kind === "capture") {
    checkKeys(o, p, ["kind", "path", "loop", "timeScale", "maxGapNs"]);
    return {
      kind,
      path: str(o, "path", p, "", true),
      loop: bool(o, "loop", p, false),
      timeScale: num(o, "timeScale", p, 1, { min: 0, minExclusive: true }),
      maxGapNs: num(o, "maxGapNs", p, DEFAULT_MAX_GAP_NS, { min: 0, minExclusive: true }),
    };
  }
  if (kind === "trace") {
    checkKeys(o, p, ["kind", "path"]);
    return { kind, path: str(o, "path", p, "", true) };
  }
  const d = DEFAULT_SYNTHETIC_TRAFFIC;
  checkKeys(o, p, Object.keys(d));
  const minSize = num(o, "minSize", p, d.minSize, SIZE);
  const maxSize = num(o, "maxSize", p, d.maxSize, SIZE);
  if (maxSize < minSize)
    throw new ConfigError(join(p, "maxSize"), `must be ≥ traffic.minSize (${minSize}), got ${maxSize}`);
  const rscProbability = num(o, "rscProbability", p, d.rscProbability, { min: 0, max: 1 });
  const rscSegmentBytes = num(o, "rscSegmentBytes", p, d.rscSegmentBytes, SIZE);
  const rscMaxBytes = num(o, "rscMaxBytes", p, d.rscMaxBytes, SIZE);
  if (rscProbability > 0 && rscMaxBytes < 2 * rscSegmentBytes) {
    throw new ConfigError(
      join(p, "rscMaxBytes"),
      `must hold at least two segments (2 × traffic.rscSegmentBytes = ${2 * rscSegmentBytes}), got ${rscMaxBytes}`,
    );
  }
  const burstOnNs = num(o, "burstOnNs", p, d.burstOnNs, { min: 0 });
  const burstOffNs = num(o, "burstOffNs", p, d.burstOffNs, { min: 0 });
  if ((burstOnNs === 0) !== (burstOffNs === 0)) {
    throw new ConfigError(
      join(p, burstOnNs === 0 ? "burstOnNs" : "burstOffNs"),
      `bursts need both burstOnNs and burstOffNs > 0 (both 0: no bursts), got ${burstOnNs} and ${burstOffNs}`,
    );
  }
  const t: SyntheticTraffic = {
    kind,
    sizeModel: oneOf(o, "sizeModel", p, d.sizeModel, ["fixed", "uniform", "imix", "histogram"] as const),
    packetSize: num(o, "packetSize", p, d.packetSize, SIZE),
    minSize,
    maxSize,
    histogram: validateHistogram(arr(o, "histogram", p, d.histogram), join(p, "histogram")),
    rscProbability,
    rscMaxBytes,
    rscSegmentBytes,
    rate: num(o, "rate", p, d.rate, { min: 0, minExclusive: true }),
    rateUnit: oneOf(o, "rateUnit", p, d.rateUnit, ["pps", "gbps"] as const),
    arrival: oneOf(o, "arrival", p, d.arrival, ["constant", "poisson"] as const),
    burstOnNs,
    burstOffNs,
    wireOverheadBytes: num(o, "wireOverheadBytes", p, d.wireOverheadBytes, { integer: true, min: 0, max: 1024 }),
  };
  return t;
}

function validateHistogram(value: readonly unknown[], path: string): [number, number][] {
  if (value.length === 0) throw new ConfigError(path, "must have at least one [sizeBytes, weight] pair");
  let total = 0;
  const out: [number, number][] = [];
  value.forEach((pair, i) => {
    const pp = join(path, i);
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new ConfigError(pp, `expected a [sizeBytes, weight] pair, got ${show(pair)}`);
    }
    const size = checkNumber(pair[0], join(pp, 0), SIZE);
    const weight = checkNumber(pair[1], join(pp, 1), { min: 0 });
    total += weight;
    out.push([size, weight]);
  });
  if (!(total > 0)) throw new ConfigError(path, "weights must add up to more than 0");
  return out;
}

function validateStack(o: Rec): StackConfig {
  const p = "stack";
  const d = DEFAULT_STACK;
  checkKeys(o, p, Object.keys(d));
  return {
    hold: oneOf(o, "hold", p, d.hold, ["immediate", "fixed", "exponential", "lognormal", "batched"] as const),
    holdNs: num(o, "holdNs", p, d.holdNs, { min: 0 }),
    sigma: num(o, "sigma", p, d.sigma, { min: 0, minExclusive: true, max: 10 }),
    batchIntervalNs: num(o, "batchIntervalNs", p, d.batchIntervalNs, { min: 0, minExclusive: true }),
    slowFraction: num(o, "slowFraction", p, d.slowFraction, { min: 0, max: 1 }),
    slowHoldNs: num(o, "slowHoldNs", p, d.slowHoldNs, { min: 0 }),
  };
}

function validateDriver(o: Rec): DriverConfig {
  const p = "driver";
  const d = DEFAULT_DRIVER;
  checkKeys(o, p, Object.keys(d));
  return {
    coalesceNs: num(o, "coalesceNs", p, d.coalesceNs, { min: 0 }),
    pollCostNs: num(o, "pollCostNs", p, d.pollCostNs, { min: 0 }),
    packetCostNs: num(o, "packetCostNs", p, d.packetCostNs, { min: 0 }),
    starvationTimer: bool(o, "starvationTimer", p, d.starvationTimer),
    starvationTimerMs: num(o, "starvationTimerMs", p, d.starvationTimerMs, { min: 0, minExclusive: true }),
    starvationThreshold: num(o, "starvationThreshold", p, d.starvationThreshold, { integer: true, min: 1 }),
  };
}

function validateMemory(o: Rec): MemoryConfig {
  const p = "memory";
  const d = DEFAULT_MEMORY;
  checkKeys(o, p, Object.keys(d));
  const maxPagesValue = o.maxPages;
  const maxPages =
    maxPagesValue === undefined || maxPagesValue === null
      ? null
      : checkNumber(maxPagesValue, join(p, "maxPages"), { integer: true, min: 1 });
  return {
    allocFailure: validateAllocFailure(
      o.allocFailure === undefined ? {} : asObject(o.allocFailure, join(p, "allocFailure")),
      join(p, "allocFailure"),
    ),
    maxPages,
    skbAllocFailRate: num(o, "skbAllocFailRate", p, d.skbAllocFailRate, { min: 0, max: 1 }),
  };
}

function validateAllocFailure(o: Rec, p: string): AllocFailureConfig {
  checkKeys(o, p, ["probability", "attempts", "windows"]);
  const attempts = arr(o, "attempts", p, []).map((a, i) =>
    checkNumber(a, join(join(p, "attempts"), i), { integer: true, min: 1 }),
  );
  const windows = arr(o, "windows", p, []).map((w, i): [number, number] => {
    const wp = join(join(p, "windows"), i);
    if (!Array.isArray(w) || w.length !== 2)
      throw new ConfigError(wp, `expected a [startNs, endNs] pair, got ${show(w)}`);
    const start = checkNumber(w[0], join(wp, 0), { min: 0 });
    const end = checkNumber(w[1], join(wp, 1), { min: 0 });
    if (end <= start) throw new ConfigError(wp, `endNs must be after startNs, got [${start}, ${end}]`);
    return [start, end];
  });
  return { probability: num(o, "probability", p, 0, { min: 0, max: 1 }), attempts, windows };
}
