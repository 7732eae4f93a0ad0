import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Driver } from './driver';

export type PostgresOptions = { url: string; poolMax: number; statementTimeoutMs: number; connectTimeoutMs: number };

export async function openPostgres(opts: PostgresOptions): Promise<Driver> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax,
    // A request waiting for a connection (pool exhausted, server unreachable) fails (503) instead of hanging.
    connectionTimeoutMillis: opts.connectTimeoutMs,
    options: `-c statement_timeout=${Math.trunc(opts.statementTimeoutMs)} -c timezone=UTC -c jit=off`,
  });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // Fail at start, with the server's own message, when the database is unreachable.
  const probe = await pool.connect();
  probe.release();

  let closed = false;
  return {
    kind: 'postgres',
    adapter: new PrismaPg(pool),
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await pool.query(sql, params);
      return res.rows as T[];
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          exec: async (sql) => {
            await client.query(sql);
          },
          query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
        });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async session(fn) {
      const client = await pool.connect();
      try {
        return await fn(
          async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
        );
      } finally {
        // A session may have changed settings or still hold a lock: it is closed, not handed back to the pool.
        client.release(true);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
