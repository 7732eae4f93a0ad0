export { openDatabase, openDriver, type Database, type DatabaseOptions } from './client';
export type { DatabaseKind, Driver } from './driver';
export { runMigrations, readMigrations, MigrationError, type Migration, type MigrationStatus } from './migrate';
export { DataDirLockedError, acquireDataDirLock } from './lock';
export { withTransaction, inTransaction, adoptTransaction, isUniqueViolation, type Db, type Tx } from './transaction';
export { Prisma } from './generated/client';
export * as sql from './sql';
export type { Cond, OrderTerm, Primitive, Scalar, CmpOp, ValueKind, DatePart, TextOp, Direction, Scope, RecordRow, NewRecord, NewEdge, Expr, FieldRef, Unit, AliasPairs, SelectSpec, Similarity, EmbeddingRow, IndexRef } from './sql';
export type { PrismaClient } from './generated/client';
