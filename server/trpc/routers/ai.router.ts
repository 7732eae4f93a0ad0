import { z } from 'zod';
import {
  createIndex,
  deleteIndex,
  getIndex,
  listIndexes,
  retryIndex,
  upsertVectors,
  ZCreateIndexInput,
  ZIndex,
  ZVectorsInput,
} from '@/server/domain/indexes';
import { ZRecordOutput } from '@/server/domain/records';
import { searchByMeaning, ZSearchInput } from '@/server/domain/search';
import { router } from '../init';
import { projectProcedure } from '../procedures';

const tags = ['ai'];
const ZId = z.object({ id: z.uuid() });
const ZHit = ZRecordOutput.extend({
  __score: z.number().describe('higher is closer; in hybrid mode the fused rank score'),
  __scores: z
    .object({ semantic: z.number().optional(), keyword: z.number().optional() })
    .optional()
    .describe("hybrid: each leg's own score"),
});

export const aiRouter = router({
  indexes: router({
    create: projectProcedure('write')
      .meta({
        openapi: {
          method: 'POST',
          path: '/ai/indexes',
          summary: 'Make a property searchable by meaning (existing records are backfilled)',
          tags,
          status: 201,
        },
      })
      .input(ZCreateIndexInput)
      .output(ZIndex)
      .mutation(({ ctx, input }) => createIndex(ctx.deps, input)),

    list: projectProcedure('read')
      .meta({
        openapi: {
          method: 'GET',
          path: '/ai/indexes',
          summary: 'Embedding indexes with status and progress',
          tags,
          envelope: 'list',
        },
      })
      .input(z.object({}).optional())
      .output(z.object({ items: z.array(ZIndex), total: z.number().int() }))
      .query(({ ctx }) => listIndexes(ctx.deps)),

    get: projectProcedure('read')
      .meta({ openapi: { method: 'GET', path: '/ai/indexes/{id}', summary: 'An embedding index', tags } })
      .input(ZId)
      .output(ZIndex)
      .query(({ ctx, input }) => getIndex(ctx.deps, input.id)),

    delete: projectProcedure('write')
      .meta({
        openapi: {
          method: 'DELETE',
          path: '/ai/indexes/{id}',
          summary: 'Delete an embedding index and its vectors',
          tags,
        },
      })
      .input(ZId)
      .output(ZIndex)
      .mutation(({ ctx, input }) => deleteIndex(ctx.deps, input.id)),

    retry: projectProcedure('write')
      .meta({ openapi: { method: 'POST', path: '/ai/indexes/{id}/retry', summary: 'Resume a failed backfill', tags } })
      .input(ZId)
      .output(ZIndex)
      .mutation(({ ctx, input }) => retryIndex(ctx.deps, input.id)),

    vectors: projectProcedure('write')
      .meta({
        openapi: {
          method: 'POST',
          path: '/ai/indexes/{id}/vectors',
          summary: 'Write vectors to an external index',
          tags,
        },
      })
      .input(ZVectorsInput)
      .output(z.object({ upserted: z.number().int() }))
      .mutation(({ ctx, input }) => upsertVectors(ctx.deps, input)),
  }),

  search: projectProcedure('read')
    .meta({
      openapi: {
        method: 'POST',
        path: '/ai/search',
        summary: 'Records ranked by meaning inside an exact filter',
        tags,
        envelope: 'list',
      },
    })
    .input(ZSearchInput)
    .output(
      z.object({
        items: z.array(ZHit),
        total: z.number().int().describe('ranked candidates (at most limit + skip, or more in hybrid mode)'),
      }),
    )
    .query(({ ctx, input }) => searchByMeaning(ctx.deps, input)),
});
