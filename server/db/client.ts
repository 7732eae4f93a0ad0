import { PrismaClient } from './generated/client';
import type { Driver, DatabaseKind } from './driver';
import { checkExtensions } from './extensions';
import { runMigrations, readMigrations, type MigrationStatus } from './migrate';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

export type DatabaseOptions = {
  /** PostgreSQL URL; when absent the embedded PGlite is used. */
  url?: string;
  /** Folder for PGlite; null means in memory (tests). Ignored with a URL. */
  dataDir: string | null;
  poolMax?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  migrationsDir?: string;
};

export type Database = {
  kind: DatabaseKind;
  prisma: PrismaClient;
  driver: Driver;
  migrations: MigrationStatus;
  close: () => Promise<void>;
};

export async function openDriver(opts: DatabaseOptions): Promise<Driver> {
  const statementTimeoutMs = opts.statementTimeoutMs ?? 30_000;
  return opts.url
    ? openPostgres({
        url: opts.url,
        poolMax: opts.poolMax ?? 10,
        statementTimeoutMs,
        connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      })
    : openPglite({ dataDir: opts.dataDir ?? undefined, statementTimeoutMs });
}

/** Opens the database, applies pending migrations, checks extension versions, and hands back Prisma over the same connection(s). */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const driver = await openDriver(opts);
  let migrations: MigrationStatus;
  try {
    migrations = await runMigrations(driver, readMigrations(opts.migrationsDir));
    await checkExtensions(driver);
  } catch (e) {
    await driver.close();
    throw e;
  }
  const prisma = new PrismaClient({ adapter: driver.adapter });
  let closed = false;
  return {
    kind: driver.kind,
    prisma,
    driver,
    migrations,
    async close() {
      if (closed) return;
      closed = true;
      // $disconnect does not close PGlite (or end a pool passed in), so the driver closes explicitly.
      await prisma.$disconnect();
      await driver.close();
    },
  };
}
