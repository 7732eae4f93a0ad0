import { z } from 'zod';
import type { TransactionManager, TxInfo, TxOwner } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { ZBeginInput, ZTransaction } from './transactions.schema';

/**
 * Cross-call transactions as the API offers them. The connections live in server/db/tx-manager.ts;
 * this module holds the rules of the surface: what a caller sees of a transaction, and who may end one.
 */
export type TransactionDeps = {
  transactions: TransactionManager;
  owner: TxOwner;
  /** Admins (master key, console, admin-scope keys) may roll back any transaction of their project. */
  admin: boolean;
  /** The transaction the call itself names (x-transaction-id / transactionId), if any. */
  named?: string;
};

type TTransaction = z.infer<typeof ZTransaction>;
const pick = ({ id, createdAt, expiresAt, ttlMs }: TxInfo): TTransaction => ({ id, createdAt, expiresAt, ttlMs });

export async function beginTransaction(
  deps: TransactionDeps,
  input: z.infer<typeof ZBeginInput>,
): Promise<TTransaction> {
  if (deps.named)
    throw new DomainError('INVALID', 'Transactions do not nest: this call already names a transaction', {
      path: ['headers', 'x-transaction-id'],
      expected: 'no transaction',
      got: deps.named,
    });
  return pick(await deps.transactions.begin(deps.owner, input?.ttl));
}

export function getTransaction(deps: TransactionDeps, id: string): TTransaction {
  return pick(deps.transactions.get(id, deps.owner));
}

export function commitTransaction(deps: TransactionDeps, id: string) {
  return deps.transactions.commit(id, deps.owner);
}

export function rollbackTransaction(deps: TransactionDeps, id: string) {
  const owner = deps.transactions.ownerOf(id);
  if (deps.admin && owner && owner.projectId === deps.owner.projectId) return deps.transactions.rollback(id, owner);
  return deps.transactions.rollback(id, deps.owner);
}

const MAX_LISTED = 1000;

export function listTransactions(deps: TransactionDeps): {
  items: (TTransaction & { principal: string })[];
  total: number;
} {
  const items = deps.transactions.list(deps.owner.projectId).map((t) => ({ ...pick(t), principal: t.principal }));
  if (items.length > MAX_LISTED)
    throw new DomainError('LIMIT_EXCEEDED', `More than ${MAX_LISTED} open transactions to list`, { limit: MAX_LISTED });
  return { items, total: items.length };
}
