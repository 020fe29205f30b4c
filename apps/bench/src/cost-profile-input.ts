import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { builtinCostProfileNames, type CostProfile, getBuiltinCostProfile, parseCostProfile } from "@rxsim/core";
import { CliError } from "./errors.js";

/**
 * `--cost-profile NAME|FILE.json`: a built-in profile, or a JSON file
 * `{ name?, base?, costs }` (docs/cost-model.md). Bad input is one line.
 */
export function resolveCostProfile(spec: string): CostProfile {
  const builtin = getBuiltinCostProfile(spec);
  if (builtin !== undefined) return builtin;
  if (!spec.endsWith(".json")) {
    throw new CliError(
      `--cost-profile ${spec}: not a built-in profile (${builtinCostProfileNames().join(", ")}) nor a .json file`,
    );
  }
  let text: string;
  try {
    text = readFileSync(spec, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(`cannot read --cost-profile ${spec}: ${code === "ENOENT" ? "no such file" : code}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--cost-profile ${spec} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseCostProfile(value, basename(spec, ".json"));
  } catch (error) {
    throw new CliError(`--cost-profile ${spec}: ${(error as Error).message.replace(/^cost profile: /, "")}`);
  }
}
