import type { PageView } from "../view-state.js";
import { el, input, setAttr, setText } from "./dom.js";

/**
 * A reference count short enough for a label: page_pool and page-flip keep
 * counts near a large power of two (a pre-paid bias), shown as `2^k±d`.
 */
export function shortCount(n: number): string {
  if (Math.abs(n) < 100_000) return String(n);
  const k = Math.round(Math.log2(Math.abs(n)));
  const d = n - 2 ** k;
  return `2^${k}${d === 0 ? "" : d > 0 ? `+${d}` : `−${-d}`}`;
}

/** Pages drawn at most; the rest are counted (the DOM stays small on any log). */
export const MAX_PAGES_SHOWN = 1024;

/**
 * Every page as a bar split into buffer-sized pieces coloured by state:
 * posted to the device (with its buffer id), held by the stack (with its
 * fragment count), or free; over the bar the page id, its reference count
 * and, for strategies that keep one, its `pagecnt_bias`.
 */
export class PagesView {
  private readonly grid = el("div", "pages");
  private readonly more = el("span", "note");
  private readonly from = input("number", "pages-from", 0, null, "first page drawn (by position in the list)");
  private cells: HTMLElement[] = [];
  private last: readonly PageView[] = [];

  constructor(body: HTMLElement) {
    const pager = el("div", "controls");
    this.from.step = String(MAX_PAGES_SHOWN);
    this.from.addEventListener("change", () => this.update(this.last));
    pager.append(el("span", "of", "first page drawn (position):"), this.from, this.more);
    body.append(pager, this.grid);
  }

  update(all: readonly PageView[]): void {
    this.last = all;
    const first = Math.max(0, Math.min(Number(this.from.value) || 0, Math.max(0, all.length - 1)));
    const pages = all.slice(first, first + MAX_PAGES_SHOWN);
    const shown = pages.length;
    while (this.cells.length < shown) {
      const c = el("div", "page");
      c.append(el("div", "plabel"), el("div", "bar"));
      this.grid.append(c);
      this.cells.push(c);
    }
    while (this.cells.length > shown) (this.cells.pop() as HTMLElement).remove();
    for (let i = 0; i < shown; i++) {
      const p = pages[i];
      const c = this.cells[i];
      setAttr(c, "data-page", String(p.page));
      setAttr(c, "data-count", String(p.count));
      setAttr(c, "data-bias", p.bias === null ? "" : String(p.bias));
      setAttr(c, "class", p.allocated ? "page" : "page unallocated");
      const label = c.firstChild as HTMLElement;
      // With a bias, the telling number is the references beyond it: the stack's.
      setText(label, `${p.page} ·${p.bias === null ? shortCount(p.count) : `s${shortCount(p.count - p.bias)}`}`);
      c.title = `page ${p.page}: count ${p.count}${p.bias === null ? "" : `, pagecnt_bias ${p.bias}`}${p.allocated ? "" : " (not allocated!)"}`;
      const bar = c.lastChild as HTMLElement;
      while (bar.childElementCount < p.pieces.length) bar.append(el("span", "piece"));
      while (bar.childElementCount > p.pieces.length) (bar.lastChild as HTMLElement).remove();
      for (let k = 0; k < p.pieces.length; k++) {
        const piece = p.pieces[k];
        const s = bar.children[k] as HTMLElement;
        setAttr(s, "class", `piece ${piece.state === "posted+held" ? "clash" : piece.state}`);
        setAttr(s, "data-state", piece.state);
        setAttr(s, "data-buf", String(piece.bufId));
        setAttr(s, "data-refs", String(piece.refs));
        setText(s, piece.state === "posted" ? String(piece.bufId) : piece.refs > 0 ? `×${piece.refs}` : "");
      }
    }
    setText(
      this.more,
      `pages ${shown === 0 ? 0 : first + 1}–${first + shown} of ${all.length} (at most ${MAX_PAGES_SHOWN} drawn at once)`,
    );
  }
}
