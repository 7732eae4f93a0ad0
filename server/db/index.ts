export { openDatabase, openDriver, type Database, type DatabaseOptions } from './client';
export type { DatabaseKind, Driver } from './driver';
export { runMigrations, readMigrations, MigrationError, type Migration, type MigrationStatus } from './migrate';
export { DataDirLockedError, acquireDataDirLock } from './lock';
export { ExtensionVersionError, PGVECTOR_MIN, versionAtLeast, requirePgvector } from './extensions';
export {
  withTransaction,
  withSettings,
  withoutNestedLoops,
  inTransaction,
  adoptTransaction,
  isUniqueViolation,
  type Db,
  type Tx,
} from './transaction';
// The namespace for its types only (JSON input types); SQL is built in ./sql, never by callers.
export type { Prisma } from './generated/client';
export * as sql from './sql';
export type {
  Cond,
  OrderTerm,
  Primitive,
  Scalar,
  CmpOp,
  ValueKind,
  DatePart,
  TextOp,
  Direction,
  Scope,
  RecordRow,
  NewRecord,
  NewEdge,
  Expr,
  FieldRef,
  Unit,
  AliasPairs,
  SelectSpec,
  Similarity,
  EmbeddingRow,
  IndexRef,
  RuleRef,
  PairScope,
  VersionRow,
  EventRow,
} from './sql';

export type { PrismaClient } from './generated/client';
export { StatsKeeper, needsAnalyze } from './maintenance';
export { HnswKeeper, type HnswKeeperOptions } from './hnsw-keeper';
export { TransactionManager, type TxInfo, type TxOwner, type TxOptions, type TxEnd } from './tx-manager';
