import { bench, describe } from "vitest";
import { runStrategy, scenarios } from "./index.js";
import { pagePerBuffer, reuseFifo } from "./test-strategies.test-util.js";

// Simulated packets per second = hz × PACKETS (hz is whole runs per second).
// Run: npx vitest bench --project @rxsim/harness --run
const PACKETS = 1_000_000;
const off = { ...scenarios.default, packets: PACKETS, checker: false };
const on = { ...off, checker: true };
const opts = { time: 0, iterations: 5, warmupTime: 0, warmupIterations: 2 };

describe(`default scenario, ${PACKETS} packets per run`, () => {
  bench("test-page-per-buffer, checker off", () => void runStrategy(off, pagePerBuffer()), opts);
  bench("test-reuse-fifo, checker off", () => void runStrategy(off, reuseFifo()), opts);
  bench("test-page-per-buffer, checker on", () => void runStrategy(on, pagePerBuffer()), opts);
  bench("test-reuse-fifo, checker on", () => void runStrategy(on, reuseFifo()), opts);
});
