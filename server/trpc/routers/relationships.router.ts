import { attachRelationships, detachRelationships, getGraph, searchRelationships } from '@/server/domain/relationships';
import { contract } from '@/server/contract';
import { router } from '../init';
import { projectProcedure } from '../procedures';

export const relationshipsRouter = router({
  attach: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.relationships.attach.openapi })
    .input(contract.relationships.attach.input)
    .output(contract.relationships.attach.output)
    .mutation(({ ctx, input }) => attachRelationships(ctx.deps, input)),

  detach: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.relationships.detach.openapi })
    .input(contract.relationships.detach.input)
    .output(contract.relationships.detach.output)
    .mutation(({ ctx, input }) => detachRelationships(ctx.deps, input)),

  search: projectProcedure('read')
    .meta({ openapi: contract.relationships.search.openapi })
    .input(contract.relationships.search.input)
    .output(contract.relationships.search.output)
    .query(({ ctx, input }) => searchRelationships(ctx.deps, input)),

  graph: projectProcedure('read')
    .meta({ openapi: contract.relationships.graph.openapi })
    .input(contract.relationships.graph.input)
    .output(contract.relationships.graph.output)
    .query(({ ctx, input }) => getGraph(ctx.deps, input)),
});
