import type { PrismaClient } from './generated/client';
import type { Prisma } from './generated/client';
import { currentCallContext } from '@/server/call-context';
import * as historySql from './sql/history';
import * as settingsSql from './sql/settings';

/**
 * Transaction nesting. `Db` is either the root client or an open transaction; domain functions take
 * a `Db` and never care which. `withTransaction` on the root opens a transaction; on a transaction it
 * joins it, so an inner failure rolls back the outer unit and an inner success commits only with it.
 */
export type Db = PrismaClient | Prisma.TransactionClient;
export type Tx = Prisma.TransactionClient;

// Prisma's transaction clients expose $transaction too (savepoints, which the PGlite adapter lacks), so
// the open transactions we hand out are remembered instead of sniffed. The set lives on globalThis: a
// module-level set would be one per copy of this module, and Next.js may load the server more than once.
const REGISTRY = Symbol.for('engram.openTransactions');
const openTransactions = ((globalThis as unknown as Record<symbol, WeakSet<object>>)[REGISTRY] ??=
  new WeakSet<object>());
const isRoot = (db: Db): db is PrismaClient => !openTransactions.has(db);

/** Registers a transaction client opened outside withTransaction (cross-call transactions). */
export function adoptTransaction(tx: Tx): Tx {
  openTransactions.add(tx);
  return tx;
}

export type TransactionOptions = { timeoutMs?: number; maxWaitMs?: number };

export async function withTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  if (!isRoot(db)) return fn(db);
  const call = currentCallContext();
  return db.$transaction(
    async (tx) => {
      // The history triggers record who changed what through which operation (see call-context.ts).
      if (call) await tx.$queryRaw(historySql.stampCall(call.actor, call.operation));
      return fn(adoptTransaction(tx));
    },
    {
      timeout: opts.timeoutMs ?? 60_000,
      maxWait: opts.maxWaitMs ?? 10_000,
    },
  );
}

export const inTransaction = (db: Db): boolean => !isRoot(db);

/** A unique-constraint violation (two writers raced for the same key), as Prisma reports it. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
  return err?.code === 'P2002' || err?.meta?.driverAdapterError?.cause?.originalCode === '23505';
}

/**
 * Runs `fn` with planner settings changed, inside a transaction (joined or opened), then puts back the
 * values they had. Joined, the transaction may be a client's open one (x-transaction-id): its later
 * statements must not inherit a search's or an approval's settings. On failure nothing is put back; the
 * transaction is failing anyway.
 */
export async function withSettings<T>(db: Db, settings: settingsSql.Settings, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withTransaction(db, async (tx) => {
    const prev = await tx.$queryRaw<{ name: string; value: string | null }[]>(
      settingsSql.readSettings(Object.keys(settings)),
    );
    await tx.$queryRaw(settingsSql.applySettings(settings));
    const out = await fn(tx);
    const restore = prev.filter((p): p is { name: string; value: string } => p.value !== null);
    await tx.$queryRaw(settingsSql.applySettings(Object.fromEntries(restore.map((p) => [p.name, p.value]))));
    return out;
  });
}

/**
 * Nested-loop joins off, for joins known to be large whose tables may lack planner statistics (see
 * sql/suggestions.ts).
 */
export const withoutNestedLoops = <T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> =>
  withSettings(db, { enable_nestloop: 'off' }, fn);
