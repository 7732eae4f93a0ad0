import { z } from 'zod';
import {
  beginTransaction,
  commitTransaction,
  getTransaction,
  listTransactions,
  rollbackTransaction,
  runBatch,
  ZBatchInput,
  ZBatchResult,
  ZBeginInput,
  ZTransaction,
  ZTransactionFull,
  ZTransactionId,
  ZTransactionOutcome,
  type TransactionDeps,
} from '@/server/domain/transactions';
import type { Principal } from '@/server/domain/auth';
import type { Context } from '../context';
import { router } from '../init';
import { projectProcedure, projectScope, TX_HEADER } from '../procedures';

const tags = ['transactions'];

type TxCtx = Context & { principal: Principal; owner: TransactionDeps['owner'] };
const txDeps = (ctx: TxCtx): TransactionDeps => ({
  transactions: ctx.services.transactions,
  owner: ctx.owner,
  admin: ctx.principal.kind !== 'key' || ctx.principal.scope === 'admin',
  named: ctx.headers.get(TX_HEADER)?.trim() || ctx.transactionId,
});

export const txRouter = router({
  begin: projectScope('write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/tx',
        summary: 'Open a transaction; send its id as x-transaction-id',
        tags,
        status: 201,
      },
    })
    .input(ZBeginInput)
    .output(ZTransaction)
    .mutation(({ ctx, input }) => beginTransaction(txDeps(ctx), input)),

  get: projectScope('read')
    .meta({ openapi: { method: 'GET', path: '/tx/{id}', summary: 'An open transaction', tags } })
    .input(ZTransactionId)
    .output(ZTransaction)
    .query(({ ctx, input }) => getTransaction(txDeps(ctx), input.id)),

  commit: projectScope('write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/tx/{id}/commit',
        summary: 'Commit a transaction (repeating a commit is harmless)',
        tags,
      },
    })
    .input(ZTransactionId)
    .output(ZTransactionOutcome)
    .mutation(({ ctx, input }) => commitTransaction(txDeps(ctx), input.id)),

  rollback: projectScope('write')
    .meta({
      openapi: {
        method: 'POST',
        path: '/tx/{id}/rollback',
        summary: 'Roll a transaction back (admins: any of the project; repeating it is harmless)',
        tags,
      },
    })
    .input(ZTransactionId)
    .output(ZTransactionOutcome)
    .mutation(({ ctx, input }) => rollbackTransaction(txDeps(ctx), input.id)),

  list: projectScope('admin')
    .meta({
      openapi: {
        method: 'GET',
        path: '/tx',
        summary: "The project's open transactions (admin)",
        tags,
        envelope: 'list',
      },
    })
    .input(z.object({}).optional())
    .output(z.object({ items: z.array(ZTransactionFull), total: z.number().int() }))
    .query(({ ctx }) => listTransactions(txDeps(ctx))),
});

export const batchRouter = router({
  run: projectProcedure('write', { changesData: true })
    .meta({
      openapi: {
        method: 'POST',
        path: '/batch',
        summary: 'Run create/update/set/delete/attach/detach/upsert ops atomically',
        tags,
      },
    })
    .input(ZBatchInput)
    .output(ZBatchResult)
    .mutation(({ ctx, input }) => runBatch(ctx.deps, input)),
});
