import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';

export type DatabaseKind = 'embedded' | 'postgres';

/** What a migration (or any multi-statement script) runs against, inside one transaction. */
export interface ScriptRunner {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * The physical database under Prisma: PGlite in a folder, or a PostgreSQL pool. Prisma goes through
 * `adapter`; the migration runner and health checks use the rest.
 */
export interface Driver {
  readonly kind: DatabaseKind;
  readonly adapter: SqlDriverAdapterFactory;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(fn: (runner: ScriptRunner) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one connection of its own, outside any transaction block (autocommit): for statements
   * that cannot run inside one (CREATE INDEX CONCURRENTLY) and session-level advisory locks. PGlite has one
   * connection: its statements wait for an open transaction to end.
   */
  session<T>(fn: (query: ScriptRunner['query']) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
