// A generic checkpoint of a replay's object graph, restored in place.
//
// Strategies are opaque objects; the viewer must jump back to any step
// without re-running the log from its start. Every mutable value of a replay
// lives in fields of objects (typed arrays, arrays, Maps, Sets, plain and
// class objects) reachable from one root, so a checkpoint records, for each
// reachable object, its contents, and restoring writes them back into the
// same objects: identities are kept, so closures and shared references stay
// valid. A typed array's length never changes, so its contents are copied
// back into it; a property since pointed at a new (grown) array is pointed
// back at the old one. Functions are not entered (their closures must hold no
// state, which DecisionLogReplayer guarantees for its own).

type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** A recorded object: how to put its contents back. */
type Entry =
  | { kind: 0; target: TypedArray; data: TypedArray }
  | { kind: 1; target: unknown[]; data: unknown[] }
  | { kind: 2; target: Map<unknown, unknown>; data: [unknown, unknown][] }
  | { kind: 3; target: Set<unknown>; data: unknown[] }
  | { kind: 4; target: Record<string, unknown>; keys: string[]; values: unknown[] };

/** A checkpoint taken by {@link takeCheckpoint}. */
export interface Checkpoint {
  /** Objects recorded. */
  readonly objects: number;
  /** Bytes of typed-array contents copied (the bulk of its memory). */
  readonly bytes: number;
  /** @internal */
  readonly entries: readonly Entry[];
}

const isObject = (v: unknown): v is object => typeof v === "object" && v !== null;

/**
 * Record everything reachable from `root`, except the objects in `skip`
 * (large immutable inputs such as the log's lines) and frozen objects.
 */
export function takeCheckpoint(root: object, skip: ReadonlySet<object> = new Set()): Checkpoint {
  const seen = new Set<object>();
  const entries: Entry[] = [];
  const stack: object[] = [root];
  let bytes = 0;
  const visit = (v: unknown) => {
    if (isObject(v) && !seen.has(v) && !skip.has(v) && !Object.isFrozen(v)) stack.push(v);
  };
  while (stack.length > 0) {
    const o = stack.pop() as object;
    if (seen.has(o)) continue;
    seen.add(o);
    if (ArrayBuffer.isView(o)) {
      if (o instanceof DataView) throw new Error("checkpoint: DataView is not supported");
      const t = o as TypedArray;
      entries.push({ kind: 0, target: t, data: t.slice() });
      bytes += t.byteLength;
    } else if (Array.isArray(o)) {
      entries.push({ kind: 1, target: o, data: o.slice() });
      for (const v of o) visit(v);
    } else if (o instanceof Map) {
      const data = [...o.entries()];
      entries.push({ kind: 2, target: o, data });
      for (const [k, v] of data) {
        visit(k);
        visit(v);
      }
    } else if (o instanceof Set) {
      const data = [...o.values()];
      entries.push({ kind: 3, target: o, data });
      for (const v of data) visit(v);
    } else if (typeof o !== "function") {
      const rec = o as Record<string, unknown>;
      const keys = Object.keys(rec);
      const values = keys.map((k) => rec[k]);
      entries.push({ kind: 4, target: rec, keys, values });
      for (const v of values) visit(v);
    }
  }
  return { objects: entries.length, bytes, entries };
}

/** Put every object recorded in `cp` back as it was when the checkpoint was taken. */
export function restoreCheckpoint(cp: Checkpoint): void {
  for (const e of cp.entries) {
    switch (e.kind) {
      case 0:
        e.target.set(e.data as never);
        break;
      case 1:
        e.target.length = 0;
        for (const v of e.data) e.target.push(v);
        break;
      case 2:
        e.target.clear();
        for (const [k, v] of e.data) e.target.set(k, v);
        break;
      case 3:
        e.target.clear();
        for (const v of e.data) e.target.add(v);
        break;
      case 4: {
        const t = e.target;
        const keep = new Set(e.keys);
        for (const k of Object.keys(t)) if (!keep.has(k)) delete t[k];
        for (let i = 0; i < e.keys.length; i++) {
          const k = e.keys[i];
          // Readonly fields hold the same value at every checkpoint; assigning them is harmless.
          if (t[k] !== e.values[i]) t[k] = e.values[i];
        }
        break;
      }
    }
  }
}
