import {
  allocFailAttempts,
  CompletionResult,
  createDecisionLogReplayer,
  type DecisionLogReplayer,
  InvariantChecker,
  type RxStrategyFactory,
} from "@rxsim/core";
import type { LogIndex } from "./log-index.js";

/** Counters the viewer plots over time, in this order. */
export const COUNTER_NAMES = [
  "resident pages",
  "posted buffers",
  "fragments held by the stack",
  "page allocations",
  "page frees",
  "atomic ref ops",
  "violations",
] as const;

const FRAG = "frag";
/** Bytes per page offset key: offsets are below the largest page size (64 KiB). */
const KEY = 65536;

/**
 * A decision log being replayed one step (one input line) at a time by core's
 * {@link createDecisionLogReplayer} — the code `replayDecisionLog` and every
 * strategy's decision-log test run — with what the driver model around it
 * knows: which buffer ids are posted and in which ring slot, which fragments
 * the stack holds, and core's invariant checker fed as `RxQueue` feeds it.
 * It also compares every decision the strategy makes with the log's.
 *
 * Every mutable value lives in a field (typed arrays, a Map), so the
 * timeline can checkpoint it with `takeCheckpoint(replay, skip)`.
 */
export class ViewerReplay {
  readonly replayer: DecisionLogReplayer;
  readonly checker: InvariantChecker;
  /** Steps (inputs) applied so far. */
  step = 0;
  /** Ring slot → buffer id posted in it and still held by the device, -1 when empty. */
  slotBuf: Int32Array;
  /** Buffer id → its ring slot while posted, -1 otherwise. */
  bufSlot = new Int32Array(1024).fill(-1);
  /** Buffer id → page, offset and length it was last posted with. */
  bufPage = new Int32Array(1024);
  bufOff = new Int32Array(1024);
  bufLen = new Int32Array(1024);
  /** Buffers posted so far (the next one goes into slot `postSeq mod slots`). */
  postSeq = 0;
  /** Buffers posted and not yet completed. */
  postedCount = 0;
  /** `page * 65536 + offset` → fragments the stack holds there. */
  readonly held = new Map<number, number>();
  /** Fragments the stack holds. */
  heldCount = 0;
  /** Index into the log's lines of the next decision the strategy should make. */
  cursor = 0;
  /** Decisions that differed from the log's. */
  mismatches = 0;
  /** Line number of the first decision that differed, 0 when none. */
  firstMismatchLine = 0;

  constructor(
    readonly index: LogIndex,
    factory: RxStrategyFactory,
  ) {
    // Decisions made at create (a QPL's pages) follow the header.
    this.cursor = 1;
    this.replayer = createDecisionLogReplayer(index.header, factory, {
      failAttempts: allocFailAttempts(index.lines),
      log: { line: (text) => this.decided(text) },
      onPost: (bufId, page, offset, len) => this.posted(bufId, page, offset, len),
    });
    this.checker = new InvariantChecker({ pageSize: this.replayer.config.pageSize, maxRecorded: 1000 });
    this.replayer.pages.setObserver(this.checker);
    this.slotBuf = new Int32Array(this.replayer.config.bufqSlots).fill(-1);
    const first = index.inputAt.length > 0 ? index.inputAt[0] : index.lines.length;
    if (this.cursor < first) this.mismatch(this.cursor);
  }

  /** Number of steps in the log. */
  get steps(): number {
    return this.index.inputAt.length;
  }

  /** Objects a checkpoint must not copy: the log itself. */
  checkpointSkip(): Set<object> {
    const ix = this.index;
    return new Set<object>([ix, ix.lines, ix.inputAt, ix.flags]);
  }

  private decided(text: string): void {
    if (this.index.lines[this.cursor] !== text) this.mismatch(this.cursor);
    this.cursor++;
  }

  private mismatch(lineIndex: number): void {
    if (this.mismatches++ === 0) this.firstMismatchLine = lineIndex + 1;
  }

  private posted(bufId: number, page: number, offset: number, len: number): void {
    this.checker.posted(bufId, page, offset, len, this.replayer.pages.isAllocated(page));
    if (bufId >= this.bufSlot.length) this.grow(bufId);
    const slot = this.postSeq++ % this.slotBuf.length;
    this.slotBuf[slot] = bufId;
    if (this.bufSlot[bufId] === -1) this.postedCount++;
    this.bufSlot[bufId] = slot;
    this.bufPage[bufId] = page;
    this.bufOff[bufId] = offset;
    this.bufLen[bufId] = len;
  }

  private grow(bufId: number): void {
    const n = Math.max(bufId + 1, this.bufSlot.length * 2);
    const widen = (a: Int32Array, fill: number) => {
      const b = new Int32Array(n).fill(fill);
      b.set(a);
      return b;
    };
    this.bufSlot = widen(this.bufSlot, -1);
    this.bufPage = widen(this.bufPage, 0);
    this.bufOff = widen(this.bufOff, 0);
    this.bufLen = widen(this.bufLen, 0);
  }

  private unpost(bufId: number): void {
    const slot = this.bufSlot[bufId];
    if (slot === -1) return;
    if (this.slotBuf[slot] === bufId) this.slotBuf[slot] = -1;
    this.bufSlot[bufId] = -1;
    this.postedCount--;
  }

  private hold(page: number, offset: number, delta: number): void {
    const key = page * KEY + offset;
    const n = (this.held.get(key) ?? 0) + delta;
    if (n > 0) this.held.set(key, n);
    else this.held.delete(key);
    this.heldCount += delta;
  }

  /** Apply the next step. Returns false at the end of the log. */
  advance(): boolean {
    const { inputAt, lines } = this.index;
    if (this.step >= inputAt.length) return false;
    const at = inputAt[this.step];
    const line = lines[at];
    this.cursor = at + 1;
    const f = line.split(" ");
    const checker = this.checker;
    switch (f[1]) {
      case "complete": {
        const bufId = Number(f[2]);
        // As RxQueue: the device no longer writes the buffer, whatever the strategy answers.
        checker.completed(bufId);
        const known = bufId >= 0 && bufId < this.bufSlot.length && this.bufSlot[bufId] !== -1;
        const page = known ? this.bufPage[bufId] : -1;
        const offset = known ? this.bufOff[bufId] : 0;
        const r = this.replayer.input(line, at + 1);
        if (r === CompletionResult.Rejected) break;
        if (known) this.unpost(bufId);
        if (f[3] !== FRAG || r === CompletionResult.Dropped) break;
        const bytes = Number(f[4]);
        const redirect = this.replayer.redirect;
        const p = r === CompletionResult.Redirected ? redirect.page : page;
        const o = r === CompletionResult.Redirected ? redirect.offset : offset;
        this.hold(p, o, 1);
        checker.held(p, o, bytes);
        break;
      }
      case "release": {
        const page = Number(f[2]);
        const offset = Number(f[3]);
        checker.released(page, offset, Number(f[4]));
        this.hold(page, offset, -1);
        this.replayer.input(line, at + 1);
        break;
      }
      case "teardown":
        // The device hands back every posted buffer.
        for (let id = 0; id < this.bufSlot.length; id++) {
          if (this.bufSlot[id] !== -1) {
            checker.completed(id);
            this.unpost(id);
          }
        }
        this.replayer.input(line, at + 1);
        break;
      default:
        this.replayer.input(line, at + 1);
    }
    const end = this.step + 1 < inputAt.length ? inputAt[this.step + 1] : lines.length;
    // A decision the log has and the replay did not make.
    if (this.cursor < end) this.mismatch(this.cursor);
    this.step++;
    return true;
  }

  /** The counters of {@link COUNTER_NAMES}, now. */
  counters(): number[] {
    const p = this.replayer.pages;
    return [p.resident, this.postedCount, this.heldCount, p.allocs, p.frees, p.atomicOps, this.checker.violations];
  }
}
