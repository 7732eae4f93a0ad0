import { z } from 'zod';
import { DomainError } from '@/server/errors';
import { router } from '../init';
import { runBatch, ZBatchInput, ZBatchResult } from '@/server/domain/transactions';
import { projectProcedure, projectScope } from '../procedures';

const tags = ['transactions'];
const ZTx = z.object({ id: z.uuid(), createdAt: z.iso.datetime(), expiresAt: z.iso.datetime(), ttlMs: z.number().int() });
const ZTxFull = ZTx.extend({ principal: z.string().describe('the key (key:<id>), master or session that owns it') });
const ZId = z.object({ id: z.uuid() });
const ZOutcome = z.object({ id: z.uuid(), status: z.enum(['committed', 'rolled back']) });
const pick = ({ id, createdAt, expiresAt, ttlMs }: z.infer<typeof ZTx>) => ({ id, createdAt, expiresAt, ttlMs });

export const txRouter = router({
  begin: projectScope('write')
    .meta({ openapi: { method: 'POST', path: '/tx', summary: 'Open a transaction; send its id as x-transaction-id', tags, status: 201 } })
    .input(z.object({ ttl: z.number().int().min(1000).optional().describe('ms until it is rolled back (default 30 s, max ENGRAM_TX_MAX_TTL_MS)') }).strict().optional())
    .output(ZTx)
    .mutation(async ({ ctx, input }) => pick(await ctx.engram.transactions.begin(ctx.owner, input?.ttl))),

  get: projectScope('read', { txFromInput: true })
    .meta({ openapi: { method: 'GET', path: '/tx/{id}', summary: 'An open transaction', tags } })
    .input(ZId)
    .output(ZTx)
    .query(({ ctx, input }) => pick(ctx.engram.transactions.get(input.id, ctx.owner))),

  commit: projectScope('write', { txFromInput: true, changesData: true })
    .meta({ openapi: { method: 'POST', path: '/tx/{id}/commit', summary: 'Commit a transaction', tags } })
    .input(ZId)
    .output(ZOutcome)
    .mutation(({ ctx, input }) => ctx.engram.transactions.commit(input.id, ctx.owner)),

  rollback: projectScope('write', { txFromInput: true, anyTx: true })
    .meta({ openapi: { method: 'POST', path: '/tx/{id}/rollback', summary: 'Roll a transaction back (admins: any of the project)', tags } })
    .input(ZId)
    .output(ZOutcome)
    .mutation(({ ctx, input }) => {
      const admin = ctx.principal.kind !== 'key' || ctx.principal.scope === 'admin';
      const open = ctx.engram.transactions.list(ctx.project.id).find((t) => t.id === input.id);
      if (admin && open) return ctx.engram.transactions.rollback(input.id, { projectId: open.projectId, principal: open.principal });
      return ctx.engram.transactions.rollback(input.id, ctx.owner);
    }),

  list: projectScope('admin', { anyTx: true })
    .meta({ openapi: { method: 'GET', path: '/tx', summary: "The project's open transactions (admin)", tags, envelope: 'list' } })
    .input(z.object({}).optional())
    .output(z.object({ items: z.array(ZTxFull), total: z.number().int() }))
    .query(({ ctx }) => {
      const items = ctx.engram.transactions.list(ctx.project.id).map((t) => ({ ...pick(t), principal: t.principal }));
      if (items.length > 1000) throw new DomainError('LIMIT_EXCEEDED', 'Too many open transactions to list');
      return { items, total: items.length };
    }),
});

export const batchRouter = router({
  run: projectProcedure('write', { changesData: true })
    .meta({ openapi: { method: 'POST', path: '/batch', summary: 'Run create/update/set/delete/attach/detach/upsert ops atomically', tags } })
    .input(ZBatchInput)
    .output(ZBatchResult)
    .mutation(({ ctx, input }) => runBatch(ctx.deps, input)),
});
