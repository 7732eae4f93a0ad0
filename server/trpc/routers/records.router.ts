import { z } from 'zod';
import * as records from '@/server/domain/records';
import {
  ZBoolish,
  ZExportCsvInput,
  ZCreateRecordInput,
  ZDeleteRecordsInput,
  ZImportCsvInput,
  ZImportJsonInput,
  ZImportResult,
  ZRecordId,
  ZRecordOutput,
} from '@/server/domain/records';
import { getNeighbors, listRecordRelationships, ZEdge, ZNeighborsInput } from '@/server/domain/relationships';
import { ZFilterQuery, ZSearchQuery } from '@/server/domain/query';
import { router } from '../init';
import { projectProcedure } from '../procedures';

const tags = ['records'];
const ZDeleted = z.object({ deleted: z.number().int() });
const ZData = z.record(z.string(), z.unknown()).describe('properties');
const ZSelectRow = z.record(z.string(), z.unknown()).describe('a row of select expressions');

export const recordsRouter = router({
  create: projectProcedure('write', { changesData: true })
    .meta({
      openapi: {
        method: 'POST',
        path: '/records',
        summary: 'Create a record (nested objects become linked child records)',
        tags,
        status: 201,
      },
    })
    .input(ZCreateRecordInput)
    .output(ZRecordOutput)
    .mutation(({ ctx, input }) => records.createRecord(ctx.deps, input)),

  importJson: projectProcedure('write', { changesData: true })
    .meta({
      openapi: {
        method: 'POST',
        path: '/records/import/json',
        summary: 'Import JSON, an array of objects, or JSONL, atomically',
        tags,
      },
    })
    .input(ZImportJsonInput)
    .output(ZImportResult)
    .mutation(({ ctx, input }) => records.importJson(ctx.deps, input)),

  importCsv: projectProcedure('write', { changesData: true })
    .meta({
      openapi: { method: 'POST', path: '/records/import/csv', summary: 'Import CSV rows as records, atomically', tags },
    })
    .input(ZImportCsvInput)
    .output(ZImportResult)
    .mutation(({ ctx, input }) => records.importCsv(ctx.deps, input)),

  get: projectProcedure('read')
    .meta({ openapi: { method: 'GET', path: '/records/{id}', summary: 'Get a record', tags } })
    .input(z.object({ id: ZRecordId }))
    .output(ZRecordOutput)
    .query(({ ctx, input }) => records.getRecord(ctx.deps, input.id)),

  update: projectProcedure('write', { changesData: true })
    .meta({ openapi: { method: 'PATCH', path: '/records/{id}', summary: 'Merge properties into a record', tags } })
    .input(z.object({ id: ZRecordId, data: ZData }).strict())
    .output(ZRecordOutput)
    .mutation(({ ctx, input }) => records.updateRecord(ctx.deps, input)),

  set: projectProcedure('write', { changesData: true })
    .meta({ openapi: { method: 'PUT', path: '/records/{id}', summary: "Replace a record's properties", tags } })
    .input(z.object({ id: ZRecordId, data: ZData }).strict())
    .output(ZRecordOutput)
    .mutation(({ ctx, input }) => records.setRecord(ctx.deps, input)),

  delete: projectProcedure('write', { changesData: true })
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/records/{id}',
        summary: 'Delete a record and its relationships (children too with cascade=true)',
        tags,
      },
    })
    .input(z.object({ id: ZRecordId, cascade: ZBoolish.optional() }).strict())
    .output(ZDeleted)
    .mutation(({ ctx, input }) => records.deleteRecord(ctx.deps, input)),

  deleteMany: projectProcedure('write', { changesData: true })
    .meta({
      openapi: {
        method: 'POST',
        path: '/records/delete',
        summary: 'Delete the records a query matches (an empty filter needs force: true)',
        tags,
      },
    })
    .input(ZDeleteRecordsInput)
    .output(ZDeleted)
    .mutation(({ ctx, input }) => records.deleteRecords(ctx.deps, input)),

  search: projectProcedure('read')
    .meta({
      openapi: {
        method: 'POST',
        path: '/records/search',
        summary: 'Find records, or aggregate them with select/groupBy (a SearchQuery)',
        tags,
        envelope: 'list',
      },
    })
    .input(ZSearchQuery)
    .output(
      z.object({
        items: z.array(z.union([ZRecordOutput, ZSelectRow])),
        total: z.number().int().describe('records, or groups with groupBy'),
      }),
    )
    .query(({ ctx, input }) => records.queryRecords(ctx.deps, input)),

  exportCsv: projectProcedure('read')
    .meta({
      openapi: {
        method: 'POST',
        path: '/records/export/csv',
        summary: 'The records a query matches as CSV (up to 100,000)',
        tags,
        raw: { contentType: 'text/csv', field: 'csv' },
      },
    })
    .input(ZExportCsvInput)
    .output(z.object({ csv: z.string(), rows: z.number().int() }))
    .query(({ ctx, input }) => records.exportCsv(ctx.deps, input)),

  /** Records only (no select): what the console's records browser lists. tRPC only. */
  find: projectProcedure('read')
    .input(ZSearchQuery.omit({ select: true, groupBy: true }))
    .output(z.object({ items: z.array(ZRecordOutput), total: z.number().int() }))
    .query(({ ctx, input }) => records.searchRecords(ctx.deps, input)),

  relationships: projectProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/records/{id}/relationships',
        summary: "A record's relationships in and out",
        tags,
      },
    })
    .input(z.object({ id: ZRecordId }))
    .output(
      z.array(
        z.object({
          direction: z.enum(['out', 'in']),
          type: z.string(),
          otherId: z.uuid(),
          otherLabel: z.string(),
          properties: ZData,
        }),
      ),
    )
    .query(({ ctx, input }) => listRecordRelationships(ctx.deps, input.id)),

  neighbors: projectProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/records/{id}/neighbors',
        summary: 'Records around a record, up to 3 hops (graph view)',
        tags,
      },
    })
    .input(ZNeighborsInput)
    .output(z.object({ nodes: z.array(ZRecordOutput), edges: z.array(ZEdge), truncated: z.boolean() }))
    .query(({ ctx, input }) => getNeighbors(ctx.deps, input)),
});

export const propertiesRouter = router({
  search: projectProcedure('read')
    .meta({
      openapi: {
        method: 'POST',
        path: '/properties/search',
        summary: 'Property names and types among the records a query matches',
        tags: ['schema'],
      },
    })
    .input(ZFilterQuery)
    .output(z.array(z.object({ name: z.string(), type: z.string(), count: z.number().int() })))
    .query(({ ctx, input }) => records.searchProperties(ctx.deps, input)),
});

export const labelsRouter = router({
  search: projectProcedure('read')
    .meta({
      openapi: {
        method: 'POST',
        path: '/labels/search',
        summary: 'Record counts per label among the records a filter matches',
        tags: ['schema'],
      },
    })
    .input(ZFilterQuery)
    .output(z.record(z.string(), z.number().int()))
    .query(({ ctx, input }) => records.countLabels(ctx.deps, input)),
});
