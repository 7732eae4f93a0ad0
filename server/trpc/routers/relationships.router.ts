import { z } from 'zod';
import {
  attachRelationships,
  detachRelationships,
  getGraph,
  searchRelationships,
  ZAttachInput,
  ZDetachInput,
  ZEdge,
  ZGraph,
  ZGraphInput,
  ZRelationshipSearchInput,
} from '@/server/domain/relationships';
import { router } from '../init';
import { projectProcedure } from '../procedures';

const tags = ['relationships'];

export const relationshipsRouter = router({
  attach: projectProcedure('write', { changesData: true })
    .meta({
      openapi: {
        method: 'POST',
        path: '/relationships/{sourceId}',
        summary: 'Attach relationships from a record to targets',
        tags,
      },
    })
    .input(ZAttachInput)
    .output(z.object({ attached: z.number().int() }))
    .mutation(({ ctx, input }) => attachRelationships(ctx.deps, input)),

  detach: projectProcedure('write', { changesData: true })
    .meta({
      openapi: {
        method: 'PUT',
        path: '/relationships/{sourceId}',
        summary: 'Detach relationships between a record and targets',
        tags,
      },
    })
    .input(ZDetachInput)
    .output(z.object({ detached: z.number().int() }))
    .mutation(({ ctx, input }) => detachRelationships(ctx.deps, input)),

  search: projectProcedure('read')
    .meta({
      openapi: {
        method: 'POST',
        path: '/relationships/search',
        summary: 'Find relationships by their ends and type',
        tags,
        envelope: 'list',
      },
    })
    .input(ZRelationshipSearchInput)
    .output(z.object({ items: z.array(ZEdge), total: z.number().int() }))
    .query(({ ctx, input }) => searchRelationships(ctx.deps, input)),

  graph: projectProcedure('read')
    .meta({
      openapi: {
        method: 'POST',
        path: '/relationships/graph',
        summary: 'A bounded graph around records or a label, with what each node leaves out (graph view)',
        tags,
      },
    })
    .input(ZGraphInput)
    .output(ZGraph)
    .query(({ ctx, input }) => getGraph(ctx.deps, input)),
});
