/**
 * Colours of strategies (Tableau 10, distinguishable and colour-blind
 * tolerable), by position in the run's strategy list: a strategy keeps its
 * colour in every chart and the headline of a report.
 */
export const STRATEGY_COLOURS = [
  "#4e79a7",
  "#e15759",
  "#59a14f",
  "#f28e2b",
  "#b07aa1",
  "#76b7b2",
  "#edc948",
  "#9c755f",
  "#ff9da7",
  "#bab0ac",
] as const;

/** Line styles for the values of a second swept parameter, solid first. */
export const DASHES = ["", "6 3", "2 3", "9 3 2 3", "12 4", "1 2"] as const;

/** Colour of each strategy, by name. */
export function strategyColours(strategies: readonly string[]): Map<string, string> {
  return new Map(strategies.map((s, i) => [s, STRATEGY_COLOURS[i % STRATEGY_COLOURS.length]]));
}
