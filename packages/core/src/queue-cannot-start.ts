/**
 * Thrown by {@link RxStrategyFactory.create} when the queue cannot start for
 * want of memory at setup, as when `gve_alloc_queue_page_list` fails and
 * `gve_rx_alloc_ring_dqo` returns `-ENOMEM`: the interface does not come up.
 * That is a result of the scenario (say, an allocation failure window at time
 * 0), not a bug of the strategy, so the harness reports it as that strategy's
 * result and runs the others. Any other exception from `create` is a fault.
 */
export class QueueCannotStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueueCannotStartError";
  }
}

/**
 * True for a {@link QueueCannotStartError}, also one thrown by another copy of
 * this package (a strategy loaded from a file may bundle its own core).
 */
export function isQueueCannotStart(error: unknown): error is QueueCannotStartError {
  return error instanceof Error && error.name === "QueueCannotStartError";
}
