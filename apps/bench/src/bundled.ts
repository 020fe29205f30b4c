import { statSync } from "node:fs";

/**
 * The one-file bundle `build` writes beside a module (scripts/build-bundles.mjs:
 * it loads in about half the time), when it is there and was written with the
 * module; otherwise the module itself (tests from source, a tree compiled by
 * `tsc` alone after the last full build, whose bundle is stale).
 */
export function bundledUrl(bundle: URL, module: URL): URL | null {
  try {
    // Turbo restores a cached build's files in any order, milliseconds apart: "with" allows a second.
    return statSync(bundle).mtimeMs >= statSync(module).mtimeMs - 1000 ? bundle : null;
  } catch {
    return null;
  }
}
