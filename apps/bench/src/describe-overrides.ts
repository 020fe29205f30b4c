import type { ScenarioConfig } from "@rxsim/harness";

/**
 * The config with its `--set` overrides named in its description, so every
 * header (table, JSON, report) says what actually ran. Shared by the command
 * line and the browser page, which must produce the same results JSON.
 */
export function describeOverrides(config: ScenarioConfig, sets: readonly string[]): ScenarioConfig {
  const changed = sets.filter((s) => !s.startsWith("description=") && !s.startsWith("name="));
  return changed.length > 0 ? { ...config, description: `${config.description}; --set ${changed.join(" ")}` } : config;
}
