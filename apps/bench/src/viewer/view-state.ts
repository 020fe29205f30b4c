import type { Violation } from "@rxsim/core";
import { inspectStrategy, type StrategyList } from "./strategy-inspect.js";
import type { ViewerReplay } from "./viewer-replay.js";

/** State of one buffer-sized piece of a page. */
export type PieceState = "posted" | "held" | "free" | "posted+held";

/** One buffer-sized piece of a page. */
export interface PieceView {
  readonly state: PieceState;
  /** The posted buffer's id, -1 when not posted. */
  readonly bufId: number;
  /** Fragments the stack holds that start in this piece. */
  readonly refs: number;
}

/** One page. */
export interface PageView {
  readonly page: number;
  /** The page's reference count. */
  readonly count: number;
  /** References the driver holds in reserve (`pagecnt_bias`), null when the strategy keeps none. */
  readonly bias: number | null;
  /** False for a page posted or held after it was freed (a violation). */
  readonly allocated: boolean;
  readonly pieces: readonly PieceView[];
}

/** Everything the viewer shows for one step, computed from a {@link ViewerReplay}. */
export interface ViewState {
  /** Steps applied (0: before the first input). */
  readonly step: number;
  /** 1-based line number of the last input applied, 0 before the first. */
  readonly lineNumber: number;
  /** Simulated time (ns). */
  readonly timeNs: number;
  /** Bytes per piece (the queue's buffer size). */
  readonly pieceSize: number;
  /** Ring slot → buffer id the device holds there, -1 when empty. */
  readonly slots: readonly number[];
  /** Allocated pages and any page posted or held while not allocated, ascending. */
  readonly pages: readonly PageView[];
  /** The strategy's own lists. */
  readonly lists: readonly StrategyList[];
  /** Counters (see COUNTER_NAMES). */
  readonly counters: readonly number[];
  /** The checker's violations so far (at most 1000 recorded). */
  readonly violations: readonly Violation[];
  /** Decisions that differed from the log's, and the first one's line. */
  readonly mismatches: number;
  readonly firstMismatchLine: number;
}

/** Compute the {@link ViewState} of `r` now. */
export function viewState(r: ViewerReplay): ViewState {
  const { pages, config, strategy, clock } = r.replayer;
  const pieceSize = Math.min(config.bufferSize, config.pageSize);
  const perPage = Math.max(1, Math.floor(config.pageSize / pieceSize));
  const byPage = new Map<number, { state: PieceState; bufId: number; refs: number }[]>();
  const piecesOf = (page: number) => {
    let p = byPage.get(page);
    if (p === undefined) {
      p = Array.from({ length: perPage }, () => ({ state: "free" as PieceState, bufId: -1, refs: 0 }));
      byPage.set(page, p);
    }
    return p;
  };
  for (const page of pages.allocatedPages()) piecesOf(page);
  for (let id = 0; id < r.bufSlot.length; id++) {
    if (r.bufSlot[id] === -1) continue;
    const ps = piecesOf(r.bufPage[id]);
    const first = Math.floor(r.bufOff[id] / pieceSize);
    const last = Math.min(perPage - 1, Math.floor((r.bufOff[id] + Math.max(1, r.bufLen[id]) - 1) / pieceSize));
    for (let k = first; k <= last; k++) {
      ps[k].state = "posted";
      ps[k].bufId = id;
    }
  }
  for (const [key, n] of r.held) {
    const page = Math.floor(key / 65536);
    const k = Math.min(perPage - 1, Math.floor((key % 65536) / pieceSize));
    const piece = piecesOf(page)[k];
    piece.refs += n;
    piece.state = piece.state === "posted" ? "posted+held" : "held";
  }
  const inside = inspectStrategy(strategy);
  const pageViews: PageView[] = [...byPage.keys()]
    .sort((a, b) => a - b)
    .map((page) => ({
      page,
      count: pages.peek(page),
      bias: inside.bias === null ? null : (inside.bias.get(page) ?? 0),
      allocated: pages.isAllocated(page),
      pieces: byPage.get(page) as PieceView[],
    }));
  const at = r.step > 0 ? r.index.inputAt[r.step - 1] + 1 : 0;
  return {
    step: r.step,
    lineNumber: at,
    timeNs: clock.now(),
    pieceSize,
    slots: Array.from(r.slotBuf),
    pages: pageViews,
    lists: inside.lists,
    counters: r.counters(),
    violations: r.checker.list().slice(),
    mismatches: r.mismatches,
    firstMismatchLine: r.firstMismatchLine,
  };
}
