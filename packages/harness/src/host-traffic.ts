import type { Capture } from "./capture-reader.js";
import type { CaptureSource } from "./capture-source.js";
import { ConfigError } from "./config-error.js";
import { FlowMix, syntheticFlows } from "./flow-mix.js";
import type { FlowSet } from "./flow-set.js";
import type { HostConfig } from "./host-config.js";
import type { PacketSource } from "./packet-source.js";
import { steerFlows } from "./rss.js";
import type { ScenarioConfig } from "./scenario-config.js";

/**
 * The host's view of the traffic: which flow each packet belongs to, the
 * queue RSS steers each flow to, the CPU each queue's NAPI and each flow's
 * reader runs on. Everything per flow is computed once; per packet there is
 * one draw (synthetic) or one lookup (capture).
 */
export class HostTraffic {
  readonly flows: FlowSet;
  /** Queue of each flow. */
  readonly flowQueue: Int32Array;
  /** Toeplitz hash of each flow. */
  readonly flowHash: Uint32Array;
  /** 1 when the flow's reader runs on another CPU than its queue's NAPI: every release is remote. */
  readonly flowRemote: Uint8Array;
  /** 1 when the flow's reader is stuck (`host.stuckReaders`). */
  readonly flowStuck: Uint8Array;
  readonly stuckHoldNs: number;
  /** CPU of each queue's NAPI. */
  readonly napiCpu: Int32Array;
  /** CPU of each flow's reader. */
  readonly readerCpu: Int32Array;
  /** Arrivals per flow so far. */
  readonly flowArrivals: Float64Array;
  /** True when some flow's holds differ from the stack's (a remote or stuck reader). */
  readonly changesHolds: boolean;
  private readonly mix: FlowMix | null;
  private readonly captureFlows: Int32Array | null;

  constructor(config: ScenarioConfig, capture: Capture | null) {
    const host = config.host;
    const n = host.queues;
    this.napiCpu = new Int32Array(n);
    for (let q = 0; q < n; q++) this.napiCpu[q] = host.napiCpus.length > 0 ? host.napiCpus[q] : q;
    if (capture !== null) {
      this.flows = capture.flowSet;
      this.captureFlows = capture.flows;
      this.mix = null;
    } else {
      this.flows = syntheticFlows(host.flows, config.seed);
      this.captureFlows = null;
      this.mix = new FlowMix(host.flows, config.seed);
    }
    const count = this.flows.count;
    const steering = steerFlows(this.flows, host.rss, n);
    this.flowQueue = steering.queue;
    this.flowHash = steering.hash;
    this.readerCpu = readerCpus(host, count, this.flowQueue, this.napiCpu);
    this.flowRemote = new Uint8Array(count);
    for (let f = 0; f < count; f++) this.flowRemote[f] = this.readerCpu[f] !== this.napiCpu[this.flowQueue[f]] ? 1 : 0;
    this.flowStuck = new Uint8Array(count);
    host.stuckReaders.flows.forEach((f, i) => {
      if (f >= count) {
        throw new ConfigError(
          `host.stuckReaders.flows[${i}]`,
          `names flow ${f}, but the traffic has ${count} flow${count === 1 ? "" : "s"}`,
        );
      }
      this.flowStuck[f] = 1;
    });
    this.stuckHoldNs = host.stuckReaders.holdNs;
    this.flowArrivals = new Float64Array(count);
    this.changesHolds = this.flowRemote.includes(1) || this.flowStuck.includes(1);
  }

  /** The flow of the packet `source` just produced. */
  flowOf(source: PacketSource): number {
    const f = this.mix !== null ? this.mix.next() : (this.captureFlows as Int32Array)[(source as CaptureSource).frame];
    this.flowArrivals[f]++;
    return f;
  }
}

function readerCpus(host: HostConfig, count: number, flowQueue: Int32Array, napiCpu: Int32Array): Int32Array {
  const out = new Int32Array(count);
  const r = host.readerCpus;
  if (typeof r !== "string") {
    if (r.length !== count) {
      throw new ConfigError(
        "host.readerCpus",
        `names ${r.length} CPUs but the traffic has ${count} flow${count === 1 ? "" : "s"} (one CPU per flow, or "napi" / "other")`,
      );
    }
    out.set(r);
    return out;
  }
  // "napi": RFS puts the reader where the flow's NAPI runs; "other": the next CPU.
  for (let f = 0; f < count; f++) out[f] = napiCpu[flowQueue[f]] + (r === "other" ? 1 : 0);
  return out;
}
