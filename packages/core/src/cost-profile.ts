/**
 * What buffer management costs on a real CPU: nanoseconds per operation the
 * simulation counts. Every built-in number is sourced or derived in
 * `docs/cost-model.md`; `none` (every cost 0) is rxsim's infinitely fast CPU.
 */

/** The operations a profile prices, in the order reports list them. */
export const COST_OPERATIONS = [
  "pageAlloc",
  "pageAllocBulk",
  "pageFree",
  "poolFastAlloc",
  "poolRingRefill",
  "poolRingRecycle",
  "atomicLocal",
  "atomicRemote",
  "refRead",
  "refReadRemote",
  "dmaMap",
  "dmaUnmap",
  "dmaSync",
  "packet",
  "poll",
] as const;

/** One of {@link COST_OPERATIONS}. */
export type CostOperation = (typeof COST_OPERATIONS)[number];

/** Nanoseconds per operation. */
export type CostTable = Readonly<Record<CostOperation, number>>;

/** A named cost table. */
export interface CostProfile {
  /** Built-in name, or the user's. */
  readonly name: string;
  /** Nanoseconds per operation. */
  readonly costs: CostTable;
}

/** What each operation is, for reports and error messages. */
export const COST_OPERATION_DESCRIPTIONS: Readonly<Record<CostOperation, string>> = {
  pageAlloc: "alloc_page(): one order-0 page from the page allocator",
  pageAllocBulk: "one page of an alloc_pages_bulk() batch (page_pool's slow path)",
  pageFree: "one page back to the page allocator",
  poolFastAlloc: "page_pool: a page from the lockless per-NAPI cache",
  poolRingRefill: "page_pool: one page moved from the ptr_ring into the cache",
  poolRingRecycle: "page_pool: one page recycled into the ptr_ring",
  atomicLocal: "atomic page-reference op on a page this CPU touched last",
  atomicRemote: "atomic page-reference op on a page another CPU touched last",
  refRead: "plain page_count() read, line in this CPU's cache",
  refReadRemote: "plain page_count() read of a line another CPU wrote last",
  dmaMap: "dma_map_page(): one page",
  dmaUnmap: "dma_unmap_page(): one page",
  dmaSync: "dma_sync_single_range_for_cpu/_for_device: one buffer",
  packet: "per-packet driver work beyond buffer management (descriptor, skb build)",
  poll: "per-NAPI-poll overhead",
};

const ZERO: CostTable = Object.freeze({
  pageAlloc: 0,
  pageAllocBulk: 0,
  pageFree: 0,
  poolFastAlloc: 0,
  poolRingRefill: 0,
  poolRingRecycle: 0,
  atomicLocal: 0,
  atomicRemote: 0,
  refRead: 0,
  refReadRemote: 0,
  dmaMap: 0,
  dmaUnmap: 0,
  dmaSync: 0,
  packet: 0,
  poll: 0,
});

// CPU-side numbers (docs/cost-model.md): bench_page_pool_simple and atomic_inc on
// an Intel Xeon E5-1650 v4 @ 3.60GHz (J. D. Brouer, netdev, 2025-01-14), the
// Broadwell L2-to-L2 modified intervention latency for remote lines, and the
// page-allocator split derived from Mel Gorman's bulk allocator comparison.
const CPU: CostTable = Object.freeze({
  ...ZERO,
  pageAlloc: 107.2,
  pageAllocBulk: 29.6,
  pageFree: 31.1,
  poolFastAlloc: 5.4,
  poolRingRefill: 4.85,
  poolRingRecycle: 4.85,
  atomicLocal: 4.8,
  atomicRemote: 46.1,
  refRead: 1.1,
  refReadRemote: 41.3,
});

/** The built-in profiles, by name. */
export const BUILTIN_COST_PROFILES = Object.freeze({
  /** Every cost 0: polls take no time (rxsim before cost profiles). */
  none: Object.freeze({ name: "none", costs: ZERO }),
  /** No IOMMU (dma-direct on a coherent x86 device): mapping is address arithmetic, syncs are skipped. */
  "bare-metal": Object.freeze({ name: "bare-metal", costs: Object.freeze({ ...CPU, dmaMap: 2, dmaUnmap: 2 }) }),
  /** IOMMU in lazy mode (flush queue): the IOTLB invalidation is batched, not paid per unmap. */
  "iommu-lazy": Object.freeze({ name: "iommu-lazy", costs: Object.freeze({ ...CPU, dmaMap: 100, dmaUnmap: 100 }) }),
  /** IOMMU in strict mode: every unmap waits for its IOTLB invalidation. */
  "iommu-strict": Object.freeze({ name: "iommu-strict", costs: Object.freeze({ ...CPU, dmaMap: 100, dmaUnmap: 600 }) }),
}) satisfies Readonly<Record<string, CostProfile>>;

/** Name of a built-in profile. */
export type BuiltinCostProfileName = keyof typeof BUILTIN_COST_PROFILES;

/** The default profile: `none`, so results stay those of an infinitely fast CPU unless asked. */
export const DEFAULT_COST_PROFILE: BuiltinCostProfileName = "none";

/** Names of the built-in profiles. */
export function builtinCostProfileNames(): BuiltinCostProfileName[] {
  return Object.keys(BUILTIN_COST_PROFILES) as BuiltinCostProfileName[];
}

/** The built-in profile `name`, or undefined. */
export function getBuiltinCostProfile(name: string): CostProfile | undefined {
  return Object.hasOwn(BUILTIN_COST_PROFILES, name) ? BUILTIN_COST_PROFILES[name as BuiltinCostProfileName] : undefined;
}

/** True when every cost is 0 (the simulation then skips cost accounting entirely). */
export function isZeroCost(costs: CostTable): boolean {
  for (const op of COST_OPERATIONS) if (costs[op] !== 0) return false;
  return true;
}

/**
 * Check a user profile: a JSON object `{ name?, base?, costs }` (or a bare
 * `costs` object) whose keys are operations and whose values are finite,
 * non-negative nanoseconds. Operations not given take `base`'s (a built-in
 * name, `none` by default).
 * @throws RangeError with a one-line message naming the offending key.
 */
export function parseCostProfile(value: unknown, fallbackName = "custom"): CostProfile {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RangeError(`cost profile: expected a JSON object, got ${describe(value)}`);
  }
  const o = value as Record<string, unknown>;
  const wrapped = "costs" in o;
  if (wrapped) {
    for (const key of Object.keys(o)) {
      if (key !== "name" && key !== "base" && key !== "costs") {
        throw new RangeError(`cost profile: unknown key "${key}" (known keys: name, base, costs)`);
      }
    }
  }
  const name = wrapped && o.name !== undefined ? o.name : fallbackName;
  if (typeof name !== "string" || name.length === 0) {
    throw new RangeError(`cost profile: name must be a non-empty string, got ${describe(name)}`);
  }
  const baseName = wrapped && o.base !== undefined ? o.base : DEFAULT_COST_PROFILE;
  const base = typeof baseName === "string" ? getBuiltinCostProfile(baseName) : undefined;
  if (base === undefined) {
    throw new RangeError(
      `cost profile: base must be one of ${builtinCostProfileNames().join(", ")}, got ${describe(baseName)}`,
    );
  }
  const raw = wrapped ? o.costs : o;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new RangeError(`cost profile: costs must be an object, got ${describe(raw)}`);
  }
  const costs: Record<CostOperation, number> = { ...base.costs };
  for (const [key, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!(COST_OPERATIONS as readonly string[]).includes(key)) {
      throw new RangeError(`cost profile: unknown operation "${key}" (operations: ${COST_OPERATIONS.join(", ")})`);
    }
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`cost profile: ${key} must be a finite number of ns ≥ 0, got ${describe(v)}`);
    }
    costs[key as CostOperation] = v;
  }
  return { name, costs: Object.freeze(costs) };
}

function describe(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
