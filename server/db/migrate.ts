import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Driver } from './driver';

/**
 * Our own migration runner (Prisma's needs a schema engine that cannot be downloaded here).
 * Each migration runs in its own transaction together with the row that records it, so a failed
 * migration leaves no trace and is never recorded as applied. An advisory lock serializes runners
 * that start at the same time (several processes, parallel test files) against one PostgreSQL.
 */
export type Migration = { name: string; sql: string; checksum: string };
export type MigrationStatus = { applied: string[]; ranNow: string[]; latest: string | null };

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    readonly cause: unknown,
  ) {
    super(`Migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'MigrationError';
  }
}

const LOCK_KEY = 724_001_337; // any constant: the advisory lock that serializes migration runners

export function defaultMigrationsDir(): string {
  return process.env.ENGRAM_MIGRATIONS_DIR ?? path.resolve(process.cwd(), 'prisma/migrations');
}

export function readMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  if (!fs.existsSync(/*turbopackIgnore: true*/ dir)) throw new Error(`Migrations folder not found: ${dir}`);
  return fs
    .readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(/*turbopackIgnore: true*/ path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(/*turbopackIgnore: true*/ path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export async function runMigrations(
  driver: Driver,
  migrations: Migration[] = readMigrations(),
): Promise<MigrationStatus> {
  await driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS _engram_migrations (
      name       text PRIMARY KEY,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });

  const ranNow: string[] = [];
  for (const m of migrations) {
    const ran = await driver
      .transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
        const done = await tx.query<{ checksum: string }>('SELECT checksum FROM _engram_migrations WHERE name = $1', [
          m.name,
        ]);
        if (done[0]) {
          if (done[0].checksum !== m.checksum) {
            throw new Error(
              `it was changed after it was applied (checksum ${done[0].checksum.slice(0, 12)} → ${m.checksum.slice(0, 12)})`,
            );
          }
          return false;
        }
        await tx.exec(m.sql);
        await tx.query('INSERT INTO _engram_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
        return true;
      })
      .catch((e: unknown) => {
        throw new MigrationError(m.name, e);
      });
    if (ran) ranNow.push(m.name);
  }
  const applied = (await driver.query<{ name: string }>('SELECT name FROM _engram_migrations ORDER BY name')).map(
    (r) => r.name,
  );
  return { applied, ranNow, latest: applied.at(-1) ?? null };
}
