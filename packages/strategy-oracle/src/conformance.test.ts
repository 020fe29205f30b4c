import { describeStrategyConformance } from "@rxsim/core/testing";
import { createOracleStrategy } from "./index.js";

describeStrategyConformance("oracle", () => createOracleStrategy());
