import { describeStrategyConformance } from "@rxsim/core/testing";
import { createPageFlipStrategy } from "./index.js";

describeStrategyConformance("page-flip", () => createPageFlipStrategy());
describeStrategyConformance(
  "page-flip (truesize stride, a quarter of the pages not reusable)",
  () => createPageFlipStrategy({ largePageStride: "truesize", nonReusableFraction: 0.25 }),
  { propertyRuns: 10 },
);
