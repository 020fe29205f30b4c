import { COMPL_RSC, COMPL_RX_ERROR, COMPL_SIM_SKB_ALLOC_FAIL } from "@rxsim/core";
import { HOLD_BATCHED, HOLD_IMMEDIATE } from "./hold-sampler.js";

/**
 * Most bytes one arrival may carry: an RSC aggregate or a jumbo frame never
 * exceeds this (the capture reader's snap-length limit is the same 256 KiB).
 */
export const MAX_ARRIVAL_BYTES = 262_144;

/** The completion flags an arrival may carry: rx_error, skb allocation failure, RSC. */
export const KNOWN_ARRIVAL_FLAGS = COMPL_RX_ERROR | COMPL_SIM_SKB_ALLOC_FAIL | COMPL_RSC;

/** A finite decimal as `formatTraceArrival` prints it (no hex, no blanks, no Infinity). */
const DECIMAL = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const FIELDS = ["timeNs", "size", "flags", "holdNs"] as const;

/** One parsed arrival. */
export interface TraceArrival {
  timeNs: number;
  size: number;
  flags: number;
  holdNs: number;
}

/**
 * Parse and check one arrival line `[timeNs,size,flags,holdNs]` into `out`:
 * every field a finite decimal; the time ≥ 0 and not before `previousNs`; the
 * size an integer from 1 to {@link MAX_ARRIVAL_BYTES}; only known flag bits;
 * the hold ≥ 0, or exactly -1 (immediate) or -2 (batched).
 * @returns null when good, else the problem in words.
 */
export function parseTraceArrival(line: string, previousNs: number, out: TraceArrival): string | null {
  if (line.length < 3 || line[0] !== "[" || line[line.length - 1] !== "]") {
    return "expected [timeNs,size,flags,holdNs]";
  }
  const fields = line.slice(1, -1).split(",");
  if (fields.length !== 4) return `expected [timeNs,size,flags,holdNs], got ${fields.length} field(s)`;
  const values = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    const v = Number(fields[i]);
    if (!DECIMAL.test(fields[i]) || !Number.isFinite(v)) {
      return `${FIELDS[i]} ${JSON.stringify(fields[i].slice(0, 30))} is not a finite decimal number`;
    }
    values[i] = v;
  }
  const [t, size, flags, hold] = values;
  if (t < 0) return `timeNs ${t} is negative`;
  if (t < previousNs) return `timeNs ${t} is before the previous arrival's ${previousNs} (times never decrease)`;
  if (!Number.isInteger(size) || size < 1 || size > MAX_ARRIVAL_BYTES) {
    return `size ${size} is not an integer from 1 to ${MAX_ARRIVAL_BYTES} (what a NIC can receive)`;
  }
  if (!Number.isInteger(flags) || flags < 0 || (flags & ~KNOWN_ARRIVAL_FLAGS) !== 0 || flags > KNOWN_ARRIVAL_FLAGS) {
    return `flags ${flags} has bits other than rx_error (${COMPL_RX_ERROR}), rsc (${COMPL_RSC}) and skb allocation failure (${COMPL_SIM_SKB_ALLOC_FAIL})`;
  }
  if (hold < 0 && hold !== HOLD_IMMEDIATE && hold !== HOLD_BATCHED) {
    return `holdNs ${hold} is negative (only ${HOLD_IMMEDIATE}, immediate, and ${HOLD_BATCHED}, batched, are allowed)`;
  }
  out.timeNs = t;
  out.size = size;
  out.flags = flags;
  out.holdNs = hold;
  return null;
}

/**
 * The arrival count of an end line `{"end":N}`, or null when the line is not
 * exactly that (an object with one key, `end`, a whole number).
 */
export function parseTraceEnd(line: string): number | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  const end = (value as { end?: unknown }).end;
  if (keys.length !== 1 || keys[0] !== "end" || !Number.isSafeInteger(end) || (end as number) < 0) return null;
  return end as number;
}
