import { RX_STRATEGY_CONTRACT_VERSION, resolveRxQueueConfig } from "@rxsim/core";
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
      qpl: null,
      headerSplit: false,
    });
    const f = createDqoStrategy();
    expect(f.name).toBe("dqo");
    expect(f.contractVersion).toBe(RX_STRATEGY_CONTRACT_VERSION);
    expect(f.options).toEqual(resolveDqoOptions());
    expect(Object.isFrozen(f.options)).toBe(true);
    const sq = createScriptedQueue({ factory: f, config: { bufferSize: 4096, copybreak: 100 } });
    const dqo = sq.queue.strategy as DqoStrategy;
    expect(dqo.geometry).toEqual({
      pageSize: 4096,
      bufferSize: 4096,
      numBufStates: 1024,
      copybreak: 100,
      qplPages: 0,
      headerBufferSize: 0,
    });
    expect(dqo.copybreak).toBe(100);
    expect(sq.queue.bufq.len[0]).toBe(4096);
    sq.finish();
  });

  it("keeps what it is given", () => {
    const o = { bufferSize: 1024, scanLimit: 0, stateMultiplier: 1, copybreak: 0, bias: false };
    expect(resolveDqoOptions(o)).toEqual({ ...o, qpl: null, headerSplit: false });
    const f = createDqoStrategy(o);
    expect(f.name).toBe("dqo-nobias");
    const g = resolveDqoGeometry(f.options, resolveRxQueueConfig({ bufqSlots: 64, bufferSize: 2048, copybreak: 256 }));
    expect(g).toEqual({
      pageSize: 4096,
      bufferSize: 1024,
      numBufStates: 64,
      copybreak: 0,
      qplPages: 0,
      headerBufferSize: 0,
    });
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

  it("qpl: true takes the defaults; an object keeps what it gives", () => {
    expect(resolveDqoOptions({ qpl: true }).qpl).toEqual({ pages: "queue", ondemandThreshold: 96 });
    expect(resolveDqoOptions({ qpl: {} }).qpl).toEqual({ pages: "queue", ondemandThreshold: 96 });
    expect(resolveDqoOptions({ qpl: false }).qpl).toBeNull();
    const q = resolveDqoOptions({ qpl: { pages: 100, ondemandThreshold: 10 } });
    expect(q.qpl).toEqual({ pages: 100, ondemandThreshold: 10 });
    expect(Object.isFrozen(q.qpl)).toBe(true);
    expect(resolveDqoOptions({ qpl: { pages: 32767, ondemandThreshold: 32767 } }).qpl).toEqual({
      pages: 32767,
      ondemandThreshold: 32767,
    });
    expect(resolveDqoOptions({ qpl: { pages: 1, ondemandThreshold: 0 } }).qpl).toEqual({
      pages: 1,
      ondemandThreshold: 0,
    });
  });

  it("QPL: one buffer state per pool page, 2 × bufq slots by default (gve_get_rx_pages_per_qpl_dqo), at most 32767", () => {
    const config = (bufqSlots: number) =>
      resolveRxQueueConfig({ bufqSlots, complqSlots: bufqSlots, doorbellThreshold: 8 });
    const qpl = resolveDqoOptions({ qpl: true, stateMultiplier: 3 });
    expect(resolveDqoGeometry(qpl, config(256))).toMatchObject({ numBufStates: 512, qplPages: 512 });
    expect(resolveDqoGeometry(qpl, config(16384))).toMatchObject({ numBufStates: 32767, qplPages: 32767 });
    expect(resolveDqoGeometry(qpl, config(8192))).toMatchObject({ numBufStates: 16384, qplPages: 16384 });
    const given = resolveDqoOptions({ qpl: { pages: 100 } });
    expect(resolveDqoGeometry(given, config(256))).toMatchObject({ numBufStates: 100, qplPages: 100 });
  });

  it("rejects out-of-range qpl.pages and qpl.ondemandThreshold, naming the key", () => {
    expect(() => resolveDqoOptions({ qpl: { pages: 0 } })).toThrow(
      new RangeError("dqo: qpl.pages must be an integer in [1, 32767], got 0"),
    );
    expect(() => resolveDqoOptions({ qpl: { pages: 32768 } })).toThrow(/qpl.pages .* got 32768/);
    expect(() => resolveDqoOptions({ qpl: { pages: 10.5 } })).toThrow(/qpl.pages/);
    expect(() => resolveDqoOptions({ qpl: { ondemandThreshold: -1 } })).toThrow(
      new RangeError("dqo: qpl.ondemandThreshold must be an integer in [0, 32767], got -1"),
    );
    expect(() => resolveDqoOptions({ qpl: { ondemandThreshold: 32768 } })).toThrow(/ondemandThreshold .* got 32768/);
  });

  it("header split: 4096-byte data buffers and copybreak 0 unless given; header buffers of the queue's size or 128", () => {
    expect(resolveDqoOptions({ headerSplit: true })).toMatchObject({
      bufferSize: 4096,
      copybreak: 0,
      headerSplit: true,
    });
    expect(resolveDqoOptions({ headerSplit: true, bufferSize: 2048, copybreak: 128 })).toMatchObject({
      bufferSize: 2048,
      copybreak: 128,
    });
    const hds = resolveDqoOptions({ headerSplit: true });
    const g = resolveDqoGeometry(hds, resolveRxQueueConfig({ bufferSize: 2048, copybreak: 256 }));
    expect(g).toMatchObject({ bufferSize: 4096, copybreak: 0, headerBufferSize: 128, qplPages: 0, numBufStates: 4096 });
    expect(resolveDqoGeometry(hds, resolveRxQueueConfig({ headerBufferSize: 256 })).headerBufferSize).toBe(256);
    expect(
      resolveDqoGeometry(resolveDqoOptions(), resolveRxQueueConfig({ headerBufferSize: 256 })).headerBufferSize,
    ).toBe(0);
  });

  it("names the modes so they can be compared side by side", () => {
    expect(createDqoStrategy({ qpl: true }).name).toBe("dqo-qpl");
    expect(createDqoStrategy({ headerSplit: true }).name).toBe("dqo-hds");
    expect(createDqoStrategy({ qpl: true, headerSplit: true }).name).toBe("dqo-qpl-hds");
    expect(createDqoStrategy({ qpl: { pages: 64 }, bias: false }).name).toBe("dqo-qpl-nobias");
    expect(createDqoStrategy({ headerSplit: false, qpl: false }).name).toBe("dqo");
  });

  it("QPL refuses a page table whose cap is below the pool", () => {
    const factory = createDqoStrategy({ qpl: { pages: 64 } });
    expect(() =>
      createScriptedQueue({ factory, config: { bufqSlots: 16, complqSlots: 16, doorbellThreshold: 8 }, maxPages: 63 }),
    ).toThrow(new RangeError("dqo: the queue page list needs 64 pages but the page table holds at most 63 (maxPages)"));
    const sq = createScriptedQueue({
      factory,
      config: { bufqSlots: 16, complqSlots: 16, doorbellThreshold: 8 },
      maxPages: 64,
    });
    expect(sq.pages.allocs).toBe(64);
    expect(sq.finish()).toEqual([]);
  });
});
