import { builtinModules } from "node:module";
import { defineConfig, type Plugin } from "vite";

const NODE_ONLY = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Fail the build when anything the page or the worker bundles imports a Node
 * module: the simulation path (core, harness/browser, strategies) must stay
 * browser-safe, with file access only in the main entry's edge files.
 */
function refuseNodeModules(): Plugin {
  return {
    name: "rxsim-refuse-node-modules",
    enforce: "pre",
    resolveId(id, importer) {
      if (id.startsWith("node:") || NODE_ONLY.has(id)) {
        this.error(`${importer ?? "the page"} imports the Node module "${id}": the browser build must not`);
      }
      return null;
    },
  };
}

export default defineConfig({
  // Relative asset paths: the built folder works from any URL prefix (a static host, a sub-path).
  base: "./",
  plugins: [refuseNodeModules()],
  worker: { format: "es", plugins: () => [refuseNodeModules()] },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
});
