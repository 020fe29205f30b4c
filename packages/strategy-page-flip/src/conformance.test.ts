import { describeStrategyConformance } from "@rxsim/core/testing";
import { createPageFlipStrategy } from "./index.js";

describeStrategyConformance("page-flip", () => createPageFlipStrategy());
describeStrategyConformance(
  "page-flip (truesize stride, a quarter of the pages not reusable)",
  () => createPageFlipStrategy({ largePageStride: "truesize", nonReusableFraction: 0.25 }),
  { propertyRuns: 10 },
);
describeStrategyConformance(
  "page-flip (ice: count checked on large pages too)",
  () => createPageFlipStrategy({ driver: "ice" }),
  {
    propertyRuns: 10,
  },
);
describeStrategyConformance(
  "page-flip (simplified: last offset where a buffer fits, errors left as they were)",
  () => createPageFlipStrategy({ driver: "simplified" }),
  { propertyRuns: 10 },
);
