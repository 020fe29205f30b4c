export { PagePool, type PagePoolConfig, PP_DEFER_TIME_NS, PP_FRAG_ALIGN, PP_FRAG_BIAS } from "./page-pool.js";
export {
  GVE_PAGE_POOL_SIZE_MULTIPLIER,
  type PagePoolOptions,
  PP_ALLOC_CACHE_REFILL,
  PP_ALLOC_CACHE_SIZE,
  PP_DEFAULT_POOL_SIZE,
  PP_MAX_POOL_SIZE,
  type ResolvedPagePoolOptions,
  resolvePagePoolOptions,
  resolvePoolSize,
} from "./page-pool-options.js";
export { createPagePoolStrategy } from "./page-pool-strategy.js";
export { PTR_RING_BATCH, PtrRing } from "./ptr-ring.js";
