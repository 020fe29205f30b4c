import { COMPL_RSC, COMPL_RX_ERROR, COMPL_SIM_SKB_ALLOC_FAIL } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { HOLD_BATCHED, HOLD_IMMEDIATE, HoldSampler } from "./hold-sampler.js";
import { runStrategy, type ScenarioConfig, validateScenarioConfig } from "./index.js";
import { SyntheticSource } from "./packet-source.js";
import { pagePerBuffer } from "./test-strategies.test-util.js";

const N = 100_000;

function config(change: Record<string, unknown>): ScenarioConfig {
  return validateScenarioConfig({ packets: N, ...change });
}

/** Draw every packet of a synthetic source into columns. */
function drain(c: ScenarioConfig) {
  if (c.traffic.kind !== "synthetic") throw new Error("synthetic only");
  const src = new SyntheticSource(c, c.traffic);
  const times: number[] = [];
  const sizes: number[] = [];
  const flags: number[] = [];
  while (src.next()) {
    times.push(src.timeNs);
    sizes.push(src.size);
    flags.push(src.flags);
  }
  return { times, sizes, flags };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const gaps = (ts: number[]) => ts.slice(1).map((t, i) => t - ts[i]);
const count = (xs: number[], pred: (x: number) => boolean) => xs.filter(pred).length;

describe("packet sizes", () => {
  it("fixed: every packet has the size", () => {
    const { sizes } = drain(config({ traffic: { packetSize: 9000 } }));
    expect(new Set(sizes)).toEqual(new Set([9000]));
  });

  it("uniform: every size in [min, max], mean in the middle, both ends reached", () => {
    const { sizes } = drain(config({ traffic: { sizeModel: "uniform", minSize: 64, maxSize: 1500 } }));
    expect(Math.min(...sizes)).toBe(64);
    expect(Math.max(...sizes)).toBe(1500);
    expect(mean(sizes)).toBeCloseTo(782, -1);
  });

  it("IMIX: 64, 576 and 1500 bytes in proportions 7 : 4 : 1", () => {
    const { sizes } = drain(config({ traffic: { sizeModel: "imix" } }));
    expect(new Set(sizes)).toEqual(new Set([64, 576, 1500]));
    // Binomial standard deviation at N = 1e5 is about 0.0016: allow 0.006.
    expect(count(sizes, (s) => s === 64) / N).toBeCloseTo(7 / 12, 2);
    expect(count(sizes, (s) => s === 576) / N).toBeCloseTo(4 / 12, 2);
    expect(count(sizes, (s) => s === 1500) / N).toBeCloseTo(1 / 12, 2);
  });

  it("histogram: sizes drawn in proportion to their weights; weight 0 never drawn", () => {
    const { sizes } = drain(
      config({
        traffic: {
          sizeModel: "histogram",
          histogram: [
            [100, 1],
            [200, 0],
            [300, 3],
          ],
        },
      }),
    );
    expect(count(sizes, (s) => s === 200)).toBe(0);
    expect(count(sizes, (s) => s === 100) / N).toBeCloseTo(0.25, 2);
    expect(count(sizes, (s) => s === 300) / N).toBeCloseTo(0.75, 2);
  });

  it("RSC: the given fraction are aggregates of 2‥⌊max/segment⌋ segments, flagged COMPL_RSC", () => {
    const { sizes, flags } = drain(
      config({ traffic: { rscProbability: 0.3, rscMaxBytes: 65536, rscSegmentBytes: 1500, packetSize: 1000 } }),
    );
    const rsc = sizes.filter((_, i) => (flags[i] & COMPL_RSC) !== 0);
    expect(rsc.length / N).toBeCloseTo(0.3, 2);
    expect(Math.min(...rsc)).toBe(3000);
    expect(Math.max(...rsc)).toBe(43 * 1500);
    expect(rsc.every((s) => s % 1500 === 0 && s <= 65536)).toBe(true);
    expect(mean(rsc)).toBeCloseTo(((2 + 43) / 2) * 1500, -3);
    expect(sizes.filter((_, i) => (flags[i] & COMPL_RSC) === 0).every((s) => s === 1000)).toBe(true);
  });
});

describe("arrivals", () => {
  it("constant pps: evenly spaced at 1e9 / rate ns", () => {
    const { times } = drain(config({ traffic: { rate: 8e6 } }));
    expect(times[0]).toBe(0);
    expect(new Set(gaps(times))).toEqual(new Set([125]));
  });

  it("poisson: exponential gaps with the mean 1e9 / rate (coefficient of variation 1)", () => {
    const g = gaps(drain(config({ traffic: { rate: 1e6, arrival: "poisson" } })).times);
    const m = mean(g);
    const sd = Math.sqrt(mean(g.map((x) => (x - m) ** 2)));
    expect(m).toBeGreaterThan(990);
    expect(m).toBeLessThan(1010);
    expect(sd / m).toBeCloseTo(1, 1);
    // P(gap > mean) = e^-1.
    expect(count(g, (x) => x > 1000) / g.length).toBeCloseTo(Math.exp(-1), 2);
  });

  it("gbps: each gap is the frame's wire time with 24 bytes of overhead (preamble, SFD, IFG, FCS)", () => {
    const { times } = drain(config({ traffic: { rate: 100, rateUnit: "gbps", packetSize: 1500 } }));
    // (1500 + 24) bytes × 8 bits / 100 bits per ns.
    expect(gaps(times)[0]).toBeCloseTo(121.92, 9);
    const pps = ((times.length - 1) / times[times.length - 1]) * 1e9;
    expect(pps).toBeCloseTo(100e9 / (1524 * 8), -2);
    // The overhead is a setting.
    const bare = drain(config({ traffic: { rate: 100, rateUnit: "gbps", wireOverheadBytes: 0 } })).times;
    expect(gaps(bare)[0]).toBeCloseTo(120, 9);
  });

  it("gbps with IMIX: the mean rate follows the mean wire size", () => {
    const { times, sizes } = drain(config({ traffic: { rate: 100, rateUnit: "gbps", sizeModel: "imix" } }));
    // Exactly: the time to the last arrival is every earlier frame's wire time at 100 bits per ns.
    const wireBytes = sizes.slice(0, -1).reduce((a, s) => a + s + 24, 0);
    expect(times[times.length - 1] / ((wireBytes * 8) / 100)).toBeCloseTo(1, 9);
    // Statistically: about 100 Gbps over the mean IMIX wire size (sample-mean noise is ~0.4%).
    const meanWire = (7 * (64 + 24) + 4 * (576 + 24) + 1 * (1500 + 24)) / 12;
    const pps = ((times.length - 1) / times[times.length - 1]) * 1e9;
    expect(Math.abs(pps / (100e9 / (meanWire * 8)) - 1)).toBeLessThan(0.015);
  });

  it("gbps in a run: about 8.2 Mpps of 1500-byte frames at 100 Gbps", () => {
    const r = runStrategy(
      config({ packets: 50_000, traffic: { rate: 100, rateUnit: "gbps", packetSize: 1500 } }),
      pagePerBuffer(),
    );
    const pps = (r.metrics.packetsArrived / r.metrics.durationNs) * 1e9;
    expect(pps / (100e9 / (1524 * 8))).toBeCloseTo(1, 2);
  });

  it("bursts: arrivals only in the on phase; the mean rate is rate × on / (on + off)", () => {
    const on = 50_000;
    const off = 150_000;
    const { times } = drain(config({ traffic: { rate: 8e6, burstOnNs: on, burstOffNs: off } }));
    expect(times.every((t) => t % (on + off) < on)).toBe(true);
    const pps = (times.length / times[times.length - 1]) * 1e9;
    expect(pps / (8e6 * (on / (on + off)))).toBeCloseTo(1, 2);
    // Inside a burst the spacing is the peak rate's.
    expect(gaps(times)[0]).toBe(125);
  });
});

describe("per-packet flags", () => {
  it("rx_error and skb allocation failures at their rates, from independent streams", () => {
    const { flags, sizes } = drain(
      config({ traffic: { sizeModel: "imix" }, device: { rxErrorRate: 0.05 }, memory: { skbAllocFailRate: 0.1 } }),
    );
    const err = count(flags, (f) => (f & COMPL_RX_ERROR) !== 0) / N;
    const skb = count(flags, (f) => (f & COMPL_SIM_SKB_ALLOC_FAIL) !== 0) / N;
    const both = count(flags, (f) => (f & COMPL_RX_ERROR) !== 0 && (f & COMPL_SIM_SKB_ALLOC_FAIL) !== 0) / N;
    expect(err).toBeCloseTo(0.05, 2);
    expect(skb).toBeCloseTo(0.1, 2);
    expect(both).toBeCloseTo(0.005, 2);
    // Independent of the size drawn for the same packet, too.
    const large = flags.filter((_, i) => sizes[i] === 1500);
    expect(count(large, (f) => (f & COMPL_RX_ERROR) !== 0) / large.length).toBeCloseTo(0.05, 1);
    expect(count(large, (f) => (f & COMPL_SIM_SKB_ALLOC_FAIL) !== 0) / large.length).toBeCloseTo(0.1, 1);
  });

  it("changing one stream's rate leaves the other streams' draws alone", () => {
    const a = drain(config({ traffic: { sizeModel: "imix", arrival: "poisson" }, device: { rxErrorRate: 0 } }));
    const b = drain(config({ traffic: { sizeModel: "imix", arrival: "poisson" }, device: { rxErrorRate: 0.5 } }));
    expect(b.sizes).toEqual(a.sizes);
    expect(b.times).toEqual(a.times);
  });
});

describe("hold times", () => {
  const draws = (stack: Record<string, unknown>, n = N) => {
    const s = new HoldSampler(validateScenarioConfig({ stack }).stack, 7);
    return Array.from({ length: n }, () => s.draw());
  };

  it("immediate and batched are codes, drawing nothing", () => {
    expect(new Set(draws({ hold: "immediate" }, 100))).toEqual(new Set([HOLD_IMMEDIATE]));
    expect(new Set(draws({ hold: "batched" }, 100))).toEqual(new Set([HOLD_BATCHED]));
  });

  it("fixed: exactly holdNs", () => {
    expect(new Set(draws({ hold: "fixed", holdNs: 12_345 }, 100))).toEqual(new Set([12_345]));
  });

  it("exponential: mean holdNs, P(hold > mean) = 1/e", () => {
    const h = draws({ hold: "exponential", holdNs: 50_000 });
    expect(mean(h) / 50_000).toBeCloseTo(1, 1);
    expect(count(h, (x) => x > 50_000) / N).toBeCloseTo(Math.exp(-1), 2);
  });

  it("lognormal: mean holdNs, median holdNs·e^(-σ²/2), a long tail", () => {
    const h = draws({ hold: "lognormal", holdNs: 100_000, sigma: 1 });
    expect(mean(h) / 100_000).toBeCloseTo(1, 1);
    const sorted = [...h].sort((a, b) => a - b);
    expect(sorted[N / 2] / (100_000 * Math.exp(-0.5))).toBeCloseTo(1, 1);
    // 99th percentile: median × e^(2.326σ).
    expect(sorted[Math.floor(N * 0.99)] / (100_000 * Math.exp(-0.5) * Math.exp(2.326))).toBeCloseTo(1, 1);
  });

  it("slow reader: the fraction is held slowHoldNs, the rest follow the model", () => {
    const h = draws({ hold: "immediate", slowFraction: 0.01, slowHoldNs: 1e9 });
    expect(count(h, (x) => x === 1e9) / N).toBeCloseTo(0.01, 3);
    expect(count(h, (x) => x === HOLD_IMMEDIATE) + count(h, (x) => x === 1e9)).toBe(N);
  });
});
