// How steady is this machine? Times a fixed integer loop (no allocation, no I/O, the same work
// every time) 10 times in one thread, then one and two copies at once in worker threads, and
// prints the milliseconds. On a quiet dedicated core every figure of a row would be within a few
// percent; the spread of the first row is what no rxsim change can remove from a wall-clock
// figure, and the second row says what two threads at once can gain here.
//   node scripts/machine-noise.mjs
import { Worker } from "node:worker_threads";

// The loop is the one `rxsim perf` times before and after its measurements (run `pnpm build` first).
const { NOISE_LOOP_SOURCE: BODY } = await import("../apps/bench/dist/machine-noise.js");

const alone = new Function(
  `${BODY}; const r = []; for (let k = 0; k < 10; k++) { const t = performance.now(); work(5e7); r.push(Math.round(performance.now() - t)); } return r;`,
)();
console.log(`one thread, 10 × the same 5e7 iterations, ms: ${alone.join(", ")}`);
console.log(
  `  min ${Math.min(...alone)}, max ${Math.max(...alone)} (×${(Math.max(...alone) / Math.min(...alone)).toFixed(2)})`,
);

const inWorkers = (k) =>
  Promise.all(
    Array.from(
      { length: k },
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(
            `${BODY}; const { parentPort } = require("node:worker_threads"); const t = performance.now(); work(3e8); parentPort.postMessage(performance.now() - t);`,
            { eval: true },
          );
          w.once("message", (ms) => {
            resolve(Math.round(ms));
            void w.terminate();
          });
          w.once("error", reject);
        }),
    ),
  );
for (let round = 0; round < 3; round++) {
  const one = await inWorkers(1);
  const two = await inWorkers(2);
  console.log(`3e8 iterations: alone ${one[0]} ms; two threads at once ${two.join(" and ")} ms`);
}
