import type { StrategyList } from "../strategy-inspect.js";
import { el, setAttr, setText } from "./dom.js";

/** Entries drawn per list; the rest are counted. */
export const MAX_LIST_ITEMS = 256;

/** The strategy's own lists, head first, as rows of chips. */
export class ListsView {
  private readonly rows = new Map<string, { count: HTMLElement; chips: HTMLElement }>();

  constructor(private readonly body: HTMLElement) {}

  update(lists: readonly StrategyList[]): void {
    if (lists.length === 0 && this.rows.size === 0) {
      setText(this.body, "This strategy keeps no list the viewer knows; its pages are shown above.");
      return;
    }
    for (const l of lists) {
      let row = this.rows.get(l.name);
      if (row === undefined) {
        const r = el("div", "list");
        r.dataset.list = l.name;
        const head = el("div", "lhead");
        const count = el("span", "lcount");
        head.append(el("b", "", l.name), el("span", "", ` (${l.of}, head first) `), count);
        const chips = el("div", "chips");
        r.append(head, chips);
        this.body.append(r);
        row = { count, chips };
        this.rows.set(l.name, row);
      }
      setText(row.count, `${l.items.length} entries`);
      const shown = Math.min(l.items.length, MAX_LIST_ITEMS);
      const chips = row.chips;
      while (chips.childElementCount < shown) chips.append(el("span", "chip"));
      while (chips.childElementCount > shown) (chips.lastChild as HTMLElement).remove();
      for (let i = 0; i < shown; i++) setText(chips.children[i] as HTMLElement, String(l.items[i]));
      setAttr(row.chips, "data-items", l.items.join(","));
    }
  }
}
