import {
  beginTransaction,
  commitTransaction,
  getTransaction,
  listTransactions,
  rollbackTransaction,
  runBatch,
  type TransactionDeps,
} from '@/server/domain/transactions';
import type { Principal } from '@/server/domain/auth';
import type { Context } from '../context';
import { contract } from '@/server/contract';
import { router } from '../init';
import { projectProcedure, projectScope, TX_HEADER } from '../procedures';

type TxCtx = Context & { principal: Principal; owner: TransactionDeps['owner'] };
const txDeps = (ctx: TxCtx): TransactionDeps => ({
  transactions: ctx.services.transactions,
  owner: ctx.owner,
  admin: ctx.principal.kind !== 'key' || ctx.principal.scope === 'admin',
  named: ctx.headers.get(TX_HEADER)?.trim() || ctx.transactionId,
});

export const txRouter = router({
  begin: projectScope('write')
    .meta({ openapi: contract.tx.begin.openapi })
    .input(contract.tx.begin.input)
    .output(contract.tx.begin.output)
    .mutation(({ ctx, input }) => beginTransaction(txDeps(ctx), input)),

  get: projectScope('read')
    .meta({ openapi: contract.tx.get.openapi })
    .input(contract.tx.get.input)
    .output(contract.tx.get.output)
    .query(({ ctx, input }) => getTransaction(txDeps(ctx), input.id)),

  commit: projectScope('write')
    .meta({ openapi: contract.tx.commit.openapi })
    .input(contract.tx.commit.input)
    .output(contract.tx.commit.output)
    .mutation(({ ctx, input }) => commitTransaction(txDeps(ctx), input.id)),

  rollback: projectScope('write')
    .meta({ openapi: contract.tx.rollback.openapi })
    .input(contract.tx.rollback.input)
    .output(contract.tx.rollback.output)
    .mutation(({ ctx, input }) => rollbackTransaction(txDeps(ctx), input.id)),

  list: projectScope('admin')
    .meta({ openapi: contract.tx.list.openapi })
    .input(contract.tx.list.input)
    .output(contract.tx.list.output)
    .query(({ ctx }) => listTransactions(txDeps(ctx))),
});

export const batchRouter = router({
  run: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.batch.run.openapi })
    .input(contract.batch.run.input)
    .output(contract.batch.run.output)
    .mutation(({ ctx, input }) => runBatch(ctx.deps, input)),
});
