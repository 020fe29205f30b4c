// The rxsim CLI loads a strategy module's default export: a factory, or a function returning one.
export {
  createIdlePageStrategy,
  createIdlePageStrategy as default,
  type IdlePageOptions,
} from "./idle-page-strategy.js";
