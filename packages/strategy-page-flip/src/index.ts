export { USHRT_MAX } from "./constants.js";
export {
  type LargePageStride,
  type PageFlipGeometry,
  type PageFlipOptions,
  pageFlipGeometry,
  type ResolvedPageFlipOptions,
  resolvePageFlipOptions,
} from "./options.js";
export { createPageFlipStrategy, PAGE_FLIP_NAME } from "./page-flip-strategy.js";
export { nextOffset, ReuseVerdict, reuseVerdict } from "./reuse-check.js";
