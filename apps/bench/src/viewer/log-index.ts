import { type DecisionLogHeader, parseDecisionLogHeader } from "@rxsim/core";

/** What happened during a step, as bits of {@link LogIndex.flags}. */
export const StepFlag = {
  /** The page table allocated a page (`P alloc`). */
  Alloc: 1,
  /** The strategy gave a page up while running (dqo `free-page … reason=discard`, page_pool `ring-full`, fifo `cache full`, page-flip not reusing). */
  Discard: 2,
  /** The strategy restocked a page's reserve of references (dqo and page-flip `restock`). */
  Restock: 4,
  /** The invariant checker reported a violation (set by the timeline pass, not by the text). */
  Violation: 8,
  /** The strategy rejected a completion's buffer id. */
  Reject: 16,
} as const;

/**
 * A decision log split into lines, with one step per input (`I …` line): a
 * step is the input and the decisions that follow it up to the next input.
 */
export interface LogIndex {
  readonly header: DecisionLogHeader;
  /** Every line; line `n` of the file is `lines[n - 1]`. */
  readonly lines: readonly string[];
  /** Index into `lines` of each step's input line. */
  readonly inputAt: Int32Array;
  /** {@link StepFlag} bits of each step. */
  readonly flags: Uint8Array;
}

const DISCARD = / reason=discard$| ring-full$|^D cache full |^D drain .* (waive|busy|page-end)$/;

/**
 * Split `text` and index its steps.
 * @throws Error naming the line when the first line is not a decision-log header.
 */
export function indexDecisionLog(text: string): LogIndex {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const header = parseDecisionLogHeader(lines[0] ?? "");
  let steps = 0;
  for (let i = 1; i < lines.length; i++) if (lines[i].charCodeAt(0) === 73 /* I */) steps++;
  const inputAt = new Int32Array(steps);
  const flags = new Uint8Array(steps);
  let s = -1;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.charCodeAt(0) === 73) {
      inputAt[++s] = i;
      continue;
    }
    if (s < 0) continue;
    if (l.startsWith("P alloc ")) flags[s] |= StepFlag.Alloc;
    else if (l.startsWith("D ")) {
      if (DISCARD.test(l)) flags[s] |= StepFlag.Discard;
      else if (l.startsWith("D restock ")) flags[s] |= StepFlag.Restock;
      else if (l.startsWith("D reject ")) flags[s] |= StepFlag.Reject;
    }
  }
  return { header, lines, inputAt, flags };
}

/** The first step after `from` whose flags include `flag`, or -1. */
export function nextStepWith(index: LogIndex, from: number, flag: number): number {
  const f = index.flags;
  for (let s = from + 1; s < f.length; s++) if ((f[s] & flag) !== 0) return s;
  return -1;
}
