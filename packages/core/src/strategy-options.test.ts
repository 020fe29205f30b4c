import { describe, expect, it } from "vitest";
import { resolveRxQueueConfig } from "./config.js";
import { checkIntegerOption, checkQueueDefaultOption, resolveBufferSizes } from "./strategy-options.js";

describe("checkIntegerOption", () => {
  it("accepts integers inside the range, both ends included", () => {
    expect(() => checkIntegerOption("s", "k", 1, 1, 3)).not.toThrow();
    expect(() => checkIntegerOption("s", "k", 3, 1, 3)).not.toThrow();
  });

  it("throws a RangeError naming owner, option, range and value for anything else", () => {
    expect(() => checkIntegerOption("page_pool", "poolSize", 16385, 1, 16384)).toThrow(
      new RangeError("page_pool: poolSize must be an integer in [1, 16384], got 16385"),
    );
    expect(() => checkIntegerOption("dqo", "scanLimit", -1, 0, 5)).toThrow(/dqo: scanLimit .* got -1$/);
    expect(() => checkIntegerOption("dqo", "scanLimit", 2.5, 0, 5)).toThrow(/got 2\.5$/);
    expect(() => checkIntegerOption("dqo", "scanLimit", Number.NaN, 0, 5)).toThrow(/got NaN$/);
  });
});

describe("checkQueueDefaultOption", () => {
  it('lets "queue" through and checks numbers', () => {
    expect(() => checkQueueDefaultOption("s", "copybreak", "queue", 0, 10)).not.toThrow();
    expect(() => checkQueueDefaultOption("s", "copybreak", 10, 0, 10)).not.toThrow();
    expect(() => checkQueueDefaultOption("s", "copybreak", 11, 0, 10)).toThrow(
      new RangeError("s: copybreak must be an integer in [0, 10], got 11"),
    );
  });
});

describe("resolveBufferSizes", () => {
  const config = resolveRxQueueConfig({ pageSize: 4096, bufferSize: 2048, copybreak: 256 });

  it("takes the queue's values for \"queue\" and the option's otherwise", () => {
    expect(resolveBufferSizes("s", { bufferSize: "queue", copybreak: "queue" }, config, 1)).toEqual({
      bufferSize: 2048,
      copybreak: 256,
    });
    expect(resolveBufferSizes("s", { bufferSize: 4096, copybreak: 0 }, config, 1)).toEqual({
      bufferSize: 4096,
      copybreak: 0,
    });
  });

  it("refuses a buffer larger than the page or smaller than the minimum, naming the owner", () => {
    expect(() => resolveBufferSizes("naive", { bufferSize: 9000, copybreak: "queue" }, config, 1)).toThrow(
      new RangeError("naive: bufferSize must be an integer in [1, 4096], got 9000"),
    );
    expect(() => resolveBufferSizes("oracle", { bufferSize: 32, copybreak: "queue" }, config, 64)).toThrow(
      /oracle: bufferSize must be an integer in \[64, 4096\], got 32/,
    );
  });
});
