import type { Capture } from "./capture-reader.js";
import { CaptureSource } from "./capture-source.js";
import { type PacketSource, SyntheticSource } from "./packet-source.js";
import type { ScenarioConfig } from "./scenario-config.js";
import type { TrafficFiles } from "./traffic-files.js";

/** Inputs read once and shared by every strategy of a comparison. */
export interface PreparedInputs {
  /** The capture, for `{ kind: "capture" }` traffic. */
  readonly capture: Capture | null;
  /** Where trace traffic is read from. */
  readonly files: TrafficFiles;
}

/** Read what the traffic needs (a capture) once. */
export function prepareInputs(config: ScenarioConfig, files: TrafficFiles): PreparedInputs {
  const traffic = config.traffic;
  const capture = traffic.kind === "capture" ? files.readCapture(traffic.path, { maxGapNs: traffic.maxGapNs }) : null;
  return { capture, files };
}

/** Open the packet source of `config.traffic`. */
export function openSource(config: ScenarioConfig, inputs: PreparedInputs): PacketSource {
  const traffic = config.traffic;
  switch (traffic.kind) {
    case "synthetic":
      return new SyntheticSource(config, traffic);
    case "capture":
      return new CaptureSource(
        config,
        traffic,
        inputs.capture ?? inputs.files.readCapture(traffic.path, { maxGapNs: traffic.maxGapNs }),
      );
    case "trace":
      return inputs.files.openTrace(traffic.path, config.packets);
  }
}
