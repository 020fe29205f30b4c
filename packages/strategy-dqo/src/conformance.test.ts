import { describeStrategyConformance } from "@rxsim/core/testing";
import { createDqoStrategy } from "./index.js";

describeStrategyConformance("dqo", () => createDqoStrategy());
describeStrategyConformance("dqo without the bias trick", () => createDqoStrategy({ bias: false }), {
  propertyRuns: 5,
});
