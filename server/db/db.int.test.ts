import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  acquireDataDirLock,
  DataDirLockedError,
  MigrationError,
  openDatabase,
  openDriver,
  readMigrations,
  runMigrations,
  withTransaction,
  type Driver,
} from '@/server/db';
import { backendName, onPostgres } from '@/server/test/harness';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A database of its own for tests that inspect the whole schema: a fresh PostgreSQL database or PGlite. */
async function freshDriver(): Promise<Driver> {
  if (!onPostgres) return openDriver({ dataDir: null });
  const name = `engram_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  const driver = await openDriver({ url: url.toString(), dataDir: null });
  cleanups.push(async () => {
    await driver.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  });
  return driver;
}

function migrationsDir(extra: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-migrations-'));
  fs.cpSync(path.resolve('prisma/migrations'), dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

const tableExists = async (d: Driver, table: string) =>
  (
    await d.query<{ n: number }>('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = $1', [
      table,
    ])
  )[0]!.n === 1;

describe(`migration runner (${backendName})`, () => {
  it('applies every migration once, records it, and creates the vector extension', async () => {
    const d = await freshDriver();
    const first = await runMigrations(d, readMigrations());
    expect(first.ranNow).toEqual(readMigrations().map((m) => m.name));
    const again = await runMigrations(d, readMigrations());
    expect(again.ranNow).toEqual([]);
    expect(again.applied).toEqual(first.applied);
    const ext = await d.query<{ extname: string }>("SELECT extname FROM pg_extension WHERE extname = 'vector'");
    expect(ext).toHaveLength(1);
    if (!onPostgres) await d.close();
  });

  it('a failing migration leaves the database unchanged, is not recorded, and names itself', async () => {
    const d = await freshDriver();
    const dir = migrationsDir({
      '9001_good': 'CREATE TABLE mig_good (id int);',
      '9002_bad': 'CREATE TABLE mig_bad (id int);\nINSERT INTO mig_good VALUES (1);\nSELECT 1 / 0;',
    });
    const err = await runMigrations(d, readMigrations(dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).migration).toBe('9002_bad');
    expect((err as Error).message).toMatch(/9002_bad.*division by zero/);
    expect(await tableExists(d, 'mig_good')).toBe(true);
    expect(await tableExists(d, 'mig_bad')).toBe(false);
    expect(await d.query('SELECT * FROM mig_good')).toHaveLength(0);
    const names = (await d.query<{ name: string }>('SELECT name FROM _engram_migrations')).map((r) => r.name);
    expect(names).toContain('9001_good');
    expect(names).not.toContain('9002_bad');
    if (!onPostgres) await d.close();
  });

  it('refuses a migration that changed after it was applied', async () => {
    const d = await freshDriver();
    await runMigrations(d, readMigrations(migrationsDir({ '9001_x': 'CREATE TABLE mig_x (id int);' })));
    const err = await runMigrations(
      d,
      readMigrations(migrationsDir({ '9001_x': 'CREATE TABLE mig_x (id bigint);' })),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/9001_x.*changed after it was applied/);
    if (!onPostgres) await d.close();
  });

  it('npm run db:migrate exits non-zero naming the failing migration', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-cli-'));
    const dir = migrationsDir({ '9003_broken': 'CREATE TABLE nope (id int;' });
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], {
      env: { ...process.env, DATABASE_URL: '', ENGRAM_DATA_DIR: dataDir, ENGRAM_MIGRATIONS_DIR: dir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/Migration 9003_broken failed: .*syntax error/);
  });
});

describe(`withTransaction (${backendName})`, () => {
  it('nests: an inner call joins the outer transaction and rolls back with it', async () => {
    const db = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: null });
    cleanups.push(() => db.close());
    const names = [1, 2, 3].map(() => `tx-${randomBytes(5).toString('hex')}`);
    const mk = (name: string) => ({ id: crypto.randomUUID(), name });

    await expect(
      withTransaction(db.prisma, async (tx) => {
        await tx.project.create({ data: mk(names[0]!) });
        await withTransaction(tx, async (inner) => {
          expect(inner).toBe(tx);
          await inner.project.create({ data: mk(names[1]!) });
        });
        throw new Error('outer fails after inner succeeded');
      }),
    ).rejects.toThrow('outer fails');
    expect(await db.prisma.project.count({ where: { name: { in: names } } })).toBe(0);

    await withTransaction(db.prisma, async (tx) => {
      await tx.project.create({ data: mk(names[2]!) });
      await withTransaction(tx, (inner) => inner.project.create({ data: mk(names[0]!) }));
    });
    expect(await db.prisma.project.count({ where: { name: { in: names } } })).toBe(2);
  });
});

describe('data folder lock', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'engram-lock-'));

  it('refuses a live owner, naming its pid', async () => {
    const d = dir();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(d, 'engram.lock'), JSON.stringify({ pid: child.pid }));
      expect(() => acquireDataDirLock(d)).toThrow(DataDirLockedError);
      expect(() => acquireDataDirLock(d)).toThrow(new RegExp(`pid ${child.pid}`));
    } finally {
      child.kill();
    }
  });

  it('takes over a stale lock whose owner is dead, and releases it', async () => {
    const d = dir();
    const done = spawnSync(process.execPath, ['-e', 'process.pid'], { stdio: 'ignore' });
    fs.writeFileSync(path.join(d, 'engram.lock'), JSON.stringify({ pid: done.pid }));
    const lock = acquireDataDirLock(d);
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
  });

  it('a second open of the same embedded folder fails while the first keeps working', async () => {
    const d = dir();
    const first = await openDatabase({ dataDir: d });
    try {
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `import('./server/db/index.ts').then(m => m.openDriver({ dataDir: ${JSON.stringify(d)} })).then(() => process.exit(0), e => { console.error(e.message); process.exit(3); })`,
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(child.status).toBe(3);
      expect(child.stderr).toMatch(new RegExp(`in use by another Engram process \\(pid ${process.pid}\\)`));
      expect(await first.prisma.project.count()).toBeGreaterThanOrEqual(0);
    } finally {
      await first.close();
    }
    expect(fs.existsSync(path.join(d, 'engram.lock'))).toBe(false);
  });
});

describe(`statement timeout (${backendName})`, () => {
  // PGlite runs queries synchronously inside WebAssembly and does not enforce statement_timeout;
  // there the query limits (depth, size, hops, page size) bound the work instead.
  it.skipIf(!onPostgres)('cancels a statement that runs past ENGRAM_STATEMENT_TIMEOUT_MS', async () => {
    const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: null, statementTimeoutMs: 200 });
    cleanups.push(() => db.close());
    const started = Date.now();
    const err = await db.prisma.$queryRaw`SELECT pg_sleep(2)::text`.catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(
      (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } }).meta?.driverAdapterError?.cause
        ?.originalCode,
    ).toBe('57014');
  });
});
