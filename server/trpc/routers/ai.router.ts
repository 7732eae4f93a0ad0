import { createIndex, deleteIndex, getIndex, listIndexes, retryIndex, upsertVectors } from '@/server/domain/indexes';
import { searchByMeaning } from '@/server/domain/search';
import { contract } from '@/server/contract';
import { router } from '../init';
import { projectProcedure } from '../procedures';

export const aiRouter = router({
  indexes: router({
    create: projectProcedure('write')
      .meta({ openapi: contract.ai.indexes.create.openapi })
      .input(contract.ai.indexes.create.input)
      .output(contract.ai.indexes.create.output)
      .mutation(({ ctx, input }) => createIndex(ctx.deps, input)),

    list: projectProcedure('read')
      .meta({ openapi: contract.ai.indexes.list.openapi })
      .input(contract.ai.indexes.list.input)
      .output(contract.ai.indexes.list.output)
      .query(({ ctx }) => listIndexes(ctx.deps)),

    get: projectProcedure('read')
      .meta({ openapi: contract.ai.indexes.get.openapi })
      .input(contract.ai.indexes.get.input)
      .output(contract.ai.indexes.get.output)
      .query(({ ctx, input }) => getIndex(ctx.deps, input.id)),

    delete: projectProcedure('write')
      .meta({ openapi: contract.ai.indexes.delete.openapi })
      .input(contract.ai.indexes.delete.input)
      .output(contract.ai.indexes.delete.output)
      .mutation(({ ctx, input }) => deleteIndex(ctx.deps, input.id)),

    retry: projectProcedure('write')
      .meta({ openapi: contract.ai.indexes.retry.openapi })
      .input(contract.ai.indexes.retry.input)
      .output(contract.ai.indexes.retry.output)
      .mutation(({ ctx, input }) => retryIndex(ctx.deps, input.id)),

    vectors: projectProcedure('write')
      .meta({ openapi: contract.ai.indexes.vectors.openapi })
      .input(contract.ai.indexes.vectors.input)
      .output(contract.ai.indexes.vectors.output)
      .mutation(({ ctx, input }) => upsertVectors(ctx.deps, input)),
  }),

  search: projectProcedure('read')
    .meta({ openapi: contract.ai.search.openapi })
    .input(contract.ai.search.input)
    .output(contract.ai.search.output)
    .query(({ ctx, input }) => searchByMeaning(ctx.deps, input)),
});
