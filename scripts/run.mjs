// Small helpers shared by the repository scripts.
import { spawnSync } from "node:child_process";

/** The pnpm that runs this script (pnpm sets npm_execpath), or the pinned pnpm through npx. */
export function pnpmCommand() {
  const exec = process.env.npm_execpath;
  if (exec && /pnpm/.test(exec)) return [process.execPath, exec];
  return ["npx", "-y", "pnpm@10.34.9"];
}

/** Run a command with inherited output; exit with its code when it fails. */
export function run(cmd, args, options = {}) {
  const shown = [cmd, ...args].map((a) => (a === process.execPath ? "node" : a)).join(" ");
  console.log(`\n▶ ${shown}`);
  const r = spawnSync(cmd, args, {
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
    ...options,
  });
  if (r.error) {
    console.error(`✖ could not start ${cmd}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) {
    console.error(`✖ ${shown} failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}
