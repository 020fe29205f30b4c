import { getScenario, listScenarios } from "@rxsim/harness";
import Table from "cli-table3";
import { BUILTIN_STRATEGIES } from "../registry.js";

/** Terminal width the listings fit in (a 100-column terminal, or a narrower one when stdout says so). */
const MAX_WIDTH = 100;

/** Two columns, names and descriptions; the descriptions wrap on words so the table fits {@link MAX_WIDTH}. */
function twoColumnTable(head: [string, string], rows: [string, string][]): string {
  const width = Math.min(MAX_WIDTH, process.stdout.columns || MAX_WIDTH);
  const nameWidth = Math.max(head[0].length, ...rows.map((r) => r[0].length)) + 2;
  // Three vertical borders; each width includes one space of padding on either side.
  const table = new Table({
    head,
    colWidths: [nameWidth, Math.max(20, width - nameWidth - 3)],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  table.push(...rows);
  return table.toString();
}

/** `rxsim scenarios`: the catalog, one row each. */
export function scenariosCommand(): number {
  const rows = listScenarios().map((s): [string, string] => [s.name, s.description]);
  process.stdout.write(`${twoColumnTable(["scenario", "what it shows"], rows)}\n`);
  return 0;
}

/** `rxsim show SCENARIO`: the full config as JSON, editable and usable with `--config`. */
export function showCommand(name: string): number {
  process.stdout.write(`${JSON.stringify(getScenario(name), null, 2)}\n`);
  return 0;
}

/** `rxsim strategies`: the built-in strategies. */
export function strategiesCommand(): number {
  const rows = Object.entries(BUILTIN_STRATEGIES).map(([name, s]): [string, string] => [name, s.description]);
  process.stdout.write(`${twoColumnTable(["strategy", "what it is"], rows)}\n`);
  return 0;
}
