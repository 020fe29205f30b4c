import { type Capture, CaptureError } from "./capture-reader.js";
import { PacketExtras, type PacketSource } from "./packet-source.js";
import type { CaptureTraffic, ScenarioConfig } from "./scenario-config.js";

/**
 * Replays a capture's packet sizes (original lengths) and timestamps.
 * Timestamps are relative to the first packet, scaled by `timeScale`; one
 * earlier than its predecessor (interleaved interfaces) is moved up to it.
 * With `loop`, the capture starts over one mean gap after its last packet
 * until `packets` arrived; without, the run ends with the capture. Flags and
 * hold times are drawn per packet as for synthetic traffic.
 */
export class CaptureSource implements PacketSource {
  timeNs = 0;
  size = 0;
  flags = 0;
  holdNs = 0;
  /** The capture's packet number of the current packet (its flow is `capture.flows[frame]`). */
  frame = 0;
  readonly total: number;
  readonly allImmediate: boolean;

  private readonly capture: Capture;
  private readonly extras: PacketExtras;
  private readonly scale: number;
  private readonly loopPeriodNs: number;
  private index = 0;
  private seq = 0;
  private offsetNs = 0;

  constructor(config: ScenarioConfig, traffic: CaptureTraffic, capture: Capture) {
    if (capture.packets === 0) throw new CaptureError(traffic.path, 0, "the capture holds no packets");
    this.capture = capture;
    this.extras = new PacketExtras(config);
    this.allImmediate = this.extras.allImmediate;
    this.scale = traffic.timeScale;
    this.total = traffic.loop ? config.packets : Math.min(config.packets, capture.packets);
    const n = capture.packets;
    const span = capture.timestampsNs[n - 1] * traffic.timeScale;
    this.loopPeriodNs = n > 1 ? span + span / (n - 1) : 1000;
  }

  next(): boolean {
    if (this.seq >= this.total) return false;
    this.seq++;
    const c = this.capture;
    if (this.index === c.packets) {
      this.index = 0;
      this.offsetNs += this.loopPeriodNs;
    }
    const t = this.offsetNs + c.timestampsNs[this.index] * this.scale;
    if (t > this.timeNs || this.seq === 1) this.timeNs = Math.max(t, 0);
    this.size = c.sizes[this.index];
    this.frame = this.index;
    this.index++;
    this.flags = this.extras.flags();
    this.holdNs = this.extras.holds.draw();
    return true;
  }

  close(): void {}
}
