import { resolveRxQueueConfig } from "@rxsim/core";
import { createScriptedQueue } from "@rxsim/core/testing";
import { describe, expect, it } from "vitest";
import { createDqoStrategy, type DqoStrategy } from "./dqo-strategy.js";
import { resolveDqoGeometry, resolveDqoOptions } from "./options.js";

describe("dqo options", () => {
  it("defaults to the driver's values, taking buffer size and copybreak from the queue", () => {
    expect(resolveDqoOptions()).toEqual({
      bufferSize: "queue",
      scanLimit: 5,
      stateMultiplier: 4,
      copybreak: "queue",
      bias: true,
    });
    const f = createDqoStrategy();
    expect(f.name).toBe("dqo");
    expect(f.contractVersion).toBe(1);
    expect(f.options).toEqual(resolveDqoOptions());
    expect(Object.isFrozen(f.options)).toBe(true);
    const sq = createScriptedQueue({ factory: f, config: { bufferSize: 4096, copybreak: 100 } });
    const dqo = sq.queue.strategy as DqoStrategy;
    expect(dqo.geometry).toEqual({ pageSize: 4096, bufferSize: 4096, numBufStates: 1024, copybreak: 100 });
    expect(dqo.copybreak).toBe(100);
    expect(sq.queue.bufq.len[0]).toBe(4096);
    sq.finish();
  });

  it("keeps what it is given", () => {
    const o = { bufferSize: 1024, scanLimit: 0, stateMultiplier: 1, copybreak: 0, bias: false };
    expect(resolveDqoOptions(o)).toEqual(o);
    const f = createDqoStrategy(o);
    expect(f.name).toBe("dqo-nobias");
    const g = resolveDqoGeometry(f.options, resolveRxQueueConfig({ bufqSlots: 64, bufferSize: 2048, copybreak: 256 }));
    expect(g).toEqual({ pageSize: 4096, bufferSize: 1024, numBufStates: 64, copybreak: 0 });
  });

  it("num_buf_states = min(32767, stateMultiplier × bufq slots)", () => {
    const config = (bufqSlots: number) =>
      resolveRxQueueConfig({ bufqSlots, complqSlots: bufqSlots, doorbellThreshold: 8 });
    expect(resolveDqoGeometry(resolveDqoOptions(), config(8192)).numBufStates).toBe(32767);
    expect(resolveDqoGeometry(resolveDqoOptions(), config(4096)).numBufStates).toBe(16384);
    expect(resolveDqoGeometry(resolveDqoOptions({ stateMultiplier: 8 }), config(4096)).numBufStates).toBe(32767);
    expect(resolveDqoGeometry(resolveDqoOptions({ stateMultiplier: 3 }), config(16)).numBufStates).toBe(48);
  });

  it("rejects a buffer size that is not a power of two or larger than the page, naming the key", () => {
    expect(() => resolveDqoOptions({ bufferSize: 3000 })).toThrow(
      new RangeError("dqo: bufferSize must be a power of two no larger than pageSize (65536), got 3000"),
    );
    expect(() => resolveDqoOptions({ bufferSize: 131072 })).toThrow(/bufferSize .* got 131072/);
    expect(() => resolveDqoOptions({ bufferSize: 0 })).toThrow(/bufferSize .* got 0/);
    expect(() => resolveDqoOptions({ bufferSize: -2048 })).toThrow(/bufferSize .* got -2048/);
    expect(() => resolveDqoOptions({ bufferSize: 2048.5 })).toThrow(/bufferSize/);
    expect(resolveDqoOptions({ bufferSize: 65536 }).bufferSize).toBe(65536);
    expect(resolveDqoOptions({ bufferSize: 1 }).bufferSize).toBe(1);
    // Checked against the simulated machine's page size when the queue is created.
    expect(() => createScriptedQueue({ factory: createDqoStrategy({ bufferSize: 8192 }) })).toThrow(
      new RangeError("dqo: bufferSize must be a power of two no larger than pageSize (4096), got 8192"),
    );
    expect(() => createScriptedQueue({ factory: createDqoStrategy(), config: { bufferSize: 1500 } })).toThrow(
      /dqo: bufferSize must be a power of two no larger than pageSize \(4096\), got 1500/,
    );
    const sq = createScriptedQueue({ factory: createDqoStrategy({ bufferSize: 8192 }), config: { pageSize: 16384 } });
    expect(sq.queue.bufq.len[0]).toBe(8192);
    sq.finish();
  });

  it("rejects out-of-range scanLimit, stateMultiplier and copybreak, naming the key", () => {
    expect(() => resolveDqoOptions({ scanLimit: -1 })).toThrow(
      new RangeError("dqo: scanLimit must be an integer in [0, 32767], got -1"),
    );
    expect(() => resolveDqoOptions({ scanLimit: 32768 })).toThrow(/scanLimit .* got 32768/);
    expect(() => resolveDqoOptions({ scanLimit: 1.5 })).toThrow(/scanLimit/);
    expect(resolveDqoOptions({ scanLimit: 32767 }).scanLimit).toBe(32767);
    expect(() => resolveDqoOptions({ stateMultiplier: 0 })).toThrow(
      new RangeError("dqo: stateMultiplier must be an integer in [1, 32767], got 0"),
    );
    expect(() => resolveDqoOptions({ stateMultiplier: 32768 })).toThrow(/stateMultiplier/);
    expect(resolveDqoOptions({ stateMultiplier: 32767 }).stateMultiplier).toBe(32767);
    expect(() => resolveDqoOptions({ copybreak: -1 })).toThrow(
      new RangeError("dqo: copybreak must be an integer in [0, 65535], got -1"),
    );
    expect(() => resolveDqoOptions({ copybreak: 65536 })).toThrow(/copybreak/);
    expect(resolveDqoOptions({ copybreak: 65535 }).copybreak).toBe(65535);
  });
});
