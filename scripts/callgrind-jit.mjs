// Name callgrind's instruction counts by V8 function, for scripts/jit-instructions.mjs.

/**
 * Callgrind's per-instruction counts (`--dump-instr=yes`, one event: Ir) summed by the V8 code
 * object they fall in, from V8's perf map (`--perf-basic-prof`: "start size name" in hex per line).
 * Addresses outside every code object (the VM itself, libraries) are left out. `root` is cut from
 * the names' file URLs.
 * @returns name → instructions
 */
export function attribute(callgrind, perfMap, root) {
  const maps = perfMap
    .trim()
    .split("\n")
    .map((l) => {
      const [start, size, ...name] = l.split(" ");
      return [Number.parseInt(start, 16), Number.parseInt(size, 16), name.join(" ").replace(`file://${root}/`, "")];
    })
    .sort((x, y) => x[0] - y[0]);
  const byFn = new Map();
  let addr = 0;
  let callCost = false;
  for (const line of callgrind.split("\n")) {
    if (line.startsWith("calls=")) {
      callCost = true; // the next line is the call's inclusive cost: not this instruction's own
      continue;
    }
    const c = line[0];
    if (c !== "0" && c !== "+" && c !== "-" && c !== "*") continue;
    const parts = line.split(" ");
    const a = parts[0];
    // Positions: absolute in hex, or relative (+N, -N, decimal), or * for the same.
    if (a.startsWith("0x")) addr = Number.parseInt(a, 16);
    else if (c === "+") addr += Number(a.slice(1));
    else if (c === "-") addr -= Number(a.slice(1));
    if (callCost) {
      callCost = false;
      continue;
    }
    const ir = Number(parts[parts.length - 1]);
    let lo = 0;
    let hi = maps.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (maps[mid][0] <= addr) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0 || addr >= maps[found][0] + maps[found][1]) continue;
    const name = maps[found][2];
    byFn.set(name, (byFn.get(name) ?? 0) + ir);
  }
  return byFn;
}
