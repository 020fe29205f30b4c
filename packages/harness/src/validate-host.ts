import { arr, asObject, bool, checkKeys, checkNumber, join, num, oneOf, type Rec, show } from "./config-checks.js";
import { ConfigError } from "./config-error.js";
import {
  DEFAULT_FLOW_MIX,
  DEFAULT_HOST,
  DEFAULT_RSS,
  type FlowMixConfig,
  type HostConfig,
  type RssConfig,
  rssKeyHex,
  type StuckReadersConfig,
} from "./host-config.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { RSS_KEY_BYTES } from "./toeplitz.js";

/** Most RX queues a host may have (gve allows up to the device's max; 256 is beyond any NIC rxsim models). */
export const MAX_QUEUES = 256;
/** Most CPUs a CPU map may name. */
const MAX_CPUS = 4096;
/** Most synthetic flows. */
const MAX_FLOWS = 1_000_000;

/** Check the `host` section and fill in defaults. */
export function validateHost(value: unknown): HostConfig {
  const p = "host";
  const o = value === undefined ? {} : asObject(value, p);
  checkKeys(o, p, Object.keys(DEFAULT_HOST));
  const queues = num(o, "queues", p, DEFAULT_HOST.queues, { integer: true, min: 1, max: MAX_QUEUES });
  const napiCpus = intList(arr(o, "napiCpus", p, []), join(p, "napiCpus"), 0, MAX_CPUS - 1);
  if (napiCpus.length !== 0 && napiCpus.length !== queues) {
    throw new ConfigError(
      join(p, "napiCpus"),
      `names ${napiCpus.length} CPUs but the host has ${queues} queues (one CPU per queue, or [] for queue q on CPU q)`,
    );
  }
  const flows = validateFlows(o.flows === undefined ? {} : asObject(o.flows, join(p, "flows")), join(p, "flows"));
  const rss = validateRss(o.rss === undefined ? {} : asObject(o.rss, join(p, "rss")), join(p, "rss"), queues);
  let readerCpus: HostConfig["readerCpus"] = DEFAULT_HOST.readerCpus;
  const r = o.readerCpus;
  if (Array.isArray(r)) {
    readerCpus = intList(r, join(p, "readerCpus"), 0, MAX_CPUS - 1);
  } else if (r !== undefined) {
    readerCpus = oneOf<"napi" | "other">(o, "readerCpus", p, "napi", ["napi", "other"]);
  }
  const stuckReaders = validateStuck(
    o.stuckReaders === undefined ? {} : asObject(o.stuckReaders, join(p, "stuckReaders")),
    join(p, "stuckReaders"),
  );
  return { queues, napiCpus, readerCpus, flows, rss, stuckReaders };
}

function intList(values: readonly unknown[], path: string, min: number, max: number): number[] {
  return values.map((v, i) => checkNumber(v, join(path, i), { integer: true, min, max }));
}

function validateFlows(o: Rec, p: string): FlowMixConfig {
  const d = DEFAULT_FLOW_MIX;
  checkKeys(o, p, Object.keys(d));
  const count = num(o, "count", p, d.count, { integer: true, min: 1, max: MAX_FLOWS });
  const shares = oneOf(o, "shares", p, d.shares, ["uniform", "zipf", "elephant", "weights"]);
  const elephants = num(o, "elephants", p, d.elephants, { integer: true, min: 1 });
  if (shares === "elephant" && elephants > count) {
    throw new ConfigError(join(p, "elephants"), `${elephants} elephants but only ${count} flows (${p}.count)`);
  }
  const weights = arr(o, "weights", p, d.weights).map((w, i) =>
    checkNumber(w, join(join(p, "weights"), i), { min: 0 }),
  );
  if (shares === "weights") {
    if (weights.length !== count) {
      throw new ConfigError(join(p, "weights"), `has ${weights.length} entries but there are ${count} flows`);
    }
    if (!(weights.reduce((a, b) => a + b, 0) > 0)) throw new ConfigError(join(p, "weights"), "must not all be 0");
  }
  const ipVersion = num(o, "ipVersion", p, d.ipVersion, { integer: true, min: 4, max: 6 });
  if (ipVersion !== 4 && ipVersion !== 6)
    throw new ConfigError(join(p, "ipVersion"), `expected 4 or 6, got ${ipVersion}`);
  return {
    count,
    shares,
    zipfExponent: num(o, "zipfExponent", p, d.zipfExponent, { min: 0, max: 10 }),
    elephants,
    elephantShare: num(o, "elephantShare", p, d.elephantShare, { min: 0, max: 1 }),
    weights,
    protocol: oneOf(o, "protocol", p, d.protocol, ["tcp", "udp"]),
    ipVersion,
  };
}

function validateRss(o: Rec, p: string, queues: number): RssConfig {
  const d = DEFAULT_RSS;
  checkKeys(o, p, Object.keys(d));
  const key = validateKey(o.key, join(p, "key"));
  const indirection = intList(arr(o, "indirection", p, d.indirection), join(p, "indirection"), 0, MAX_QUEUES - 1);
  indirection.forEach((q, i) => {
    if (q >= queues) {
      throw new ConfigError(
        join(join(p, "indirection"), i),
        `names queue ${q}, but the host has ${queues} queue${queues === 1 ? "" : "s"} (0‥${queues - 1}; set host.queues)`,
      );
    }
  });
  return {
    key,
    indirection,
    indirectionSize: num(o, "indirectionSize", p, d.indirectionSize, { integer: true, min: 1, max: 65536 }),
    udpPorts: bool(o, "udpPorts", p, d.udpPorts),
  };
}

/** 40 bytes, as an array of numbers or as hex (`6d:5a:…`, as `ethtool -x` prints it, or without colons). */
function validateKey(v: unknown, path: string): string {
  if (v === undefined) return DEFAULT_RSS.key;
  let bytes: number[];
  if (typeof v === "string") {
    const hex = v.replace(/:/g, "");
    if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) {
      throw new ConfigError(path, `expected ${RSS_KEY_BYTES} bytes in hex (6d:5a:…), got ${show(v)}`);
    }
    bytes = [];
    for (let i = 0; i < hex.length; i += 2) bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
  } else if (Array.isArray(v)) {
    bytes = v.map((b, i) => checkNumber(b, join(path, i), { integer: true, min: 0, max: 255 }));
  } else {
    throw new ConfigError(path, `expected ${RSS_KEY_BYTES} bytes (an array or hex), got ${show(v)}`);
  }
  if (bytes.length !== RSS_KEY_BYTES) {
    throw new ConfigError(path, `must be ${RSS_KEY_BYTES} bytes, got ${bytes.length}`);
  }
  return rssKeyHex(bytes);
}

function validateStuck(o: Rec, p: string): StuckReadersConfig {
  checkKeys(o, p, ["flows", "holdNs"]);
  return {
    flows: intList(arr(o, "flows", p, []), join(p, "flows"), 0, MAX_FLOWS - 1),
    holdNs: num(o, "holdNs", p, 0, { min: 0 }),
  };
}

/** What several queues cannot be combined with (one queue: anything, as before). */
export function checkHostFits(config: ScenarioConfig): void {
  const h = config.host;
  if (h.queues === 1) return;
  if (config.traffic.kind === "trace") {
    throw new ConfigError(
      "host.queues",
      `${h.queues} queues need synthetic or capture traffic: a trace records no flows, so RSS has nothing to spread`,
    );
  }
  const m = config.device.misbehave;
  if (m.outOfRangeRate > 0 || m.notAllocatedRate > 0 || m.duplicateRate > 0) {
    throw new ConfigError("host.queues", `the misbehaving device (device.misbehave) is modelled on one queue only`);
  }
  const r = h.readerCpus;
  if (config.traffic.kind === "synthetic" && typeof r !== "string" && r.length !== h.flows.count) {
    throw new ConfigError(
      "host.readerCpus",
      `names ${r.length} CPU${r.length === 1 ? "" : "s"} but there ${h.flows.count === 1 ? "is 1 flow" : `are ${h.flows.count} flows`} (host.flows.count; one CPU per flow, or "napi" / "other")`,
    );
  }
  if (config.traffic.kind === "synthetic") {
    h.stuckReaders.flows.forEach((f, i) => {
      if (f >= h.flows.count) {
        throw new ConfigError(
          `host.stuckReaders.flows[${i}]`,
          `names flow ${f}, but there ${h.flows.count === 1 ? "is 1 flow" : `are ${h.flows.count} flows`} (host.flows.count)`,
        );
      }
    });
  }
}
