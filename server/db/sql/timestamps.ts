import { raw, sql, type Sql } from './compose';

/**
 * The system timestamps of a record (`record.created_at`, `record.updated_at`, timestamptz(3)). Column
 * names come from this closed table only; what a query name means (`__createdAt`, or `createdAt` falling
 * back to it) is decided by server/domain/query, which hands the compiler a `SysColumn`.
 */
export type SysColumn = 'created_at' | 'updated_at';
const COLUMN: Record<SysColumn, string> = { created_at: 'created_at', updated_at: 'updated_at' };

export const sysColumn = (a: Sql, col: SysColumn): Sql => sql`${a}.${raw(COLUMN[col])}`;

/** ISO-8601 in UTC with milliseconds ("2026-01-02T03:04:05.678Z"), the same text on PostgreSQL and PGlite. */
export const isoTime = (t: Sql): Sql => sql`to_char(${t} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
