import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { CliError } from "../errors.js";
import { escapeHtml, htmlDocument, inlineScript } from "../report/html-text.js";

/** The bundled page script (scripts/build-viewer.mjs), the same path from src/ and dist/. */
const BUNDLE = resolve(import.meta.dirname, "../../dist/viewer-page.js");

/** The page script, bundled at build time. */
export function viewerBundle(): string {
  if (!existsSync(BUNDLE)) {
    throw new CliError(`the viewer's page script ${BUNDLE} is missing: build @rxsim/bench first (pnpm build)`);
  }
  return readFileSync(BUNDLE, "utf8");
}

const CSS = `
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px 20px; color: #222; }
h1 { font-size: 19px; margin: 0 0 2px; } h2 { font-size: 14px; margin: 0 0 2px; }
.sub, .note { color: #555; margin: 0 0 4px; } .note { font-size: 12px; }
.warn { color: #b00; margin: 2px 0; } .warn:empty { display: none; }
.controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; }
.controls button { font: inherit; padding: 2px 8px; }
#seek { flex: 1 1 240px; } #step { width: 90px; } .of { color: #555; }
.where { font-variant-numeric: tabular-nums; margin: 4px 0 8px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 12px; }
.panel { border: 1px solid #ddd; border-radius: 4px; padding: 8px; min-width: 0; }
#p-pages, #p-ring, #p-counters, #p-violations { grid-column: 1 / -1; }
.log { margin: 0; font: 12px/1.35 ui-monospace, monospace; overflow-x: auto; }
.ln { white-space: pre; } .ln.cur { background: #fff3c4; } .ln .no { display: inline-block; width: 7ch; color: #888; }
.pages { display: flex; flex-wrap: wrap; gap: 4px 6px; max-height: 420px; overflow-y: auto; }
.page { display: flex; flex-direction: column; min-width: 58px; max-width: 100%; }
.plabel { font-size: 10px; line-height: 12px; color: #333; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; width: 0; min-width: 100%; }
.page.unallocated .plabel { color: #b00; }
.bar { display: flex; gap: 1px; border: 1px solid #999; background: #999; }
.piece { min-width: 26px; height: 14px; font-size: 9px; line-height: 14px; text-align: center; color: #fff; overflow: hidden; }
.piece.free { background: #e4e4e4; color: #555; } .piece.posted { background: #1f77b4; }
.piece.held { background: #ff7f0e; } .piece.clash { background: #d62728; }
.ring { display: grid; grid-template-columns: repeat(32, minmax(0, 1fr)); gap: 1px; }
.slot { height: 14px; font-size: 9px; line-height: 14px; text-align: center; overflow: hidden; }
.slot.posted { background: #1f77b4; color: #fff; } .slot.empty { background: #eee; }
.list { margin: 0 0 6px; } .chips { display: flex; flex-wrap: wrap; gap: 2px; max-height: 120px; overflow-y: auto; }
.chip { font-size: 10px; padding: 0 3px; background: #eef; border: 1px solid #ccd; border-radius: 2px; }
.counters { display: flex; flex-wrap: wrap; gap: 8px; }
.counter { position: relative; } .ctitle { font-size: 12px; font-weight: 600; height: 16px; }
.counter .cursor { position: absolute; top: 16px; height: 130px; width: 0; border-left: 1px solid #d62728; pointer-events: none; }
.violations { margin: 0; padding-left: 20px; max-height: 200px; overflow-y: auto; }
`;

/** What a viewer page embeds. */
export interface ViewerPage {
  /** Page title. */
  title: string;
  /** Lines under the title. */
  subtitle: string[];
  /** The decision log's text. */
  log: string;
}

/**
 * A self-contained viewer page: the bundled script and the log (gzip,
 * base64) inline, nothing fetched. The page unzips the log with the
 * browser's DecompressionStream and replays it.
 */
export function renderViewerHtml(page: ViewerPage): string {
  const log = gzipSync(page.log, { level: 6 }).toString("base64");
  const body = `${page.subtitle.map((s) => `<p class="sub">${escapeHtml(s)}</p>`).join("\n")}
<p id="status" class="note">loading…</p>
<div id="main"></div>
<script type="application/octet-stream" id="rxsim-log">${log}</script>
<script>${inlineScript(viewerBundle())}</script>`;
  return htmlDocument(page.title, CSS, body);
}
