import { type Capture, readCapture } from "./capture-reader.js";
import { CaptureSource } from "./capture-source.js";
import { type PacketSource, SyntheticSource } from "./packet-source.js";
import type { ScenarioConfig } from "./scenario-config.js";
import { openTraceSource } from "./trace.js";

/** Inputs read once and shared by every strategy of a comparison. */
export interface PreparedInputs {
  /** The capture, for `{ kind: "capture" }` traffic. */
  readonly capture: Capture | null;
}

/** Read what the traffic needs from disk (a capture) once. */
export function prepareInputs(config: ScenarioConfig): PreparedInputs {
  return { capture: config.traffic.kind === "capture" ? readCapture(config.traffic.path) : null };
}

/** Open the packet source of `config.traffic`. */
export function openSource(config: ScenarioConfig, inputs: PreparedInputs): PacketSource {
  const traffic = config.traffic;
  switch (traffic.kind) {
    case "synthetic":
      return new SyntheticSource(config, traffic);
    case "capture":
      return new CaptureSource(config, traffic, inputs.capture ?? readCapture(traffic.path));
    case "trace":
      return openTraceSource(config, traffic);
  }
}
