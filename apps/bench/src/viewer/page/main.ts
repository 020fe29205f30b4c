// The decision-log viewer page. Bundled (with core, the built-in strategies
// and Plot) into one script by scripts/build-viewer.mjs; the page's state at
// every step comes from ViewerReplay, i.e. core's decision-log replayer.
import { indexDecisionLog, type LogIndex, nextStepWith, StepFlag } from "../log-index.js";
import { factoryForLog } from "../strategy-factory.js";
import { buildTimeline, seek, type Timeline } from "../timeline.js";
import { viewState } from "../view-state.js";
import { ViewerReplay } from "../viewer-replay.js";
import { CountersView } from "./counters-view.js";
import { el, input, panel, setText } from "./dom.js";
import { ListsView } from "./lists-view.js";
import { LogView } from "./log-view.js";
import { PagesView } from "./pages-view.js";
import { RingView } from "./ring-view.js";

const COLOUR = "#1f77b4";

async function readLog(): Promise<string> {
  const b64 = (document.getElementById("rxsim-log")?.textContent ?? "").trim();
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

const nextTask = () => new Promise<void>((r) => setTimeout(r, 0));

function fmtTime(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${ns} ns`;
}

function button(parent: HTMLElement, id: string, text: string, title: string): HTMLButtonElement {
  const b = el("button", "", text);
  b.id = id;
  b.title = title;
  b.type = "button";
  parent.append(b);
  return b;
}

function ui(index: LogIndex, replay: ViewerReplay, timeline: Timeline, status: HTMLElement): void {
  const steps = replay.steps;
  const main = document.getElementById("main") as HTMLElement;
  const controls = el("div", "controls");
  const start = button(controls, "start", "start", "back to the start (Home)");
  const back = button(controls, "back", "◀ step", "one step back (←)");
  const play = button(controls, "play", "▶ play", "play / pause (space)");
  const fwd = button(controls, "fwd", "step ▶", "one step forward (→)");
  const speed = el("select");
  speed.id = "speed";
  speed.title = "steps per frame while playing";
  for (const n of [1, 10, 100, 1000, 10000]) {
    const o = el("option", "", `${n} steps/frame`);
    o.value = String(n);
    speed.append(o);
  }
  speed.value = "10";
  controls.append(speed);
  const range = input("range", "seek", 0, steps, "seek");
  const stepNo = input("number", "step", 0, steps, "go to step (Enter)");
  controls.append(range, stepNo, el("span", "of", `of ${steps.toLocaleString("en-US")} steps`));
  const jumps = el("div", "controls");
  jumps.append(el("span", "of", "next:"));
  const jump = (id: string, text: string, flag: number) => {
    let total = 0;
    for (const f of index.flags) if ((f & flag) !== 0) total++;
    const b = button(jumps, id, `${text} (${total.toLocaleString("en-US")})`, `jump to the next step with ${text}`);
    b.disabled = total === 0;
    b.addEventListener("click", () => {
      const s = nextStepWith(index, replay.step - 1, flag);
      if (s >= 0) go(s + 1);
    });
  };
  jump("next-alloc", "allocation", StepFlag.Alloc);
  jump("next-discard", "discard", StepFlag.Discard);
  jump("next-restock", "restock", StepFlag.Restock);
  jump("next-violation", "violation", StepFlag.Violation);
  jump("next-reject", "rejected id", StepFlag.Reject);
  const where = el("p", "where");
  where.id = "where";
  const mismatch = el("p", "warn");
  mismatch.id = "mismatch";
  main.append(controls, jumps, where, mismatch);

  const grid = el("div", "grid");
  main.append(grid);
  const logView = new LogView(
    panel(grid, "p-log", "This step", "The input just applied and the decisions it led to (highlighted)."),
    index,
  );
  const lists = new ListsView(
    panel(
      grid,
      "p-lists",
      "The strategy's lists",
      "dqo: recycled and used FIFOs and the free list; page_pool: cache and ring.",
    ),
  );
  const legend =
    "Pieces: blue = posted to the device (buffer id), orange = held by the stack (×fragments), grey = free, red = posted while held. Label: page ·count, or, for a strategy with a pagecnt_bias, page ·s(count − bias), the references beyond the bias. Hover for both.";
  const pages = new PagesView(panel(grid, "p-pages", "Pages", legend));
  const ring = new RingView(
    panel(
      grid,
      "p-ring",
      `Buffer queue (${replay.replayer.config.bufqSlots} slots)`,
      "Buffer ids the device holds; slot = post order modulo the ring size; empty once completed.",
    ),
    replay.replayer.config.bufqSlots,
  );
  const counters = new CountersView(
    panel(grid, "p-counters", "Counters over the run", "Sampled over the whole log; the line marks the current step."),
    timeline,
    COLOUR,
  );
  const violations = el("ol", "violations");
  panel(
    grid,
    "p-violations",
    "Violations so far",
    "Core's invariant checker, fed as the driver model feeds it.",
  ).append(violations);

  let pending = false;
  const render = () => {
    pending = false;
    const v = viewState(replay);
    setText(
      where,
      `step ${v.step.toLocaleString("en-US")} of ${steps.toLocaleString("en-US")} · line ${v.lineNumber.toLocaleString("en-US")} · t = ${fmtTime(v.timeNs)} · posted ${v.counters[1]} · held ${v.counters[2]} · resident ${v.counters[0]} pages`,
    );
    setText(
      mismatch,
      v.mismatches === 0
        ? ""
        : `${v.mismatches} decision(s) differ from the log's so far, the first at line ${v.firstMismatchLine}: this rxsim's strategy is not the one that wrote the log.`,
    );
    logView.update(v.step);
    pages.update(v.pages);
    lists.update(v.lists);
    ring.update(v.slots);
    counters.update(v.step);
    if (violations.childElementCount !== v.violations.length) {
      violations.replaceChildren(...v.violations.map((x) => el("li", "", `${x.kind}: ${x.message}`)));
    }
    range.value = String(v.step);
    stepNo.value = String(v.step);
    document.body.dataset.step = String(v.step);
  };
  const schedule = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(render);
    }
  };
  const go = (step: number) => {
    seek(replay, timeline, step);
    schedule();
  };
  let playing = false;
  const frame = () => {
    if (!playing) return;
    const n = Number(speed.value);
    for (let i = 0; i < n && replay.advance(); i++) {}
    render();
    if (replay.step >= steps) toggle();
    else requestAnimationFrame(frame);
  };
  const toggle = () => {
    playing = !playing;
    play.textContent = playing ? "⏸ pause" : "▶ play";
    if (playing) requestAnimationFrame(frame);
  };
  start.addEventListener("click", () => go(0));
  back.addEventListener("click", () => go(replay.step - 1));
  fwd.addEventListener("click", () => go(replay.step + 1));
  play.addEventListener("click", toggle);
  range.addEventListener("input", () => go(Number(range.value)));
  stepNo.addEventListener("change", () => go(Number(stepNo.value)));
  document.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === " ") {
      e.preventDefault();
      toggle();
    } else if (e.key === "ArrowRight") go(replay.step + 1);
    else if (e.key === "ArrowLeft") go(replay.step - 1);
    else if (e.key === "Home") go(0);
  });
  setText(status, "");
  render();
  document.body.dataset.steps = String(steps);
  document.body.dataset.ready = "1";
}

async function boot(): Promise<void> {
  const status = document.getElementById("status") as HTMLElement;
  try {
    setText(status, "reading the log…");
    const text = await readLog();
    const index = indexDecisionLog(text);
    const replay = new ViewerReplay(index, factoryForLog(index.header));
    const it = buildTimeline(replay);
    let r = it.next();
    while (!r.done) {
      setText(
        status,
        `replaying the log once to index it: step ${r.value.toLocaleString("en-US")} of ${replay.steps.toLocaleString("en-US")}…`,
      );
      await nextTask();
      r = it.next();
    }
    ui(index, replay, r.value, status);
  } catch (error) {
    setText(status, `rxsim viewer: ${(error as Error).message}`);
    document.body.dataset.error = (error as Error).message;
  }
}

void boot();
