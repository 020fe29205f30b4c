// Docs that work outside the repository. Packs every package as pnpm publishes it, then, each in an empty folder:
// 1. installs exactly what a package README's `npm install` line names (rxsim packages from the tarballs, anything
//    else from the npm registry), typechecks and runs every TypeScript example of that README, and runs the
//    `rxsim` lines of the CLI README's examples;
// 2. unpacks the example strategy's packed form (the copy-out form: real version ranges, its own tsconfig and dev
//    dependencies), installs it with @rxsim/core from the tarball, builds it, typechecks it and runs its tests.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
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

/** {@link check}, without blocking: installs run side by side (they mostly wait on the network). */
function checkAsync(what, cmd, args, cwd) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NODE_OPTIONS: "" } });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("close", (code) => {
      if (process.env.RXSIM_CHECK_TIMES) console.log(`  (${what}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      if (code === 0) {
        console.log(`  ✔ ${what}`);
        return done(true);
      }
      fail(`${what}: ${[cmd, ...args].join(" ")} exited with ${code}\n${out}`);
      done(false);
    });
  });
}

// Pack every package (the example too: its packed form is the one to copy out).
const dirs = ["packages", "apps", "examples"].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, group, d.name))
    // Folders that are not packages (examples/slurm: job scripts) have nothing to pack.
    .filter((dir) => existsSync(join(dir, "package.json"))),
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

/** An empty folder with a package.json, and what the README's install line installs there (tarballs for rxsim). */
function prepareInstall(name, line) {
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
  return { dir, specs };
}

// Read every README, then install all folders side by side (the example strategy's too).
const plans = [];
for (const { dir, name } of packages) {
  const readme = readFileSync(join(dir, "README.md"), "utf8");
  const blocks = fencedBlocks(readme);
  const shLines = blocks.filter((b) => b.lang === "sh").flatMap((b) => b.text.split("\n"));
  const install = shLines.find((l) => /^npm install\b/.test(l.trim()));
  const commands = shLines
    .flatMap((l) => l.replace(/#.*$/, "").split("&&"))
    .map((l) => l.trim().replace(/^npx\s+/, ""))
    .filter((l) => l.startsWith("rxsim "));
  if (!install) {
    fail(`${name}: README has no \`npm install\` line in a sh block`);
    continue;
  }
  const prepared = prepareInstall(name, install);
  if (prepared) plans.push({ name, install: install.trim(), blocks, commands, ...prepared });
}
const exampleDest = join(work, "example-strategy");
mkdirSync(exampleDest, { recursive: true });
run("tar", ["-xzf", tarballs.get("@rxsim/example-strategy"), "-C", exampleDest]);
const copy = join(exampleDest, "package");
// As copied out, before npm rewrites @rxsim/core to the tarball's path: every range a real one.
{
  const pkg = JSON.parse(readFileSync(join(copy, "package.json"), "utf8"));
  for (const [dep, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
    if (!/^[\^~]?\d/.test(range)) fail(`example strategy: ${dep} is "${range}", not a real version range`);
  }
}
console.log(`\n▶ npm install in ${plans.length + 1} empty folders, side by side`);
const installed = await Promise.all([
  ...plans.map((p) => checkAsync(`${p.name}: ${p.install}`, "npm", ["install", ...npmQuiet, ...p.specs], p.dir)),
  checkAsync(
    "example strategy: npm install (core from its tarball)",
    "npm",
    ["install", ...npmQuiet, tarballs.get("@rxsim/core")],
    copy,
  ),
]);
const exampleInstalled = installed.pop();

// Every TypeScript example, typechecked in one tsc run (each file resolves packages from its own folder), then run.
const runnable = [];
plans.forEach((p, k) => {
  if (!installed[k]) return;
  p.blocks
    .filter((b) => b.lang === "ts")
    .forEach((b, i) => {
      if (b.fragment) {
        console.log(
          `  ${p.name}: example ${i + 1} is marked \`ts fragment\` (part of a larger program): not run alone`,
        );
        return;
      }
      const file = join(p.dir, `example-${i + 1}.ts`);
      writeFileSync(file, b.text);
      runnable.push({ name: p.name, file, dir: p.dir });
    });
});
writeFileSync(
  join(work, "tsconfig.json"),
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
      files: runnable.map((r) => r.file),
    },
    null,
    2,
  )}\n`,
);
console.log(`\n▶ tsc: ${runnable.length} README examples`);
if (check("README examples typecheck", process.execPath, [TSC, "-p", join(work, "tsconfig.json")], work) !== null) {
  for (const r of runnable) {
    const out = check(`${r.name}: README ${basename(r.file)}`, process.execPath, [TSX, r.file], r.dir);
    if (out !== null) console.log(`  ✔ ${r.name} ${basename(r.file)}: ${out.trim().split("\n")[0]}`);
  }
}
for (const [k, p] of plans.entries()) {
  if (!installed[k]) continue;
  for (const command of p.commands) {
    const out = check(
      `${p.name}: README command`,
      join(p.dir, "node_modules/.bin/rxsim"),
      command.split(/\s+/).slice(1),
      p.dir,
    );
    if (out !== null) console.log(`  ✔ ${p.name}: ${command}`);
  }
  if (!p.blocks.some((b) => b.lang === "ts" && !b.fragment) && p.commands.length === 0) {
    fail(`${p.name}: README has no example that runs`);
  }
}

// The example strategy, copied out: its packed form alone, with @rxsim/core from the tarball.
console.log("\n▶ example strategy copied out: build, typecheck, test");
if (exampleInstalled) {
  for (const script of ["build", "typecheck", "test"]) {
    if (check(`example strategy: npm run ${script}`, "npm", ["run", script], copy) !== null) {
      console.log(`  ✔ example strategy: npm run ${script}`);
    }
  }
}

rmSync(work, { recursive: true, force: true });
if (failures > 0) {
  console.error(`\n✖ ${failures} problem(s) with the docs outside the repository`);
  process.exit(1);
}
console.log("\n✔ every README example runs from packed tarballs in an empty folder; the example strategy builds alone");
