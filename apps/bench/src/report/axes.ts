import type { AxisSpec, AxisType, TickFormat } from "./types.js";

/** Swept keys that are sizes (bytes, slots, pages): log2 axes. */
const SIZE_KEY = /size|slots|bytes|pages|budget|window|threshold|frags/i;
/** Swept keys that are times or rates: log10 axes. */
const TIME_KEY = /ns$|ms$|time|interval|rate|hold/i;
/** Keys in nanoseconds / bytes, for tick labels. */
const NS_KEY = /ns$/i;
const BYTES_KEY = /size|bytes/i;

/** Powers of `base` from below `min` to above `max`, thinned to at most `most`. */
export function powerTicks(min: number, max: number, base: number, most = 7): number[] {
  const lo = Math.floor(Math.log(min) / Math.log(base) + 1e-9);
  const hi = Math.ceil(Math.log(max) / Math.log(base) - 1e-9);
  const all: number[] = [];
  for (let k = lo; k <= hi; k++) all.push(base ** k);
  const stride = Math.ceil(all.length / most);
  return all.filter((_, i) => i % stride === 0);
}

/**
 * Symlog ticks: 0 and at most four powers of ten up to `max`, the first at
 * least 10 when the range is wide (1 would sit on top of 0), none above `max`
 * (the axis ends there; Plot would draw a tick outside its frame).
 */
export function symlogTicks(max: number): number[] {
  if (max < 10) return [0, 1];
  // From the largest power of ten inside the data down, every `step`-th.
  const hi = Math.floor(Math.log10(max) + 1e-9);
  const step = Math.max(1, Math.ceil(hi / 4));
  const ticks: number[] = [];
  for (let k = hi; k >= 1; k -= step) ticks.unshift(10 ** k);
  return [0, ...ticks];
}

/**
 * The x axis of a swept key: a point axis for non-numbers; log2 for sizes,
 * log10 for times and rates (when every value is positive); else linear.
 */
export function sweptAxis(key: string, values: readonly string[]): { axis: AxisSpec; x: (number | string)[] } {
  const nums = values.map(Number);
  if (!nums.every(Number.isFinite)) {
    return { axis: { label: key, type: "point", format: "plain" }, x: [...values] };
  }
  const positive = nums.every((v) => v > 0);
  const format: TickFormat = NS_KEY.test(key) ? "ns" : BYTES_KEY.test(key) ? "bytes" : "si";
  const unit = format === "ns" ? "ns" : format === "bytes" ? "bytes" : "";
  let type: AxisType = "linear";
  let base: number | undefined;
  if (positive && nums.length > 1 && SIZE_KEY.test(key)) {
    type = "log";
    base = 2;
  } else if (positive && nums.length > 1 && TIME_KEY.test(key)) {
    type = "log";
    base = 10;
  }
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  const ticks =
    type === "log"
      ? powerTicks(min, max, base as number).filter((t) => t >= min / 1.0001 && t <= max * 1.0001)
      : undefined;
  const scaleNote = type === "log" ? `, log${base === 2 ? "2" : "10"} scale` : "";
  return {
    axis: {
      label: `${key}${unit || scaleNote ? ` (${[unit, scaleNote.slice(2)].filter(Boolean).join(", ")})` : ""}`,
      type,
      base,
      // Ticks at the swept values themselves when few, else at powers of the base.
      ticks: nums.length <= 8 ? [...nums].sort((a, b) => a - b) : ticks,
      format,
    },
    x: nums,
  };
}
