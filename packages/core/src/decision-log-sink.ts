/**
 * A sink for decision-log lines (see the core README for the line format).
 * In its own file so the page table and the strategy contract can both name
 * it without importing each other.
 */
export interface DecisionLogSink {
  /** Append one line (no trailing newline). */
  line(text: string): void;
}
