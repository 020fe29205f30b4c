/** A point in the host's event order after the last arrival: a time, then a queue (-1: the arrival itself). */
export interface StopKey {
  readonly t: number;
  readonly queue: number;
}

/** `a` comes after `b` in event order. */
export function stopsLater(a: StopKey, b: StopKey): boolean {
  return a.t > b.t || (a.t === b.t && a.queue > b.queue);
}

/**
 * The host's stop: the one-thread loop ends at the first event after which no
 * queue is busy, the latest of its groups' stops in event order. Groups then
 * run their events before it (`GroupRun.advance`) until none goes past.
 */
export function latestStop(stops: readonly StopKey[]): StopKey {
  let latest = stops[0];
  for (const s of stops) if (stopsLater(s, latest)) latest = s;
  return latest;
}
