import { el, setAttr, setText } from "./dom.js";

/**
 * The buffer queue's slots: the buffer id the device holds in each, empty
 * once completed. Slot = post order modulo the ring size (the driver writes
 * descriptors at the tail in order).
 */
export class RingView {
  private readonly cells: HTMLElement[] = [];

  constructor(body: HTMLElement, slots: number) {
    const grid = el("div", "ring");
    for (let s = 0; s < slots; s++) {
      const c = el("div", "slot empty");
      c.dataset.slot = String(s);
      c.title = `slot ${s}`;
      this.cells.push(c);
      grid.append(c);
    }
    body.append(grid);
  }

  update(slots: readonly number[]): void {
    for (let s = 0; s < this.cells.length; s++) {
      const c = this.cells[s];
      const id = slots[s];
      setAttr(c, "data-buf", String(id));
      setAttr(c, "class", id < 0 ? "slot empty" : "slot posted");
      setText(c, id < 0 ? "" : String(id));
    }
  }
}
