// Bundle the sweep's two entry points into one file each: the worker
// (dist/sweep-worker.js → dist/sweep-worker.bundle.js) and the command the
// main thread runs (dist/commands/sweep.js → dist/commands/sweep.bundle.js),
// each with the harness and the built-in strategies. Node loads ~110 small ES
// modules one by one before the main thread can plan and again in every worker
// thread before its first task: serial time every sweep pays whatever its
// worker count. One file loads in about half the time.
//
// Only rxsim's own code is bundled. @rxsim/core stays a package import so the
// harness, the built-in strategies and a user's strategy module share one copy
// of it, as without the bundles (its error classes are checked with
// instanceof); npm dependencies stay imports too (piscina finds its own worker
// script beside its module); so do the modules main.js itself imports
// (errors.js: main tells a CliError with instanceof and takes its exit code).
// Run by `build`, after tsc.

import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8"));
const bundled = (name) => name.startsWith("@rxsim/") && name !== "@rxsim/core";
const external = Object.keys(pkg.dependencies).filter((name) => !bundled(name));

const shared = new Set(["errors.js", "watchdog.js"].map((f) => resolve(root, "dist", f)));

/** Keep the modules main.js shares with the command as imports of the one file beside it. */
const keepShared = (outfile) => ({
  name: "keep-shared",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      if (!shared.has(path)) return undefined;
      const rel = relative(dirname(outfile), path);
      return { path: rel.startsWith(".") ? rel : `./${rel}`, external: true };
    });
  },
});

for (const entry of ["sweep-worker", "commands/sweep"]) {
  const outfile = resolve(root, `dist/${entry}.bundle.js`);
  await build({
    entryPoints: [resolve(root, `dist/${entry}.js`)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external,
    plugins: [keepShared(outfile)],
    logLevel: "warning",
  });
}
