// `pnpm rxsim <args>` from the repository root: build what the CLI needs (cached by turbo), then run it.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { pnpmCommand } from "./run.mjs";

const root = resolve(import.meta.dirname, "..");
const [pnpm, ...pre] = pnpmCommand();
const build = spawnSync(
  pnpm,
  [...pre, "exec", "turbo", "run", "build", "--filter=@rxsim/bench...", "--output-logs=errors-only"],
  { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } },
);
if (build.status !== 0) {
  console.error("rxsim: building the workspace failed (run `pnpm build` to see why)");
  process.exit(2);
}
const cli = spawnSync(process.execPath, [resolve(root, "apps/bench/dist/cli.js"), ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(cli.status ?? 1);
