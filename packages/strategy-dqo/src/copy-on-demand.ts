import { CompletionResult, NO_PAGE, type RxStrategyEnv } from "@rxsim/core";
import { BufList, type BufStates } from "./buf-states.js";
import { COPY_PAGE_OWNER } from "./constants.js";
import { logCopy, logCopyFail } from "./log-lines.js";

/**
 * QPL mode's way out when the registered pool runs low
 * (`gve_rx_should_trigger_copy_ondemand`, kernel 6.6): the fragment's bytes
 * are copied into a freshly allocated page instead of being handed up in the
 * registered buffer, which goes straight back on `recycled`.
 */
export class CopyOnDemand {
  /** `rx_frag_alloc_cnt`: copies made. */
  fragAllocCnt = 0;
  /** Copies whose page could not be allocated (the packet was dropped). */
  allocFail = 0;
  private readonly env: RxStrategyEnv;
  private readonly states: BufStates;

  constructor(env: RxStrategyEnv, states: BufStates) {
    this.env = env;
    this.states = states;
  }

  /**
   * `gve_rx_copy_ondemand`: copy the bytes into a freshly allocated page
   * (`alloc_page(GFP_ATOMIC)`, offset 0) whose one reference becomes the
   * skb's, count `rx_frag_alloc_cnt`, and put the registered buffer back on
   * recycled at the same offset, bias untouched. When the page cannot be
   * allocated, gve_rx_dqo's error path puts the buffer back on recycled and
   * drops the packet (`-ENOMEM`).
   * @param usedCount - `used_buf_states_cnt`, for the log line.
   */
  copy(id: number, bytes: number, usedCount: number): CompletionResult {
    const log = this.env.log;
    const page = this.env.pages.alloc(COPY_PAGE_OWNER);
    this.states.enqueue(BufList.Recycled, id);
    if (page === NO_PAGE) {
      this.allocFail++;
      if (log !== null) logCopyFail(log, id, usedCount);
      return CompletionResult.Dropped;
    }
    this.fragAllocCnt++;
    const redirect = this.env.redirect;
    redirect.page = page;
    redirect.offset = 0;
    if (log !== null) logCopy(log, id, page, bytes, usedCount);
    return CompletionResult.Redirected;
  }
}
