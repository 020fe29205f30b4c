import { CompletionKind } from "@rxsim/core";
import { describe, expect, it } from "vitest";
import { INT_MAX } from "./constants.js";
import { direct } from "./test-support/direct-env.js";

describe("QPL copy on demand whose page allocation fails", () => {
  it("puts the buffer back on recycled at the same offset, bias untouched, and answers Dropped", () => {
    // Pool pages are attempts 1-4; the copy's page is attempt 5.
    const d = direct({ qpl: { pages: 4, ondemandThreshold: 4 } }, { pageSize: 16384 }, { attempts: [5] });
    d.refill(1);
    d.takeLog();
    expect(d.dqo.complete(0, CompletionKind.Fragment, 1500)).toBe(2);
    expect(d.takeLog()).toEqual(["P alloc-fail 5", "D copy-fail 0 used=0 -> recycled"]);
    expect(d.s.lists().recycled).toEqual([0]);
    expect(d.s.pageOffset[0]).toBe(0);
    expect(d.s.pagecntBias[0]).toBe(INT_MAX);
    expect(d.refs(0)).toBe(0);
    expect(d.dqo.stats()).toMatchObject({ copy_alloc_fail: 1, rx_frag_alloc_cnt: 0 });
    expect(d.refill(1)).toEqual([{ id: 0, page: 0, off: 0, len: 2048 }]);
  });

  it("writes nothing with the log off", () => {
    const d = direct({ qpl: { pages: 2, ondemandThreshold: 2 } }, {}, { attempts: [3] }, false);
    d.refill(1);
    expect(d.dqo.complete(0, CompletionKind.Fragment, 100)).toBe(2);
    expect(d.log.lines.filter((l) => l.startsWith("D "))).toEqual([]);
    expect(d.s.lists().recycled).toEqual([0]);
  });
});
