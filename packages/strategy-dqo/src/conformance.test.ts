import { DEFAULT_GEOMETRIES, describeStrategyConformance } from "@rxsim/core/testing";
import { createDqoStrategy } from "./index.js";

describeStrategyConformance("dqo", () => createDqoStrategy());
describeStrategyConformance("dqo without the bias trick", () => createDqoStrategy({ bias: false }), {
  propertyRuns: 5,
});
// A fixed pool can run dry by design: the allocation-failure and long-hold scenarios then check correctness only.
describeStrategyConformance("dqo-qpl", () => createDqoStrategy({ qpl: true }), { fixedPool: true });

// Header split makes every data buffer 4096 bytes, so only the 4K-buffer geometries differ. The suite's
// copybreak scenario needs a copybreak: 256 models a device that leaves packets that short unsplit.
const hdsGeometries = DEFAULT_GEOMETRIES.filter((g) => g.bufferSize === 4096);
describeStrategyConformance("dqo-hds", () => createDqoStrategy({ headerSplit: true, copybreak: 256 }), {
  geometries: hdsGeometries,
});
describeStrategyConformance("dqo-qpl-hds", () => createDqoStrategy({ qpl: true, headerSplit: true, copybreak: 256 }), {
  geometries: hdsGeometries,
  fixedPool: true,
  propertyRuns: 10,
});
