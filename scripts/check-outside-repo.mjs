// Docs that work outside the repository. Packs every package as pnpm publishes it, then, each in an empty folder:
// 1. installs exactly what a package README's `npm install` line names (rxsim packages from the tarballs, anything
//    else from the npm registry), typechecks and runs every TypeScript example of that README, and runs the
//    `rxsim` lines of the CLI README's examples;
// 2. unpacks the example strategy's packed form (the copy-out form: real version ranges, its own tsconfig and dev
//    dependencies), installs it with @rxsim/core from the tarball, builds it, typechecks it and runs its tests.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pnpmCommand, run } from "./run.mjs";

const root = resolve(import.meta.dirname, "..");
const [pnpm, ...pre] = pnpmCommand();
const TSC = join(root, "node_modules/typescript/bin/tsc");
const TSX = join(root, "node_modules/tsx/dist/cli.mjs");
const work = mkdtempSync(join(tmpdir(), "rxsim-outside-"));
const npmQuiet = ["--no-audit", "--no-fund", "--loglevel=error"];
let failures = 0;

function fail(message) {
  console.error(`✖ ${message}`);
  failures++;
}

/** Run a command in `cwd`; on failure print its output and count it. */
function check(what, cmd, args, cwd) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  if (process.env.RXSIM_CHECK_TIMES) console.log(`  (${what}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (r.status === 0) return r.stdout;
  fail(`${what}: ${[cmd, ...args].join(" ")} exited with ${r.status ?? r.error?.message}\n${r.stdout}${r.stderr}`);
  return null;
}

// Pack every package (the example too: its packed form is the one to copy out).
const dirs = ["packages", "apps", "examples"].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, group, d.name)),
);
const tarballs = new Map();
const rxsimDeps = new Map();
const packages = [];
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  if (pkg.private && pkg.name !== "@rxsim/example-strategy") continue;
  const dest = join(work, "tarballs", pkg.name.replace("/", "__"));
  mkdirSync(dest, { recursive: true });
  run(pnpm, [...pre, "pack", "--pack-destination", dest], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  rxsimDeps.set(pkg.name, pkg.dependencies);
  tarballs.set(
    pkg.name,
    join(
      dest,
      readdirSync(dest).find((f) => f.endsWith(".tgz")),
    ),
  );
  if (!pkg.private) packages.push({ dir, name: pkg.name });
}

/** Fenced blocks of a markdown file: language, info words after it (`ts fragment`: not run alone) and text. */
function fencedBlocks(markdown) {
  return [...markdown.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```/gm)].map((m) => ({
    lang: m[1],
    fragment: /\bfragment\b/.test(m[2]),
    text: m[3],
  }));
}

/** An empty folder with a package.json, the README's install line run in it. Returns the folder or null. */
function installLine(name, line) {
  const dir = join(work, name.replace("/", "__"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ private: true, type: "module" }, null, 2)}\n`);
  const args = line.trim().split(/\s+/).slice(2);
  const specs = [];
  for (const a of args) {
    if (a.startsWith("-")) continue;
    const bare = a.replace(/(.)@[^/]*$/, "$1");
    if (bare.startsWith("@rxsim/")) {
      if (!tarballs.has(bare)) return fail(`${name}: README installs ${a}, which is not a package of this repository`);
      specs.push(tarballs.get(bare));
    } else specs.push(a);
  }
  // The rxsim packages those depend on come from the tarballs too, as they would from the registry once published.
  for (let i = 0; i < specs.length; i++) {
    const dep = [...tarballs].find(([, t]) => t === specs[i])?.[0];
    for (const d of Object.keys(rxsimDeps.get(dep) ?? {})) {
      if (d.startsWith("@rxsim/") && !specs.includes(tarballs.get(d))) specs.push(tarballs.get(d));
    }
  }
  console.log(`\n▶ ${name}: ${line.trim()}`);
  return check(`${name}: install`, "npm", ["install", ...npmQuiet, ...specs], dir) === null ? null : dir;
}

for (const { dir, name } of packages) {
  const readme = readFileSync(join(dir, "README.md"), "utf8");
  const blocks = fencedBlocks(readme);
  const install = blocks
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.text.split("\n"))
    .find((l) => /^npm install\b/.test(l.trim()));
  const examples = blocks.filter((b) => b.lang === "ts");
  const commands = blocks
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.text.split("\n"))
    .flatMap((l) => l.replace(/#.*$/, "").split("&&"))
    .map((l) => l.trim())
    .filter((l) => l.startsWith("rxsim "));
  if (!install) {
    fail(`${name}: README has no \`npm install\` line in a sh block`);
    continue;
  }
  const folder = installLine(name, install);
  if (!folder) continue;
  const runnable = [];
  examples.forEach((b, i) => {
    if (b.fragment) {
      console.log(`  ${name}: example ${i + 1} is marked \`ts fragment\` (part of a larger program): not run alone`);
      return;
    }
    const file = `example-${i + 1}.ts`;
    writeFileSync(join(folder, file), b.text);
    runnable.push(file);
  });
  if (runnable.length > 0) {
    writeFileSync(
      join(folder, "tsconfig.json"),
      `${JSON.stringify(
        {
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ["node"],
            typeRoots: [join(root, "node_modules/@types")],
          },
          files: runnable,
        },
        null,
        2,
      )}\n`,
    );
    if (check(`${name}: README examples typecheck`, process.execPath, [TSC, "-p", "tsconfig.json"], folder) !== null) {
      for (const file of runnable) {
        const out = check(`${name}: README ${file}`, process.execPath, [TSX, file], folder);
        if (out !== null) console.log(`  ✔ ${name} ${file}: ${out.trim().split("\n")[0]}`);
      }
    }
  }
  for (const command of commands) {
    const args = command.split(/\s+/).slice(1);
    const out = check(`${name}: README command`, join(folder, "node_modules/.bin/rxsim"), args, folder);
    if (out !== null) console.log(`  ✔ ${name}: ${command}`);
  }
  if (runnable.length + commands.length === 0) fail(`${name}: README has no example that runs`);
}

// The example strategy, copied out: its packed form alone, with @rxsim/core from the tarball.
{
  const dest = join(work, "example-strategy");
  mkdirSync(dest, { recursive: true });
  run("tar", ["-xzf", tarballs.get("@rxsim/example-strategy"), "-C", dest]);
  const copy = join(dest, "package");
  const pkg = JSON.parse(readFileSync(join(copy, "package.json"), "utf8"));
  for (const [dep, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
    if (!/^[\^~]?\d/.test(range)) fail(`example strategy: ${dep} is "${range}", not a real version range`);
  }
  console.log("\n▶ example strategy copied out: npm install (core from its tarball), build, typecheck, test");
  if (check("example strategy: install", "npm", ["install", ...npmQuiet, tarballs.get("@rxsim/core")], copy) !== null) {
    for (const script of ["build", "typecheck", "test"]) {
      if (check(`example strategy: npm run ${script}`, "npm", ["run", script], copy) !== null) {
        console.log(`  ✔ example strategy: npm run ${script}`);
      }
    }
  }
}

rmSync(work, { recursive: true, force: true });
if (failures > 0) {
  console.error(`\n✖ ${failures} problem(s) with the docs outside the repository`);
  process.exit(1);
}
console.log("\n✔ every README example runs from packed tarballs in an empty folder; the example strategy builds alone");
