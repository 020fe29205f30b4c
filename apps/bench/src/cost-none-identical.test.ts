import { createHash } from "node:crypto";
import { applySetOverrides, getScenario, runStrategy } from "@rxsim/harness";
import { createDqoStrategy } from "@rxsim/strategy-dqo";
import { createFifoCacheStrategy } from "@rxsim/strategy-fifo-cache";
import { createNaiveStrategy } from "@rxsim/strategy-naive";
import { createOracleStrategy } from "@rxsim/strategy-oracle";
import { createPageFlipStrategy } from "@rxsim/strategy-page-flip";
import { createPagePoolStrategy } from "@rxsim/strategy-page-pool";
import { describe, expect, it } from "vitest";

/**
 * Hashes of (metrics, strategy stats, decision log) of each run, computed by
 * the code before cost profiles and DMA mappings existed (commit 03e824a,
 * the same script): with the cost profile `none`, every one must be
 * byte-identical. Only the fields added since are left out of the metrics.
 */
const BEFORE: Record<string, string> = {
  "default/naive": "1ee45633ee6d3e4f",
  "default/dqo": "c356cbc5d5c8ee1b",
  "default/dqo-qpl": "7fc29a6c5d6687f8",
  "default/page-pool": "7796474d1876d351",
  "default/page-flip": "8143a5ad2f4a2653",
  "default/fifo-cache": "3d741a848f4bb96c",
  "default/oracle": "fcb5e3d1e6148737",
  "delayed-release/naive": "a160b6e57b5eac30",
  "delayed-release/dqo": "664da71799513f69",
  "delayed-release/dqo-qpl": "a56ec4141fe445e6",
  "delayed-release/page-pool": "dd3ab4e59bc8da6e",
  "delayed-release/page-flip": "cde7e37e14000b67",
  "delayed-release/fifo-cache": "fcfd6a4b967f195e",
  "delayed-release/oracle": "de7e8a246fe56e9c",
  "batched-reader/naive": "820ab8e09b5ed281",
  "batched-reader/dqo": "a480eed7c5723227",
  "batched-reader/dqo-qpl": "00cbb622df7b33af",
  "batched-reader/page-pool": "8aec662674e10f31",
  "batched-reader/page-flip": "53aece822a542072",
  "batched-reader/fifo-cache": "9e8aa61560ef4dbe",
  "batched-reader/oracle": "46fdd0bdff2ac937",
  "imix/naive": "132a4bf6e4c7895d",
  "imix/dqo": "c363224266ac40f5",
  "imix/dqo-qpl": "21737cd95479854f",
  "imix/page-pool": "917b25e8f9856a70",
  "imix/page-flip": "b472c4f94061dca2",
  "imix/fifo-cache": "d48965e50700ea82",
  "imix/oracle": "90c58ef3bee4b912",
  "ooo-errors/naive": "201ec83e784de396",
  "ooo-errors/dqo": "b285d49e92bf0dd8",
  "ooo-errors/dqo-qpl": "22a11f966b02e70b",
  "ooo-errors/page-pool": "2a74de9d220e9561",
  "ooo-errors/page-flip": "1d5973f0ccfab53a",
  "ooo-errors/fifo-cache": "fe91f9ea66225b10",
  "ooo-errors/oracle": "bda14ef617d3afe4",
};

const ADDED = new Set([
  "dmaMaps",
  "dmaUnmaps",
  "dmaSyncs",
  "peakMappedPages",
  "cpuNs",
  "cpuNsPerPacket",
  "cpuNsPerPacketByOp",
  "napiBusyNs",
  "napiUtilisation",
]);

describe("cost profile none changes nothing", () => {
  it("every decision log, metric and strategy stat is byte-identical to before cost profiles", () => {
    const got: Record<string, string> = {};
    for (const name of ["default", "delayed-release", "batched-reader", "imix", "ooo-errors"]) {
      const config = applySetOverrides(getScenario(name), ["packets=10000", "warmupPackets=1000"]);
      expect(config.costProfile.name).toBe("none");
      for (const f of [
        createNaiveStrategy(),
        createDqoStrategy(),
        createDqoStrategy({ qpl: {} }),
        createPagePoolStrategy(),
        createPageFlipStrategy(),
        createFifoCacheStrategy(),
        createOracleStrategy(),
      ]) {
        const lines: string[] = [];
        const r = runStrategy(config, f, { decisionLog: { line: (t) => void lines.push(t) } });
        const metrics = JSON.parse(JSON.stringify(r.metrics, (k, v) => (ADDED.has(k) ? undefined : v)));
        const h = createHash("sha256");
        h.update(JSON.stringify(metrics));
        h.update(JSON.stringify(r.strategyStats));
        h.update(lines.join("\n"));
        got[`${name}/${f.name}`] = h.digest("hex").slice(0, 16);
      }
    }
    expect(got).toEqual(BEFORE);
  }, 300_000);
});
