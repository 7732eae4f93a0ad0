import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ExtensionVersionError, openDatabase, versionAtLeast } from '@/server/db';
import { backendName, onPostgres } from '@/server/test/harness';

const installedVector = async (db: Awaited<ReturnType<typeof openDatabase>>) =>
  (await db.driver.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`))[0]
    ?.extversion ?? null;

describe(`pgvector version check at start (${backendName})`, () => {
  it('starts with the installed pgvector (0.8 or later)', async () => {
    const db = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: null });
    try {
      const version = await installedVector(db);
      expect(version).not.toBeNull();
      expect(versionAtLeast(version!, '0.8.0'), `pgvector ${version}`).toBe(true);
    } finally {
      await db.close();
    }
  });

  it.skipIf(!onPostgres)(
    'refuses to start on a PostgreSQL database whose pgvector is missing, saying what it needs',
    async () => {
      const name = `engram_t_ext_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
        const url = new URL(process.env.DATABASE_URL!);
        url.pathname = `/${name}`;
        const first = await openDatabase({ url: url.toString(), dataDir: null });
        // Migrations are applied and recorded; an extension dropped afterwards is what the check must catch.
        await first.driver.query('DROP EXTENSION vector CASCADE');
        await first.close();
        const err = await openDatabase({ url: url.toString(), dataDir: null }).then(
          (db) => db.close().then(() => null),
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ExtensionVersionError);
        expect(err).toMatchObject({ extension: 'vector', found: null, needed: '0.8.0' });
        expect((err as Error).message).toMatch(/no vector extension; Engram needs vector >= 0\.8\.0/);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.end();
      }
    },
  );
});
