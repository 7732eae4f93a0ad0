export * from './compose';
export * as recordSql from './records';
export * as relationshipSql from './relationships';
export { compileCond, compileFilter, compileOrder, type Cond, type OrderTerm, type Primitive } from './where';
export type { RecordRow, NewRecord, SearchSpec } from './records';
export type { NewEdge, EdgeSearch, EndFilter } from './relationships';
