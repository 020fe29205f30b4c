/**
 * Integration point with the decision-log viewer (`rxsim view FILE`, apps/bench).
 *
 * The page produces a strategy's decision log — byte for byte what
 * `rxsim compare --strategies NAME --decision-log FILE` writes for the same
 * knobs — and hands it over here. Today the hand-over is a download the
 * viewer opens; once the viewer's page can be loaded as a module, this is the
 * one function to change so the log opens in the page instead.
 */
export interface DecisionLogFile {
  /** The strategy whose decisions these are. */
  readonly strategy: string;
  /** Suggested file name. */
  readonly fileName: string;
  /** The log: header line, then one line per input and decision. */
  readonly text: string;
}

/** Hand a decision log to the viewer: today, save it as a file (`rxsim view FILE` opens it). */
export function handOffDecisionLog(log: DecisionLogFile): void {
  const url = URL.createObjectURL(new Blob([log.text], { type: "text/plain" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = log.fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: the download reads the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
