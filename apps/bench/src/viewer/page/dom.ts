/** Create an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = "",
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Set `text` only when it changed (cheap updates while playing). */
export function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

/** Set an attribute only when it changed. */
export function setAttr(e: HTMLElement, name: string, value: string): void {
  if (e.getAttribute(name) !== value) e.setAttribute(name, value);
}

/** A section with a heading and a note, appended to `parent`; returns its body. */
export function panel(parent: HTMLElement, id: string, title: string, note: string): HTMLElement {
  const s = el("section", "panel");
  s.id = id;
  s.append(el("h2", "", title), el("p", "note", note));
  const body = el("div", "body");
  s.append(body);
  parent.append(s);
  return body;
}

/** An <input> of `type` with an id, bounds and a tooltip. */
export function input(type: string, id: string, min: number, max: number | null, title: string): HTMLInputElement {
  const e = el("input");
  e.type = type;
  e.id = id;
  e.min = String(min);
  if (max !== null) e.max = String(max);
  e.value = String(min);
  e.title = title;
  return e;
}
