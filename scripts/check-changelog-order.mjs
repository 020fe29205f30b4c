// Each strategy package's first CHANGELOG entry must describe that package (name it in its first lines). `changeset version` lists a
// package's changesets by bump type (major, then minor, then patch) and, within one type, in the order it reads
// .changeset/ (file name order; checked by running `changeset version` on a copy, 2026-11-29).
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const dir = join(root, ".changeset");
const changesets = readdirSync(dir)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .sort()
  .map((file) => {
    const text = readFileSync(join(dir, file), "utf8");
    const [, front, body] = text.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/) ?? [];
    const bumps = new Map([...(front ?? "").matchAll(/^"([^"]+)":\s*(major|minor|patch)/gm)].map((m) => [m[1], m[2]]));
    return { file, bumps, body: (body ?? "").trim() };
  });

let failures = 0;
for (const pkgDir of readdirSync(join(root, "packages")).filter((d) => d.startsWith("strategy-"))) {
  const { name } = JSON.parse(readFileSync(join(root, "packages", pkgDir, "package.json"), "utf8"));
  const mine = changesets.filter((c) => c.bumps.has(name));
  const first = ["major", "minor", "patch"].flatMap((t) => mine.filter((c) => c.bumps.get(name) === t))[0];
  if (!first) {
    console.error(`✖ ${name}: no changeset, so no CHANGELOG entry`);
    failures++;
  } else if (!first.body.slice(0, 400).includes(`\`${name}\``)) {
    console.error(`✖ ${name}: its first CHANGELOG entry (.changeset/${first.file}) does not name \`${name}\` early on`);
    failures++;
  } else console.log(`✔ ${name}: first CHANGELOG entry from .changeset/${first.file}`);
}
if (failures > 0) process.exit(1);
