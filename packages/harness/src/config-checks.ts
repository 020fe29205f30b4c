import { ConfigError } from "./config-error.js";

/** A JSON object being validated. */
export type Rec = Readonly<Record<string, unknown>>;

/** Join a parent path and a key. */
export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** A short, one-line rendering of a bad value for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The value as a plain object, or a ConfigError naming `path`. */
export function asObject(value: unknown, path: string): Rec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(path, `expected an object, got ${show(value)}`);
  }
  return value as Rec;
}

/** Keys that would reach an object's prototype when used as a path: never config keys. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Refuse a key that would reach an object's prototype (`__proto__`,
 * `constructor`, `prototype`), wherever it appears in a path.
 * @throws ConfigError naming the path.
 */
export function checkKeySegment(key: string, path: string): void {
  if (PROTOTYPE_KEYS.has(key)) {
    throw new ConfigError(path, `"${key}" is not a config key (refused: it would reach the object prototype)`);
  }
}

/** Reject keys not in `known`. */
export function checkKeys(o: Rec, path: string, known: readonly string[]): void {
  for (const key of Object.keys(o)) {
    checkKeySegment(key, join(path, key));
    if (!known.includes(key)) throw new ConfigError(join(path, key), `unknown key (known keys: ${known.join(", ")})`);
  }
}

/** Constraints on a number. */
export interface NumberRule {
  min?: number;
  max?: number;
  /** The value must be greater than `min`, not equal. */
  minExclusive?: boolean;
  integer?: boolean;
  powerOfTwo?: boolean;
}

function rangeText(rule: NumberRule): string {
  const kind = rule.powerOfTwo ? "a power of two" : rule.integer ? "an integer" : "a number";
  const lo = rule.min === undefined ? "" : rule.minExclusive ? `> ${rule.min}` : `≥ ${rule.min}`;
  const hi = rule.max === undefined ? "" : `≤ ${rule.max}`;
  const bounds = [lo, hi].filter((s) => s !== "").join(" and ");
  return bounds === "" ? kind : `${kind} ${bounds}`;
}

/** Check a number against `rule`; returns it. */
export function checkNumber(value: unknown, path: string, rule: NumberRule): number {
  const expect = () => new ConfigError(path, `expected ${rangeText(rule)}, got ${show(value)}`);
  if (typeof value !== "number" || !Number.isFinite(value)) throw expect();
  if ((rule.integer || rule.powerOfTwo) && !Number.isSafeInteger(value)) throw expect();
  if (rule.powerOfTwo && (value < 1 || (value & (value - 1)) !== 0)) {
    throw new ConfigError(path, `must be a power of two, got ${value}`);
  }
  if (rule.min !== undefined && (rule.minExclusive ? value <= rule.min : value < rule.min)) throw expect();
  if (rule.max !== undefined && value > rule.max) throw expect();
  return value;
}

/** `o[key]` checked as a number, or `fallback` when absent. */
export function num(o: Rec, key: string, path: string, fallback: number, rule: NumberRule): number {
  const v = o[key];
  return v === undefined ? checkNumber(fallback, join(path, key), rule) : checkNumber(v, join(path, key), rule);
}

/** `o[key]` checked as a boolean, or `fallback`. */
export function bool(o: Rec, key: string, path: string, fallback: boolean): boolean {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") throw new ConfigError(join(path, key), `expected true or false, got ${show(v)}`);
  return v;
}

/** `o[key]` checked as a string, or `fallback`. */
export function str(o: Rec, key: string, path: string, fallback: string, nonEmpty = false): string {
  const v = o[key];
  if (v === undefined) {
    if (nonEmpty && fallback === "") throw new ConfigError(join(path, key), "is required (a non-empty string)");
    return fallback;
  }
  if (typeof v !== "string") throw new ConfigError(join(path, key), `expected a string, got ${show(v)}`);
  if (nonEmpty && v.length === 0) throw new ConfigError(join(path, key), "must not be empty");
  return v;
}

/** `o[key]` checked as one of `choices`, or `fallback`. */
export function oneOf<T extends string>(o: Rec, key: string, path: string, fallback: T, choices: readonly T[]): T {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) {
    throw new ConfigError(
      join(path, key),
      `expected one of ${choices.map((c) => `"${c}"`).join(", ")}, got ${show(v)}`,
    );
  }
  return v as T;
}

/** `o[key]` checked as an array (or `fallback`). */
export function arr(o: Rec, key: string, path: string, fallback: readonly unknown[]): readonly unknown[] {
  const v = o[key];
  if (v === undefined) return fallback;
  if (!Array.isArray(v)) throw new ConfigError(join(path, key), `expected an array, got ${show(v)}`);
  return v;
}
