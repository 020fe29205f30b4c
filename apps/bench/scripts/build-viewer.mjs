// Bundle the decision-log viewer page (src/viewer/page/main.ts, with core, the
// built-in strategies and Plot) into one browser script, dist/viewer-page.js,
// which `rxsim view` inlines into every page it writes. Run by `build`, and by
// the viewer's browser test so it always tests the current source.

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(fileURLToPath(import.meta.url), "../..");

/** Build the bundle; resolves to its path. */
export async function buildViewer() {
  const outfile = resolve(root, "dist/viewer-page.js");
  await build({
    entryPoints: [resolve(root, "src/viewer/page/main.ts")],
    outfile,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    // Workspace packages from source, as the tests run them.
    conditions: ["@rxsim/source"],
    logLevel: "warning",
  });
  return outfile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildViewer();
}
