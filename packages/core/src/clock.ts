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
  return new SimulatedClock(startNs);
}

// A class, not an object of closures: every run makes a clock, and the hot
// paths that call `set` and `now` then see one function, not a new one per run
// (V8 deoptimizes a call site specialised for one closure when another comes).
class SimulatedClock implements ManualClock {
  private t: number;

  constructor(startNs: number) {
    this.t = startNs;
  }

  now(): number {
    return this.t;
  }

  set(timeNs: number): void {
    if (timeNs < this.t) throw new RangeError(`clock cannot go back from ${this.t} ns to ${timeNs} ns`);
    this.t = timeNs;
  }

  advance(deltaNs: number): void {
    if (deltaNs < 0) throw new RangeError(`clock cannot advance by a negative ${deltaNs} ns`);
    this.t += deltaNs;
  }
}
