export { createNaiveStrategy, type NaiveOptions, type ResolvedNaiveOptions } from "./naive-strategy.js";
