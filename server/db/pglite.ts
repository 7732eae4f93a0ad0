import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { acquireDataDirLock, type DataDirLock } from './lock';
import type { Driver } from './driver';

export type PgliteOptions = {
  /** A folder to keep the data in, or undefined for an in-memory database (tests). */
  dataDir?: string;
  statementTimeoutMs: number;
};

export async function openPglite(opts: PgliteOptions): Promise<Driver> {
  let lock: DataDirLock | undefined;
  let pg: PGlite;
  if (opts.dataDir) {
    lock = acquireDataDirLock(opts.dataDir);
    try {
      pg = await PGlite.create({ dataDir: `${opts.dataDir}/pgdata`, extensions: { vector } });
    } catch (e) {
      lock.release();
      throw e;
    }
  } else {
    pg = await PGlite.create({ extensions: { vector } });
  }
  await pg.exec(`SET statement_timeout = ${Math.trunc(opts.statementTimeoutMs)}; SET timezone = 'UTC'`);

  let closed = false;
  return {
    kind: 'embedded',
    adapter: new PrismaPGlite(pg),
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await pg.query<T>(sql, params);
      return res.rows;
    },
    transaction(fn) {
      return pg.transaction((tx) =>
        fn({
          exec: async (sql) => {
            await tx.exec(sql);
          },
          query: async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows,
        }),
      );
    },
    session(fn) {
      return fn(async <T>(sql: string, params: unknown[] = []) => (await pg.query<T>(sql, params)).rows);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        lock?.release();
      }
    },
  };
}
