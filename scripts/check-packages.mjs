// For every publishable package: pack it as pnpm publishes it, then check the
// tarball with publint --strict and attw, and that no `workspace:` range survives.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pnpmCommand, run } from "./run.mjs";

const root = resolve(import.meta.dirname, "..");
const [pnpm, ...pre] = pnpmCommand();
const dirs = ["packages", "apps"].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, group, d.name)),
);
const out = mkdtempSync(join(tmpdir(), "rxsim-pack-"));
let failures = 0;
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  if (pkg.private) continue;
  const dest = join(out, pkg.name.replace("/", "__"));
  mkdirSync(dest, { recursive: true });
  run(pnpm, [...pre, "pack", "--pack-destination", dest], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  const tarball = join(
    dest,
    readdirSync(dest).find((f) => f.endsWith(".tgz")),
  );
  const packed = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(packed[field] ?? {})) {
      if (
        String(range).startsWith("workspace:") ||
        (!/^[\^~]?\d/.test(String(range)) && !/^[><=]/.test(String(range)))
      ) {
        console.error(`✖ ${pkg.name}: packed ${field}.${name} is "${range}", not a real version range`);
        failures++;
      }
    }
  }
  run(pnpm, [...pre, "exec", "publint", "--strict", tarball], { cwd: dir });
  run(pnpm, [...pre, "exec", "attw", "--profile", "esm-only", "--format", "table-flipped", tarball], { cwd: dir });
  console.log(`✔ ${pkg.name}@${packed.version}: packed with real versions, publint and attw clean`);
}
rmSync(out, { recursive: true, force: true });
if (failures > 0) process.exit(1);
