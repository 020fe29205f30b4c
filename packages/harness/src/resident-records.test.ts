import { describe, expect, it } from "vitest";
import { RECORD_FIELDS, ResidentChunks, ResidentMerge } from "./resident-records.js";

/** Records [seq, t, queue, peak, after] as one chunk. */
function chunk(...records: number[][]): [Float64Array, number] {
  return [Float64Array.from(records.flat()), records.length];
}

describe("the host's peaks merged from its groups' records", () => {
  it("sums the groups at each event in event order, and counts a peak inside an event", () => {
    // Group 0 holds 10 pages, group 1 holds 20 at start; warm-up 0: measured from the start.
    const merge = new ResidentMerge([10, 20], 0);
    // Group 0: at arrival 1, t=5, queue 0 goes to 15 (peaking at 18 inside the event); at t=9 back to 10.
    merge.push(0, ...chunk([1, 5, 0, 18, 15], [1, 9, 0, 15, 10]));
    // Group 1: at arrival 1, t=7, queue 3 goes to 26. In event order: 15+20, then 15+26=41, then 10+26.
    merge.push(1, ...chunk([1, 7, 3, 26, 26]));
    merge.close(0);
    merge.close(1);
    const peaks = merge.finish(true, 0);
    expect(peaks.hostPeak).toBe(41);
    // The run's peak: 18 + 20 inside group 0's first event is less than 41.
    expect(peaks.hostPeakRun).toBe(41);
  });

  it("takes a peak inside an event over the pages after it", () => {
    const merge = new ResidentMerge([10, 20], 0);
    merge.push(0, ...chunk([0, 1, 0, 40, 12]));
    merge.close(0);
    merge.close(1);
    const peaks = merge.finish(true, 0);
    expect(peaks.hostPeak).toBe(32);
    expect(peaks.hostPeakRun).toBe(60);
  });

  it("orders by arrivals before the event first: a later time before an arrival comes first", () => {
    const merge = new ResidentMerge([0, 0], 0);
    // Group 0 frees at t=100 before arrival 3; group 1 allocates at t=50 after arrival 3 (time is not the key).
    merge.push(0, ...chunk([2, 100, 0, 5, 5], [3, 150, 0, 5, 0]));
    merge.push(1, ...chunk([3, 120, 1, 4, 4]));
    merge.close(0);
    merge.close(1);
    // 5+0, then 5+4=9 at (3,120), then 0+4.
    expect(merge.finish(true, 0).hostPeak).toBe(9);
  });

  it("measures from the end of the warm-up: after the events before arrival `warmup`", () => {
    const merge = new ResidentMerge([1, 1], 2);
    // Before the warm-up ends (arrivals 1 and 2): a spike to 50, counted for the run only.
    merge.push(0, ...chunk([1, 10, 0, 50, 50], [2, 20, 0, 30, 4]));
    merge.push(1, ...chunk([3, 30, 1, 2, 2]));
    merge.close(0);
    merge.close(1);
    const peaks = merge.finish(true, 0);
    // At the warm-up's end the host holds 4 + 1; then 4 + 2.
    expect(peaks.hostPeak).toBe(6);
    expect(peaks.hostPeakRun).toBe(51);
  });

  it("never measuring (the warm-up never ended): the host's pages at the end", () => {
    const merge = new ResidentMerge([3, 4], 1000);
    merge.close(0);
    merge.close(1);
    expect(merge.finish(false, 2).hostPeak).toBe(2);
  });

  it("waits for a group still running before applying another's records", () => {
    const merge = new ResidentMerge([0, 0], 0);
    merge.push(0, ...chunk([5, 1, 0, 7, 7]));
    expect(() => merge.finish(true, 0)).toThrow(/not sent all its records/);
    // Group 1's earlier event arrives later: it is still merged first.
    merge.push(1, ...chunk([4, 1, 1, 3, 3]));
    merge.close(1);
    merge.close(0);
    expect(merge.finish(true, 0).hostPeak).toBe(10);
  });
});

describe("a group's record chunks", () => {
  it("hands over each full chunk and what is left on flush, in order", () => {
    const sent: number[][] = [];
    const rec = new ResidentChunks((c, n) => sent.push(Array.from(c.subarray(0, n * RECORD_FIELDS))), 2);
    rec.event(1, 2, 3, 4, 5);
    rec.event(2, 3, 4, 5, 6);
    rec.event(3, 4, 5, 6, 7);
    rec.flush();
    rec.flush();
    expect(sent).toEqual([
      [1, 2, 3, 4, 5, 2, 3, 4, 5, 6],
      [3, 4, 5, 6, 7],
    ]);
  });
});
