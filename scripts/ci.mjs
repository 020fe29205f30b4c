// The whole test command: lint, build, typecheck, every test, then the packaging checks (tarballs, README examples
// and the example strategy outside the repository, changelog order).
import { mkdirSync, readFileSync } from "node:fs";
import { pnpmCommand, run } from "./run.mjs";

const [pnpm, ...pre] = pnpmCommand();
run(pnpm, [...pre, "exec", "biome", "ci", "."]);
run(pnpm, [...pre, "exec", "turbo", "run", "build", "typecheck", "--output-logs=errors-only"]);
mkdirSync("reports", { recursive: true });
run(pnpm, [
  ...pre,
  "exec",
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  "--outputFile.json=reports/vitest.json",
]);
run(process.execPath, ["scripts/check-packages.mjs"]);
run(process.execPath, ["scripts/check-outside-repo.mjs"]);
run(process.execPath, ["scripts/check-changelog-order.mjs"]);
const report = JSON.parse(readFileSync("reports/vitest.json", "utf8"));
console.log("\nci: lint, build, typecheck, tests and package checks all passed");
console.log(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`,
);
