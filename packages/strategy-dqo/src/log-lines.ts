import type { DecisionLogSink } from "@rxsim/core";

// The strategy's `D` lines of the decision log (format v1, see the core
// README). Callers check that the sink is non-null before calling, so nothing
// is formatted when logging is off.

/** Where a posted buffer state came from. Index into {@link SOURCE_NAMES}. */
export const PostSource = {
  /** Head of `recycled_buf_states`. */
  Recycled: 0,
  /** Found by the used-list scan with no stack reference. */
  Used: 1,
  /** The entry the discard branch dequeued had no stack reference after all. */
  DiscardReuse: 2,
  /** Taken from the free list with a freshly allocated page. */
  Free: 3,
} as const;
/** One of {@link PostSource}. */
export type PostSource = (typeof PostSource)[keyof typeof PostSource];

/** Log names of {@link PostSource}, by value. */
export const SOURCE_NAMES = ["recycled", "used", "discard-reuse", "free"] as const;

/** Why the strategy freed a page (`gve_free_page_dqo`). */
export type FreeReason = "discard" | "teardown";

/** Why a completion's buffer id was rejected. */
export type RejectReason = "range" | "not-allocated";

/** `D post <bufId> page=<page> off=<offset> len=<len> <new|reused> from=<source>` */
export function logPost(
  sink: DecisionLogSink,
  bufId: number,
  page: number,
  offset: number,
  len: number,
  source: PostSource,
): void {
  const age = source === PostSource.Free ? "new" : "reused";
  sink.line(`D post ${bufId} page=${page} off=${offset} len=${len} ${age} from=${SOURCE_NAMES[source]}`);
}

/** `D free-page <page> bufId=<id> reason=<discard|teardown>` */
export function logFreePage(sink: DecisionLogSink, page: number, bufId: number, reason: FreeReason): void {
  sink.line(`D free-page ${page} bufId=${bufId} reason=${reason}`);
}

/** `D frag <bufId> refs=<n> -> <recycled|used>` */
export function logFrag(sink: DecisionLogSink, bufId: number, refs: number, toUsed: boolean): void {
  sink.line(`D frag ${bufId} refs=${refs} -> ${toUsed ? "used" : "recycled"}`);
}

/** `D return <bufId> -> recycled` (copybreak, rx_error, skb allocation failure) */
export function logReturn(sink: DecisionLogSink, bufId: number): void {
  sink.line(`D return ${bufId} -> recycled`);
}

/** `D restock <bufId> page=<page>` */
export function logRestock(sink: DecisionLogSink, bufId: number, page: number): void {
  sink.line(`D restock ${bufId} page=${page}`);
}

/** `D alloc-fail <bufId>` */
export function logAllocFail(sink: DecisionLogSink, bufId: number): void {
  sink.line(`D alloc-fail ${bufId}`);
}

/** `D reject <bufId> reason=<range|not-allocated>` */
export function logReject(sink: DecisionLogSink, bufId: number, reason: RejectReason): void {
  sink.line(`D reject ${bufId} reason=${reason}`);
}

/** `D qpl-pool pages=<n>`: the queue page list was allocated at create. */
export function logQplPool(sink: DecisionLogSink, pages: number): void {
  sink.line(`D qpl-pool pages=${pages}`);
}

/** `D qpl-exhausted posted=<n> max=<max>`: QPL mode, no state usable and no page left to assign; the refill stops. */
export function logQplExhausted(sink: DecisionLogSink, posted: number, max: number): void {
  sink.line(`D qpl-exhausted posted=${posted} max=${max}`);
}

/** `D copy <bufId> page=<page> len=<bytes> used=<n> -> recycled`: copy on demand into a fresh page. */
export function logCopy(sink: DecisionLogSink, bufId: number, page: number, bytes: number, used: number): void {
  sink.line(`D copy ${bufId} page=${page} len=${bytes} used=${used} -> recycled`);
}

/**
 * `D copy-fail <bufId> used=<n> -> recycled`: the copy's page could not be
 * allocated; the packet is dropped and the buffer returned.
 */
export function logCopyFail(sink: DecisionLogSink, bufId: number, used: number): void {
  sink.line(`D copy-fail ${bufId} used=${used} -> recycled`);
}

/** `D qpl-unassign <page> bufId=<id>`: teardown returns the unspent bias of a QPL page but keeps the page (`gve_free_page_dqo(…, false)`). */
export function logQplUnassign(sink: DecisionLogSink, page: number, bufId: number): void {
  sink.line(`D qpl-unassign ${page} bufId=${bufId}`);
}

/** `D qpl-free <page>`: teardown drops the QPL's own reference (`gve_free_queue_page_list`). */
export function logQplFree(sink: DecisionLogSink, page: number): void {
  sink.line(`D qpl-free ${page}`);
}
