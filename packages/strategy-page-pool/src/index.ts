export { PagePool, type PagePoolConfig, PP_FRAG_ALIGN, PP_FRAG_BIAS } from "./page-pool.js";
export {
  type PagePoolOptions,
  PP_ALLOC_CACHE_REFILL,
  PP_ALLOC_CACHE_SIZE,
  PP_DEFAULT_POOL_SIZE,
  PP_MAX_POOL_SIZE,
  type ResolvedPagePoolOptions,
  resolvePagePoolOptions,
} from "./page-pool-options.js";
export { createPagePoolStrategy } from "./page-pool-strategy.js";
