import { resolveRxQueueConfig } from "@rxsim/core";
import { type CounterSnapshot, computeMetrics } from "./metrics.js";
import type { PacketSource } from "./packet-source.js";
import type { ProgressSpan, RunOptions, SimulationOutcome } from "./run-options.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { TimeSeriesRecorder } from "./time-series.js";
import { formatTraceArrival } from "./trace.js";

/** Every counter 0 at `timeNs`, but drops and stall time. */
function snapshot(timeNs: number, dropped: number, stallNs: number): CounterSnapshot {
  return {
    timeNs,
    rxPackets: 0,
    rxBytes: 0,
    rxNoBuffer: dropped,
    rxDescErr: 0,
    rxSkbAllocFail: 0,
    rxInvalidBufId: 0,
    copybreak: 0,
    buffersPosted: 0,
    refills: 0,
    polls: 0,
    chainedSkbs: 0,
    doorbells: 0,
    allocs: 0,
    frees: 0,
    allocFailures: 0,
    atomicOps: 0,
    refReads: 0,
    stallNs,
    bogus: 0,
    residentArea: 0,
    dmaMaps: 0,
    dmaUnmaps: 0,
    dmaSyncs: 0,
    napiBusyNs: 0,
    cpuByOp: null,
  };
}

/**
 * The result of a strategy whose queue could not start (its `create` threw a
 * `QueueCannotStartError`, as when `gve_alloc_queue_page_list` fails): the
 * interface never came up, so the device had no buffer and every packet that
 * arrived was dropped. The arrivals are still read (and recorded to a trace,
 * which the other strategies replay), so the counts compare with theirs.
 */
export function notStartedOutcome(
  config: ScenarioConfig,
  name: string,
  factoryOptions: unknown,
  source: PacketSource,
  options: RunOptions,
  progress: ProgressSpan,
  reason: string,
): SimulationOutcome {
  const record = options.recordTrace ?? null;
  const warmup = config.warmupPackets;
  let seq = 0;
  let now = 0;
  let arrived = 0;
  let bytes = 0;
  let warmupEndNs = -1;
  while (source.next()) {
    now = source.timeNs;
    if (seq === warmup) warmupEndNs = now;
    if (record !== null) record.line(formatTraceArrival(now, source.size, source.flags, source.holdNs));
    if (seq >= warmup) {
      arrived++;
      bytes += source.size;
    }
    seq++;
  }
  if (warmupEndNs < 0) warmupEndNs = now;
  const total = progress.total > 0 ? progress.total : source.total;
  options.onProgress?.(progress.base + seq, total);
  const series = new TimeSeriesRecorder(config.timeSeriesIntervalNs, config.timeSeriesMaxPoints);
  series.sample(now, 0, 0, 0, 0, seq, 0);
  const metrics = computeMetrics({
    start: snapshot(warmupEndNs, 0, 0),
    end: snapshot(now, arrived, now - warmupEndNs),
    pageSize: resolveRxQueueConfig(config.queue).pageSize,
    arrivedPackets: arrived,
    arrivedBytes: bytes,
    peakResidentPages: 0,
    peakMappedPages: 0,
    peakResidentPagesRun: 0,
    peakHeldSkbs: 0,
    violations: 0,
    violationMessages: [],
    leakedPages: 0,
    stallStartNs: 0,
    stalledAtEnd: true,
    teardownInflightPages: 0,
    teardownInflightNs: 0,
  });
  return {
    result: {
      strategy: name,
      options: factoryOptions,
      cannotStart: reason,
      metrics,
      strategyStats: {},
      timeSeries: series.toJSON(),
    },
    warmupEndNs,
    arrivals: seq,
  };
}
