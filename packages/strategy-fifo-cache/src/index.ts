export {
  type FifoCacheOptions,
  MLX5E_CACHE_SIZE,
  type ResolvedFifoCacheOptions,
  resolveFifoCacheOptions,
} from "./fifo-cache-options.js";
export { createFifoCacheStrategy } from "./fifo-cache-strategy.js";
export { FifoPageCache } from "./page-cache.js";
