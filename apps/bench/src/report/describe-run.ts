import { basename } from "node:path";
import { type ScenarioConfig, scenarios } from "@rxsim/harness";

/** `50000` ns as `50 µs`. */
export function formatNs(ns: number): string {
  if (ns >= 1e9) return `${+(ns / 1e9).toPrecision(3)} s`;
  if (ns >= 1e6) return `${+(ns / 1e6).toPrecision(3)} ms`;
  if (ns >= 1e3) return `${+(ns / 1e3).toPrecision(3)} µs`;
  return `${ns} ns`;
}

/** `4096` bytes as `4 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** What the traffic was, from the config that ran. */
export function describeTraffic(c: ScenarioConfig): string {
  const t = c.traffic;
  if (t.kind === "capture") return `capture ${basename(t.path)}${t.loop ? " (looped)" : ""}`;
  if (t.kind === "trace") return `trace ${basename(t.path)}`;
  const sizes =
    t.sizeModel === "fixed"
      ? `${t.packetSize} B packets`
      : t.sizeModel === "imix"
        ? "IMIX packets"
        : t.sizeModel === "uniform"
          ? `${t.minSize}–${t.maxSize} B packets`
          : "packets of a size histogram";
  const rate = t.rateUnit === "pps" ? `${+(t.rate / 1e6).toPrecision(3)} Mpps` : `${t.rate} Gbps`;
  const rsc =
    t.rscProbability > 0 ? `, ${Math.round(t.rscProbability * 100)}% RSC up to ${formatBytes(t.rscMaxBytes)}` : "";
  const bursts =
    t.burstOnNs > 0 ? `, bursts of ${formatNs(t.burstOnNs)} every ${formatNs(t.burstOnNs + t.burstOffNs)}` : "";
  return `${sizes} at ${rate} (${t.arrival})${rsc}${bursts}`;
}

/** How long the stack held skbs. */
export function describeHold(c: ScenarioConfig): string {
  const s = c.stack;
  switch (s.hold) {
    case "immediate":
      return "prompt release";
    case "batched":
      return `release in batches every ${formatNs(s.batchIntervalNs)}`;
    case "lognormal":
      return `log-normal hold, mean ${formatNs(s.holdNs)} (sigma ${s.sigma})`;
    default:
      return `${s.hold} hold ${formatNs(s.holdNs)}${s.slowFraction > 0 ? `, ${s.slowFraction * 100}% held ${formatNs(s.slowHoldNs)}` : ""}`;
  }
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
}

/** Keys where `c` differs from the catalog scenario of its name (empty when it is not a catalog name). */
export function changedKeys(c: ScenarioConfig): string[] {
  const base = Object.hasOwn(scenarios, c.name) ? scenarios[c.name] : undefined;
  if (base === undefined) return [];
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(c, "", a);
  flatten(base, "", b);
  const keys = new Set([...a.keys(), ...b.keys()]);
  const changed = [...keys].filter((k) => k !== "description" && a.get(k) !== b.get(k) && b.has(k));
  // A cost profile is one choice, not fifteen numbers: name it once.
  return [...new Set(changed.map((k) => (k.startsWith("costProfile.") ? "costProfile" : k)))].sort();
}

/** The queue's geometry line. */
export function describeQueue(c: ScenarioConfig): string {
  const q = c.queue;
  const parts = [
    q.pageSize !== undefined ? `${formatBytes(q.pageSize)} pages` : "",
    q.bufferSize !== undefined ? `${formatBytes(q.bufferSize)} buffers` : "",
    q.bufqSlots !== undefined ? `${q.bufqSlots}-slot buffer queue` : "",
  ];
  return parts.filter(Boolean).join(", ");
}
