// Callers get fragments and combinators; the tag that writes SQL text and `raw` stay in this folder.
export { and, or, not, jsonb, uuid, uuidList, TRUE, FALSE, type Sql } from './compose';
export * as recordSql from './records';
export * as relationshipSql from './relationships';
export * as schemaSql from './schema';
export {
  compileCond,
  compileFilter,
  compileOrder,
  SUPERSEDES,
  propertyOrder,
  newScope,
  type Cond,
  type OrderTerm,
  type Primitive,
  type Scalar,
  type CmpOp,
  type ValueKind,
  type DatePart,
  type TextOp,
  type Direction,
  type Scope,
} from './where';
export type { RecordRow, NewRecord, SearchSpec } from './records';
export type { NewEdge, EdgeSearch, EndFilter } from './relationships';
export * as selectSql from './select';
export type { Expr, FieldRef, Unit, AliasPairs, SelectSpec } from './select';
export * as embeddingSql from './embeddings';
export type { Similarity, EmbeddingRow, IndexRef } from './embeddings';
export * as suggestionSql from './suggestions';
export type { RuleRef, PairScope } from './suggestions';
export * as savepointSql from './savepoints';
export * as healthSql from './health';
export * as projectSql from './projects';
export * as historySql from './history';
export type { VersionRow, EventRow } from './history';
