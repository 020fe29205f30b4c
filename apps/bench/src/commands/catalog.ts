import { getScenario, listScenarios } from "@rxsim/harness";
import Table from "cli-table3";
import { BUILTIN_STRATEGIES } from "../registry.js";

/** `rxsim scenarios`: the catalog, one line each. */
export function scenariosCommand(): number {
  const table = new Table({ head: ["scenario", "what it shows"], style: { head: [], border: [] }, wordWrap: true });
  for (const s of listScenarios()) table.push([s.name, s.description]);
  process.stdout.write(`${table.toString()}\n`);
  return 0;
}

/** `rxsim show SCENARIO`: the full config as JSON, editable and usable with `--config`. */
export function showCommand(name: string): number {
  process.stdout.write(`${JSON.stringify(getScenario(name), null, 2)}\n`);
  return 0;
}

/** `rxsim strategies`: the built-in strategies. */
export function strategiesCommand(): number {
  const table = new Table({ head: ["strategy", "what it is"], style: { head: [], border: [] } });
  for (const [name, s] of Object.entries(BUILTIN_STRATEGIES)) table.push([name, s.description]);
  process.stdout.write(`${table.toString()}\n`);
  return 0;
}
