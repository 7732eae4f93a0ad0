import type { PrismaClient } from './generated/client';
import type { Prisma } from './generated/client';
import * as suggestionSql from './sql/suggestions';

/**
 * Transaction nesting. `Db` is either the root client or an open transaction; domain functions take
 * a `Db` and never care which. `withTransaction` on the root opens a transaction; on a transaction it
 * joins it, so an inner failure rolls back the outer unit and an inner success commits only with it.
 */
export type Db = PrismaClient | Prisma.TransactionClient;
export type Tx = Prisma.TransactionClient;

// Prisma's transaction clients expose $transaction too (savepoints, which the PGlite adapter lacks), so
// the open transactions we hand out are remembered instead of sniffed.
const openTransactions = new WeakSet<object>();
const isRoot = (db: Db): db is PrismaClient => !openTransactions.has(db);

/** Registers a transaction client opened outside withTransaction (cross-call transactions). */
export function adoptTransaction(tx: Tx): Tx {
  openTransactions.add(tx);
  return tx;
}

export type TransactionOptions = { timeoutMs?: number; maxWaitMs?: number };

export async function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  if (!isRoot(db)) return fn(db);
  return db.$transaction((tx) => fn(adoptTransaction(tx)), { timeout: opts.timeoutMs ?? 60_000, maxWait: opts.maxWaitMs ?? 10_000 });
}

export const inTransaction = (db: Db): boolean => !isRoot(db);

/** A unique-constraint violation (two writers raced for the same key), as Prisma reports it. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
  return err?.code === 'P2002' || err?.meta?.driverAdapterError?.cause?.originalCode === '23505';
}

/**
 * Runs `fn` with nested-loop joins off, inside a transaction (joined or opened), then restores the
 * setting. For joins known to be large whose tables may lack planner statistics (see
 * sql/suggestions.ts); everything after `fn` in the transaction plans as before.
 */
export async function withoutNestedLoops<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withTransaction(db, async (tx) => {
    const [prev] = await tx.$queryRaw<{ value: string }[]>(suggestionSql.nestLoopSetting());
    await tx.$queryRaw(suggestionSql.setNestLoop('off'));
    const out = await fn(tx);
    await tx.$queryRaw(suggestionSql.setNestLoop(prev?.value ?? 'on'));
    return out;
  });
}
