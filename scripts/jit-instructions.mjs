// Instructions per simulated packet in V8's compiled code, counted by valgrind (callgrind): a
// measure of the hot path that this VM's noise cannot move. Wall-clock figures here swing ×1.5–2.5
// (scripts/machine-noise.mjs), so a change of a few per cent is invisible to `rxsim perf`; counted
// instructions repeat to the instruction from run to run. They are not time (a cache miss costs no
// instruction), so confirm a gain with `rxsim perf` on a quiet machine before claiming it.
//
//   node scripts/jit-instructions.mjs [--root DIR ...] [--packets N] [-- <rxsim compare options>]
//   node scripts/jit-instructions.mjs --root . --root ../other-checkout -- --strategies naive --checker
//
// Each root (a built checkout; default: this one) runs `rxsim compare` under callgrind twice, with
// N and 3N packets (default N = 300,000; `--strategies dqo --no-checker --threads 1` unless given
// after `--`), and V8 told to compile on the main thread (so what it compiles, and when, is the same
// every run) and to write a perf map (so instructions can be named by function). The difference of
// the two runs over 2N packets is the steady state, start-up and compilation left out. Prints the
// total per packet, the functions that take the most, and each root against the first.
// Needs valgrind (Debian: apt-get install valgrind); a run of 900,000 packets takes about 2 minutes.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { attribute } from "./callgrind-jit.mjs";

const fail = (message) => {
  console.error(`jit-instructions: ${message}`);
  process.exit(1);
};

const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
const own = dash < 0 ? argv : argv.slice(0, dash);
const compareArgs = dash < 0 ? [] : argv.slice(dash + 1);
const roots = [];
let packets = 300_000;
for (let i = 0; i < own.length; i++) {
  const a = own[i];
  if (a === "--root" && i + 1 < own.length) roots.push(resolve(own[++i]));
  else if (a === "--packets" && i + 1 < own.length) {
    packets = Number(own[++i]);
    if (!Number.isInteger(packets) || packets < 10_000) fail(`--packets: an integer ≥ 10000, got ${own[i]}`);
  } else fail(`unknown option ${a} (options: --root DIR, --packets N, then -- and rxsim compare's options)`);
}
if (compareArgs.includes("--packets")) fail("give --packets before the --: this script runs N and 3N packets itself");
if (roots.length === 0) roots.push(resolve(import.meta.dirname, ".."));
for (const root of roots) {
  if (!existsSync(join(root, "apps/bench/dist/cli.js"))) fail(`${root}: no apps/bench/dist/cli.js (build it first)`);
}
if (spawnSync("valgrind", ["--version"]).status !== 0) fail("valgrind not found (Debian: apt-get install valgrind)");

const defaults = [];
if (!compareArgs.includes("--strategies")) defaults.push("--strategies", "dqo");
if (!compareArgs.includes("--checker") && !compareArgs.includes("--no-checker")) defaults.push("--no-checker");
if (!compareArgs.includes("--threads")) defaults.push("--threads", "1");

/** One callgrind run of `rxsim compare` with `n` packets: JIT instructions by function name. */
function run(root, n) {
  const dir = mkdtempSync(join(tmpdir(), "rxsim-jit-"));
  const out = join(dir, "callgrind.out");
  const args = [
    "--tool=callgrind",
    "--dump-instr=yes",
    "--smc-check=all-non-file",
    `--callgrind-out-file=${out}`,
    process.execPath,
    "--no-concurrent-recompilation",
    "--single-threaded-gc",
    "--perf-basic-prof",
    join(root, "apps/bench/dist/cli.js"),
    "compare",
    ...defaults,
    ...compareArgs,
    "--packets",
    String(n),
  ];
  return new Promise((done) => {
    const child = spawn("valgrind", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => {
      const pid = stderr.match(/^==(\d+)==/m)?.[1];
      const map = `/tmp/perf-${pid}.map`;
      if (code !== 0 || !pid || !existsSync(map) || !existsSync(out)) {
        const last = `${stdout}\n${stderr}`
          .trim()
          .split("\n")
          .filter((l) => !l.startsWith("=="))
          .pop();
        fail(`${root}: rxsim compare under valgrind failed (exit ${code}): ${last ?? "no output"}`);
      }
      const byFn = attribute(readFileSync(out, "utf8"), readFileSync(map, "utf8"), root);
      rmSync(map, { force: true });
      rmSync(dir, { recursive: true, force: true });
      done(byFn);
    });
  });
}

const total = (m) => [...m.values()].reduce((a, b) => a + b, 0);
const perPacket = [];
for (let i = 0; i < roots.length; i += 2) {
  // Two roots' runs at once (one per CPU of a 2-core machine); each root's N and 3N one after the other.
  const batch = roots.slice(i, i + 2).map(async (root) => {
    const small = await run(root, packets);
    const large = await run(root, 3 * packets);
    const diff = new Map();
    for (const [k, v] of large) diff.set(k, (v - (small.get(k) ?? 0)) / (2 * packets));
    return { root, total: (total(large) - total(small)) / (2 * packets), diff };
  });
  perPacket.push(...(await Promise.all(batch)));
}

const args = [...defaults, ...compareArgs].join(" ");
console.log(`JIT instructions per simulated packet (rxsim compare ${args}; ${packets} and ${3 * packets} packets)`);
for (const r of perPacket) {
  const vs = r === perPacket[0] ? "" : `  (×${(r.total / perPacket[0].total).toFixed(4)} the first)`;
  console.log(`\n${r.root}: ${r.total.toFixed(1)}${vs}`);
  const top = [...r.diff]
    .filter(([, v]) => v >= 1)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 8);
  for (const [name, v] of top) console.log(`  ${v.toFixed(1).padStart(8)}  ${name}`);
}
