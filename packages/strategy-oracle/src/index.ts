export {
  type OracleGeometry,
  type OracleOptions,
  oracleGeometry,
  type ResolvedOracleOptions,
  resolveOracleOptions,
} from "./options.js";
export { createOracleStrategy, ORACLE_NAME } from "./oracle-strategy.js";
export { PieceMap } from "./piece-map.js";
