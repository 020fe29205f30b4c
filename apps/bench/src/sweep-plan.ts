import { CliError } from "./errors.js";

/** One parameter varied by `--vary key=v1,v2,…`. */
export interface VaryAxis {
  /** Dotted config path, e.g. `queue.pageSize`. */
  key: string;
  /** Values in the order given; each is passed to `--set key=value`. */
  values: string[];
}

/** One point of a sweep: an assignment of every varied key. */
export interface SweepPoint {
  /** Position in the full cartesian product (first `--vary` outermost). */
  index: number;
  /** `key → value` for every varied key, in `--vary` order. */
  params: Record<string, string>;
}

/** Parse one `--vary key=v1,v2,…` flag. */
export function parseVary(text: string): VaryAxis {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new CliError(`--vary ${JSON.stringify(text)}: expected key=v1,v2,…`);
  const key = text.slice(0, eq).trim();
  const values = text
    .slice(eq + 1)
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  if (values.length === 0) throw new CliError(`--vary ${key}: no values given`);
  if (new Set(values).size !== values.length) throw new CliError(`--vary ${key}: a value is listed twice`);
  return { key, values };
}

/** Every point of the cartesian product of `axes`, first axis outermost. */
export function planSweep(axes: readonly VaryAxis[]): SweepPoint[] {
  const keys = new Set<string>();
  for (const a of axes) {
    if (keys.has(a.key)) throw new CliError(`--vary ${a.key} is given twice`);
    keys.add(a.key);
  }
  let points: Record<string, string>[] = [{}];
  for (const axis of axes) {
    const next: Record<string, string>[] = [];
    for (const p of points) for (const v of axis.values) next.push({ ...p, [axis.key]: v });
    points = next;
  }
  return points.map((params, index) => ({ index, params }));
}

/** Parse `--shard i/n` (1-based: `1/3`, `2/3`, `3/3`). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new CliError(`--shard ${JSON.stringify(text)}: expected i/n, e.g. 1/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new CliError(`--shard ${text}: i must be between 1 and n`);
  }
  return { index, count };
}

/** The points shard `i/n` runs: every point whose index ≡ i-1 (mod n). Fixed and machine-independent. */
export function shardPoints(points: readonly SweepPoint[], shard: { index: number; count: number }): SweepPoint[] {
  return points.filter((p) => p.index % shard.count === shard.index - 1);
}
