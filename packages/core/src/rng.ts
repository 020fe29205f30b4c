/**
 * Seeded, deterministic pseudo-random numbers.
 *
 * xoshiro128** on 32-bit integer arithmetic (`Math.imul`, `>>>`), seeded
 * through splitmix32 from an FNV-1a hash of `(seed, stream)`. Only integer
 * operations feed the state, so every machine produces the same sequence.
 * Independent streams (one per source: arrivals, sizes, hold times, failures…)
 * keep one consumer's draws from shifting another's.
 */

/** A stream of deterministic random numbers. Never use `Math.random` in the simulation. */
export interface Rng {
  /** The seed this stream was made from. */
  readonly seed: number;
  /** The stream's name; streams with different names are independent. */
  readonly stream: string;
  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number;
  /** A uniformly distributed float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number;
  /** A uniformly distributed integer in [0, n). `n` must be a positive integer ≤ 2^32. */
  nextInt(n: number): number;
  /** An exponentially distributed value with the given mean. */
  nextExponential(mean: number): number;
  /** A standard normal value (mean 0, standard deviation 1). */
  nextNormal(): number;
  /** A new independent stream derived from this stream's seed and `name`. */
  fork(name: string): Rng;
}

const TWO_POW_32 = 4294967296;

/** FNV-1a over the UTF-16 code units of `text`, mixed with `seed`. */
function hashSeed(seed: number, text: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  h = Math.imul(h, 0x01000193);
  // Mix the high part of seeds larger than 2^32 too.
  h ^= Math.floor(seed / TWO_POW_32) >>> 0;
  h = Math.imul(h, 0x01000193);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

class Xoshiro128 implements Rng {
  readonly seed: number;
  readonly stream: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = Number.NaN;

  constructor(seed: number, stream: string) {
    this.seed = seed;
    this.stream = stream;
    let s = hashSeed(seed, stream);
    let out: number;
    [s, out] = splitmix32(s);
    this.a = out;
    [s, out] = splitmix32(s);
    this.b = out;
    [s, out] = splitmix32(s);
    this.c = out;
    [s, out] = splitmix32(s);
    this.d = out;
    // An all-zero state would only ever produce zeros.
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  nextFloat(): number {
    return this.nextU32() / TWO_POW_32;
  }

  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  nextExponential(mean: number): number {
    // 1 - u is in (0, 1], so the log is finite.
    return -mean * Math.log(1 - this.nextFloat());
  }

  nextNormal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = Number.NaN;
      return z;
    }
    // Box–Muller; u1 in (0, 1] keeps the log finite.
    const u1 = 1 - this.nextFloat();
    const u2 = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  fork(name: string): Rng {
    return new Xoshiro128(this.seed, `${this.stream}/${name}`);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Create a deterministic random stream.
 *
 * @param seed - any safe integer; the same seed and stream give the same numbers everywhere.
 * @param stream - the stream's name (for example `"arrivals"`); defaults to `"main"`.
 */
export function createRng(seed: number, stream = "main"): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer, got ${seed}`);
  }
  return new Xoshiro128(seed, stream);
}
