/**
 * A fixed integer loop (no allocation, no I/O, the same work every time) as
 * source text, so that it can run in this thread or be evaluated in a worker
 * (`scripts/machine-noise.mjs`). Its times say how steady the machine is: on
 * a quiet dedicated core they agree within a few per cent.
 */
export const NOISE_LOOP_SOURCE = `
const a = new Int32Array(1 << 16);
function work(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const j = (i * 2654435761) & 0xffff;
    a[j] = (a[j] + i) | 0;
    s = (s + a[(j + 7) & 0xffff]) | 0;
  }
  return s;
}
work(1e6);
`;

/** Times of the fixed loop, in ms, and their spread. */
export interface NoiseProbe {
  /** Iterations per run. */
  readonly iterations: number;
  /** Milliseconds of each run, in order. */
  readonly runsMs: number[];
  /** Slowest run over fastest: 1 on a perfectly steady machine. */
  readonly ratio: number;
}

/** Time the fixed loop `runs` times in this thread. */
export function probeNoise(runs = 10, iterations = 2e7): NoiseProbe {
  const work = new Function(`${NOISE_LOOP_SOURCE}; return work;`)() as (n: number) => number;
  const runsMs: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    work(iterations);
    runsMs.push(Math.round((performance.now() - t) * 10) / 10);
  }
  const min = Math.min(...runsMs);
  return { iterations, runsMs, ratio: min > 0 ? Math.max(...runsMs) / min : 1 };
}
