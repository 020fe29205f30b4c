import type { LogIndex } from "../log-index.js";
import { el } from "./dom.js";

/** Lines shown before the current step's input. */
const BEFORE = 3;
/** Lines shown at most from the current input on. */
const WINDOW = 14;

/** The log's lines around the current step, the current step's lines marked. */
export class LogView {
  private readonly pre = el("pre", "log");

  constructor(
    body: HTMLElement,
    private readonly index: LogIndex,
  ) {
    body.append(this.pre);
  }

  update(step: number): void {
    const { inputAt, lines } = this.index;
    // The step just applied is step - 1; before the first, show the header.
    const cur = step > 0 ? inputAt[step - 1] : 0;
    const end = step < inputAt.length ? inputAt[step] : lines.length;
    const from = Math.max(0, cur - BEFORE);
    const to = Math.min(lines.length, Math.max(end, cur + 1), cur + WINDOW);
    const frag = document.createDocumentFragment();
    for (let i = from; i < to; i++) {
      const row = el("div", i >= cur && i < end ? "ln cur" : "ln");
      row.append(el("span", "no", String(i + 1)), document.createTextNode(lines[i]));
      frag.append(row);
    }
    if (end - cur > WINDOW)
      frag.append(el("div", "ln more", `… ${end - cur - WINDOW + BEFORE} more lines in this step`));
    this.pre.replaceChildren(frag);
  }
}
