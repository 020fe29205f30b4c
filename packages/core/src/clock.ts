/**
 * Simulated time. The simulation never reads the wall clock: whoever drives it
 * (the harness, a test) owns a clock and passes it in.
 */
export interface Clock {
  /** Current simulated time in nanoseconds. */
  now(): number;
}

/** A clock that a driver advances by hand. */
export interface ManualClock extends Clock {
  /** Set the current time (nanoseconds). Time never goes backwards. */
  set(timeNs: number): void;
  /** Advance the current time by `deltaNs` nanoseconds. */
  advance(deltaNs: number): void;
}

/** Create a manual clock starting at `startNs` (default 0). */
export function createManualClock(startNs = 0): ManualClock {
  let t = startNs;
  return {
    now: () => t,
    set(timeNs: number) {
      if (timeNs < t) throw new RangeError(`clock cannot go back from ${t} ns to ${timeNs} ns`);
      t = timeNs;
    },
    advance(deltaNs: number) {
      if (deltaNs < 0) throw new RangeError(`clock cannot advance by a negative ${deltaNs} ns`);
      t += deltaNs;
    },
  };
}
