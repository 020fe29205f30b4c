import { checkKeySegment, join, show } from "./config-checks.js";
import { ConfigError } from "./config-error.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { validateScenarioConfig } from "./validate-config.js";

/**
 * Apply `key.path=value` overrides (the CLI's `--set`) to a configuration and
 * validate the result. Values are parsed as JSON when they parse
 * (`9000`, `true`, `null`, `[[0, 5e6]]`, `{"kind":"imix"}`), else taken as a
 * string (`traffic.kind=capture`). Intermediate objects are created as needed.
 * `__proto__`, `constructor` and `prototype` are refused anywhere in a path.
 * @returns a new, validated config; the input is not changed.
 * @throws ConfigError naming the key path: a malformed override, a path through
 *   a non-object, an unknown key or an invalid value.
 */
export function applySetOverrides(config: ScenarioConfig, sets: readonly string[]): ScenarioConfig {
  const draft = structuredClone(config) as unknown as Record<string, unknown>;
  for (const entry of sets) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw new ConfigError("", `override ${show(entry)} is not key.path=value`);
    const path = entry.slice(0, eq).trim();
    const text = entry.slice(eq + 1);
    const keys = path.split(".");
    if (keys.some((k) => k.length === 0)) throw new ConfigError(path, "has an empty key in the path");
    // Before any object is touched: `__proto__.x=1` would otherwise set x on every object.
    keys.forEach((k, i) => {
      checkKeySegment(k, keys.slice(0, i + 1).join("."));
    });
    let target: Record<string, unknown> = draft;
    let at = "";
    for (let i = 0; i < keys.length - 1; i++) {
      at = join(at, keys[i]);
      let next = target[keys[i]];
      if (next === undefined || next === null) {
        next = {};
        target[keys[i]] = next;
      }
      if (typeof next !== "object" || Array.isArray(next)) {
        throw new ConfigError(at, `is ${show(next)}, not an object: cannot set ${path}`);
      }
      target = next as Record<string, unknown>;
    }
    target[keys[keys.length - 1]] = parseValue(text);
  }
  return validateScenarioConfig(draft);
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
