export { RXBUFFER_2K, RXBUFFER_3K, SKB_SHARED_INFO_SIZE, USHRT_MAX } from "./constants.js";
export {
  type LargePageStride,
  largePageLastOffset,
  PAGE_FLIP_DRIVERS,
  type PageFlipDriver,
  type PageFlipGeometry,
  type PageFlipOptions,
  pageFlipGeometry,
  type ResolvedPageFlipOptions,
  resolvePageFlipOptions,
} from "./options.js";
export { createPageFlipStrategy, PAGE_FLIP_NAME } from "./page-flip-strategy.js";
export { nextOffset, ReuseVerdict, reuseVerdict } from "./reuse-check.js";
