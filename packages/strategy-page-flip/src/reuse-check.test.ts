import { DEFAULT_RX_QUEUE_CONFIG } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { pageFlipGeometry, resolvePageFlipOptions } from "./options.js";
import { nextOffset, ReuseVerdict, reuseVerdict } from "./reuse-check.js";

const geometry = (pageSize: number, bufferSize: number) =>
  pageFlipGeometry(resolvePageFlipOptions({ bufferSize, driver: "simplified" }), {
    ...DEFAULT_RX_QUEUE_CONFIG,
    pageSize,
  });

describe("nextOffset (ixgbe_add_rx_frag)", () => {
  it("flips between the two halves of a 4 KiB page", () => {
    const g = geometry(4096, 2048);
    expect(g.flip).toBe(true);
    expect(nextOffset(g, false, 0, 1500)).toBe(2048);
    expect(nextOffset(g, false, 2048, 1500)).toBe(0);
    // Smaller buffers still flip half pages (truesize is half the page).
    expect(nextOffset(geometry(4096, 1024), false, 0, 100)).toBe(2048);
  });

  it("walks forward on large pages, by the buffer or by the aligned fragment size", () => {
    const g = geometry(16384, 2048);
    expect(g.flip).toBe(false);
    expect(nextOffset(g, false, 4096, 1500)).toBe(6144);
    expect(nextOffset(g, true, 4096, 1500)).toBe(4096 + 1536);
    expect(nextOffset(g, true, 0, 64)).toBe(64);
    expect(nextOffset(g, true, 0, 0)).toBe(64);
  });
});

describe("reuseVerdict (ixgbe_can_reuse_rx_page)", () => {
  it("4 KiB: reusable only while the stack holds nothing but the fragment just handed up", () => {
    const g = geometry(4096, 2048);
    expect(reuseVerdict(g, true, 65535, 65534, 2048)).toBe(ReuseVerdict.Reuse);
    expect(reuseVerdict(g, true, 65535, 65533, 2048)).toBe(ReuseVerdict.Busy);
    expect(reuseVerdict(g, false, 65535, 65534, 2048)).toBe(ReuseVerdict.Waive);
  });

  it("large pages: reusable until the offset passes pageSize - bufferSize, whatever the count", () => {
    const g = geometry(16384, 2048);
    expect(g.lastOffset).toBe(14336);
    expect(reuseVerdict(g, true, 0, 100, 14336)).toBe(ReuseVerdict.Reuse);
    expect(reuseVerdict(g, true, 0, 100, 14337)).toBe(ReuseVerdict.PageEnd);
    expect(reuseVerdict(g, false, 0, 100, 0)).toBe(ReuseVerdict.Waive);
  });

  it("4 KiB pages with buffers over half a page hold one buffer and are never reused after a fragment", () => {
    const g = geometry(4096, 4096);
    expect(g.flip).toBe(false);
    expect(reuseVerdict(g, true, 0, 65534, nextOffset(g, false, 0, 1500))).toBe(ReuseVerdict.PageEnd);
  });
});
