import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/** Build the site and the CLI it is compared with (turbo caches both), so the test serves dist/ and spawns dist/cli.js. */
export default function setup(): void {
  const root = resolve(import.meta.dirname, "../../..");
  const exec = process.env.npm_execpath;
  const [cmd, args] =
    exec && /pnpm/.test(exec)
      ? [process.execPath, [exec, "exec", "turbo"]]
      : ["npx", ["-y", "pnpm@10.34.9", "exec", "turbo"]];
  execFileSync(
    cmd as string,
    [...(args as string[]), "run", "build", "--filter=@rxsim/web...", "--output-logs=errors-only"],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } },
  );
}
