import { z } from 'zod';
import * as records from '@/server/domain/records';
import { ZRecordOutput } from '@/server/domain/records';
import { getNeighbors, listRecordRelationships } from '@/server/domain/relationships';
import { ZSearchQuery } from '@/server/domain/query';
import { contract } from '@/server/contract';
import { router } from '../init';
import { projectProcedure } from '../procedures';

export const recordsRouter = router({
  create: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.records.create.openapi })
    .input(contract.records.create.input)
    .output(contract.records.create.output)
    .mutation(({ ctx, input }) => records.createRecord(ctx.deps, input)),

  importJson: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.records.importJson.openapi })
    .input(contract.records.importJson.input)
    .output(contract.records.importJson.output)
    .mutation(({ ctx, input }) => records.importJson(ctx.deps, input)),

  importCsv: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.records.importCsv.openapi })
    .input(contract.records.importCsv.input)
    .output(contract.records.importCsv.output)
    .mutation(({ ctx, input }) => records.importCsv(ctx.deps, input)),

  get: projectProcedure('read')
    .meta({ openapi: contract.records.get.openapi })
    .input(contract.records.get.input)
    .output(contract.records.get.output)
    .query(({ ctx, input }) =>
      input.asOf ? records.getRecordAsOf(ctx.deps, input.id, input.asOf) : records.getRecord(ctx.deps, input.id),
    ),

  history: projectProcedure('read')
    .meta({ openapi: contract.records.history.openapi })
    .input(contract.records.history.input)
    .output(contract.records.history.output)
    .query(({ ctx, input }) => records.recordHistory(ctx.deps, input)),

  relationshipHistory: projectProcedure('read')
    .meta({ openapi: contract.records.relationshipHistory.openapi })
    .input(contract.records.relationshipHistory.input)
    .output(contract.records.relationshipHistory.output)
    .query(({ ctx, input }) => records.relationshipHistory(ctx.deps, input)),

  restore: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.records.restore.openapi })
    .input(contract.records.restore.input)
    .output(contract.records.restore.output)
    .mutation(({ ctx, input }) => records.restoreRecord(ctx.deps, input)),

  update: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.records.update.openapi })
    .input(contract.records.update.input)
    .output(contract.records.update.output)
    .mutation(({ ctx, input }) => records.updateRecord(ctx.deps, input)),

  set: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.records.set.openapi })
    .input(contract.records.set.input)
    .output(contract.records.set.output)
    .mutation(({ ctx, input }) => records.setRecord(ctx.deps, input)),

  delete: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.records.delete.openapi })
    .input(contract.records.delete.input)
    .output(contract.records.delete.output)
    .mutation(({ ctx, input }) => records.deleteRecord(ctx.deps, input)),

  deleteMany: projectProcedure('write', { changesData: true })
    .meta({ openapi: contract.records.deleteMany.openapi })
    .input(contract.records.deleteMany.input)
    .output(contract.records.deleteMany.output)
    .mutation(({ ctx, input }) => records.deleteRecords(ctx.deps, input)),

  search: projectProcedure('read')
    .meta({ openapi: contract.records.search.openapi })
    .input(contract.records.search.input)
    .output(contract.records.search.output)
    .query(({ ctx, input }) => records.queryRecords(ctx.deps, input)),

  exportCsv: projectProcedure('read')
    .meta({ openapi: contract.records.exportCsv.openapi })
    .input(contract.records.exportCsv.input)
    .output(contract.records.exportCsv.output)
    .query(({ ctx, input }) => records.exportCsv(ctx.deps, input)),

  /** Records only (no select): what the console's records browser lists. tRPC only. */
  find: projectProcedure('read')
    .input(ZSearchQuery.omit({ select: true, groupBy: true }))
    .output(z.object({ items: z.array(ZRecordOutput), total: z.number().int() }))
    .query(({ ctx, input }) => records.searchRecords(ctx.deps, input)),

  relationships: projectProcedure('read')
    .meta({ openapi: contract.records.relationships.openapi })
    .input(contract.records.relationships.input)
    .output(contract.records.relationships.output)
    .query(({ ctx, input }) => listRecordRelationships(ctx.deps, input.id)),

  neighbors: projectProcedure('read')
    .meta({ openapi: contract.records.neighbors.openapi })
    .input(contract.records.neighbors.input)
    .output(contract.records.neighbors.output)
    .query(({ ctx, input }) => getNeighbors(ctx.deps, input)),
});

export const propertiesRouter = router({
  search: projectProcedure('read')
    .meta({ openapi: contract.properties.search.openapi })
    .input(contract.properties.search.input)
    .output(contract.properties.search.output)
    .query(({ ctx, input }) => records.searchProperties(ctx.deps, input)),
});

export const labelsRouter = router({
  search: projectProcedure('read')
    .meta({ openapi: contract.labels.search.openapi })
    .input(contract.labels.search.input)
    .output(contract.labels.search.output)
    .query(({ ctx, input }) => records.countLabels(ctx.deps, input)),
});
