import type { ScenarioConfig } from "./scenario-config.js";

/** A key that only matters under a condition, and the condition in words. */
interface Rule {
  readonly key: string;
  readonly matters: (c: ScenarioConfig) => boolean;
  readonly because: (c: ScenarioConfig) => string;
}

const synthetic = (c: ScenarioConfig) => (c.traffic.kind === "synthetic" ? c.traffic : null);
const notSynthetic = (c: ScenarioConfig) => `traffic.kind=${c.traffic.kind}`;
/** A synthetic-traffic key that matters when `when` holds. */
const trafficRule = (
  key: string,
  when: (t: NonNullable<ReturnType<typeof synthetic>>) => boolean,
  because: (t: NonNullable<ReturnType<typeof synthetic>>) => string,
): Rule => ({
  key: `traffic.${key}`,
  matters: (c) => {
    const t = synthetic(c);
    return t !== null && when(t);
  },
  because: (c) => {
    const t = synthetic(c);
    return t === null ? notSynthetic(c) : because(t);
  },
});

const HOST_KEYS = [
  "host.napiCpus",
  "host.readerCpus",
  "host.stuckReaders",
  "host.stuckReaders.flows",
  "host.stuckReaders.holdNs",
  "host.rss",
  "host.rss.key",
  "host.rss.indirection",
  "host.rss.indirectionSize",
  "host.rss.udpPorts",
  "host.flows",
  ...["count", "shares", "zipfExponent", "elephants", "elephantShare", "weights", "protocol", "ipVersion"].map(
    (k) => `host.flows.${k}`,
  ),
];

const RULES: readonly Rule[] = [
  {
    key: "stack.holdNs",
    matters: (c) => c.stack.hold === "fixed" || c.stack.hold === "exponential" || c.stack.hold === "lognormal",
    because: (c) => `stack.hold=${c.stack.hold}`,
  },
  { key: "stack.sigma", matters: (c) => c.stack.hold === "lognormal", because: (c) => `stack.hold=${c.stack.hold}` },
  {
    key: "stack.batchIntervalNs",
    matters: (c) => c.stack.hold === "batched",
    because: (c) => `stack.hold=${c.stack.hold}`,
  },
  { key: "stack.slowHoldNs", matters: (c) => c.stack.slowFraction > 0, because: () => "stack.slowFraction=0" },
  {
    key: "driver.starvationTimerMs",
    matters: (c) => c.driver.starvationTimer,
    because: () => "driver.starvationTimer=false",
  },
  {
    key: "driver.starvationThreshold",
    matters: (c) => c.driver.starvationTimer,
    because: () => "driver.starvationTimer=false",
  },
  trafficRule(
    "packetSize",
    (t) => t.sizeModel === "fixed",
    (t) => `traffic.sizeModel=${t.sizeModel}`,
  ),
  trafficRule(
    "minSize",
    (t) => t.sizeModel === "uniform",
    (t) => `traffic.sizeModel=${t.sizeModel}`,
  ),
  trafficRule(
    "maxSize",
    (t) => t.sizeModel === "uniform",
    (t) => `traffic.sizeModel=${t.sizeModel}`,
  ),
  trafficRule(
    "histogram",
    (t) => t.sizeModel === "histogram",
    (t) => `traffic.sizeModel=${t.sizeModel}`,
  ),
  trafficRule(
    "rscMaxBytes",
    (t) => t.rscProbability > 0,
    () => "traffic.rscProbability=0",
  ),
  trafficRule(
    "rscSegmentBytes",
    (t) => t.rscProbability > 0,
    () => "traffic.rscProbability=0",
  ),
  trafficRule(
    "burstOffNs",
    (t) => t.burstOnNs > 0,
    () => "traffic.burstOnNs=0",
  ),
  trafficRule(
    "wireOverheadBytes",
    (t) => t.rateUnit === "gbps",
    (t) => `traffic.rateUnit=${t.rateUnit}`,
  ),
  // One queue runs the single-queue model: nothing of the host but the queue count matters.
  ...HOST_KEYS.map(
    (key): Rule => ({
      key,
      matters: (c) => (c.host?.queues ?? 1) > 1 && !(key.startsWith("host.flows") && c.traffic.kind !== "synthetic"),
      because: (c) => ((c.host?.queues ?? 1) > 1 ? notSynthetic(c) : "host.queues=1"),
    }),
  ),
  ...["rate", "rateUnit", "arrival", "burstOnNs", "sizeModel", "rscProbability"].map((k) =>
    trafficRule(
      k,
      () => true,
      () => "",
    ),
  ),
];

/**
 * The keys among `keys` (dotted paths, as given to `--set` or `--vary`) that
 * have no effect under `config`, each with the setting that makes it so:
 * `stack.holdNs has no effect with stack.hold=immediate`. A user who changes
 * such a key would otherwise read an unchanged result as the key's effect.
 */
export function keysWithoutEffect(config: ScenarioConfig, keys: readonly string[]): string[] {
  const out: string[] = [];
  for (const key of keys) {
    const rule = RULES.find((r) => r.key === key);
    if (rule !== undefined && !rule.matters(config)) out.push(`${key} has no effect with ${rule.because(config)}`);
  }
  return out;
}
