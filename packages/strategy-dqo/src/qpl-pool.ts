import { type DecisionLogSink, NO_PAGE, type PageTable, QueueCannotStartError } from "@rxsim/core";
import { QPL_ALLOC_ATTEMPTS } from "./constants.js";
import { logQplFree } from "./log-lines.js";

/**
 * The queue page list of gve's DQO-QPL format (`struct gve_queue_page_list`):
 * pages allocated and registered with the device when the ring is set up
 * (`gve_alloc_queue_page_list`), handed to buffer states one at a time in
 * order (`next_qpl_page_idx`, in `gve_alloc_page_dqo`), never grown, and
 * released when the ring is torn down (`gve_free_queue_page_list`). The pool
 * keeps each page's allocation reference (count 1) as the QPL's own.
 */
export class QplPool {
  /** The registered pages, in QPL order. */
  readonly pages: Int32Array;
  /** `next_qpl_page_idx`: pages handed to buffer states so far. */
  next = 0;
  private released = false;

  /**
   * Allocate `count` pages from `table`. A failed attempt is retried
   * ({@link QPL_ALLOC_ATTEMPTS} times per page): setup allocates with
   * `GFP_KERNEL`, which may wait for memory.
   * @throws QueueCannotStartError when a page cannot be had; the pages allocated so far are put back first.
   */
  constructor(table: PageTable, count: number) {
    this.pages = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      let page = NO_PAGE;
      for (let attempt = 0; attempt < QPL_ALLOC_ATTEMPTS && page === NO_PAGE; attempt++) page = table.alloc();
      if (page === NO_PAGE) {
        for (let k = 0; k < i; k++) table.put(this.pages[k]);
        throw new QueueCannotStartError(
          `dqo: could not allocate QPL page ${i + 1} of ${count} in ${QPL_ALLOC_ATTEMPTS} attempts (the queue cannot start, as when gve_alloc_queue_page_list fails)`,
        );
      }
      this.pages[i] = page;
    }
  }

  /**
   * The next page for a buffer state (`rx->dqo.qpl->pages[next_qpl_page_idx++]`).
   * In QPL mode there is one state per page and a state leaves the free list
   * once, so this is called at most `pages.length` times.
   */
  take(): number {
    return this.pages[this.next++];
  }

  /**
   * `gve_free_queue_page_list`: drop the QPL's own reference of every page,
   * once. A page the stack still references is freed when it lets go.
   * @returns how many references were dropped (0 on a second call).
   */
  release(table: PageTable, log: DecisionLogSink | null): number {
    if (this.released) return 0;
    this.released = true;
    for (const page of this.pages) {
      if (log !== null) logQplFree(log, page);
      table.put(page);
    }
    return this.pages.length;
  }
}
