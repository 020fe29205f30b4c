import type { RxStrategyFactory } from "../strategy.js";
import { createScriptedQueue } from "./scripted-queue.js";

/**
 * The buffer ids a strategy posts right after the device completed its first
 * two buffers, in posting order. On the 8-slot queue used here ids 0 to 6 are
 * posted first and id 7 never is, so a LIFO free list (gve's
 * `free_buf_states`) answers `[1, 0]` and a FIFO of ids seeded 0, 1, 2, …
 * answers `[7, 0]`. Pins the id order a strategy models in one assertion.
 */
export function idsPostedAfterTwoCompletions(factory: RxStrategyFactory): number[] {
  const sq = createScriptedQueue({ factory, config: { bufqSlots: 8, complqSlots: 8, doorbellThreshold: 4 } });
  sq.receive(1500);
  sq.receive(1500);
  sq.poll();
  const bufq = sq.queue.bufq;
  const ids = [bufq.bufId[(bufq.tail - 2) & bufq.mask], bufq.bufId[(bufq.tail - 1) & bufq.mask]];
  sq.finish();
  return ids;
}
