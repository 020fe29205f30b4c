import { createScriptedQueue, type ScriptedQueue } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { MUTANTS, type Mutant } from "./mutants.js";

/** Run the mutant's script (or the same script on its real base) with a checker that records. */
function run(mutant: Mutant, factory = mutant.make()): ScriptedQueue {
  const sq = createScriptedQueue({
    factory,
    config: { pageSize: mutant.geometry.pageSize, bufferSize: mutant.geometry.bufferSize },
    throwOnViolation: false,
  });
  mutant.provoke(sq);
  return sq;
}

describe("the invariant checker flags every mutant, naming its bug", () => {
  for (const mutant of MUTANTS) {
    it(`${mutant.name}: ${mutant.bug}`, () => {
      const first = run(mutant).checker.list()[0];
      expect(first, "the checker reported nothing").toBeDefined();
      expect(first.kind).toBe(mutant.kind);
      expect(first.message).toMatch(mutant.message);
    });

    it(`${mutant.name}: the same traffic on the real strategy is clean`, () => {
      const sq = run(mutant, mutant.base());
      const leaked = sq.finish();
      expect(sq.checker.list()[0]?.message).toBeUndefined();
      expect(leaked).toEqual([]);
    });
  }
});
