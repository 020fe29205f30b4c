export { loadStrategies, loadStrategy } from "./load-strategies.js";
export { main } from "./main.js";
export { BUILTIN_STRATEGIES, type RegisteredStrategy } from "./registry.js";
