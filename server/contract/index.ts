import { z } from 'zod';
import { ZApiKey, ZCreateApiKeyInput, ZCreatedApiKey } from '../domain/auth/auth.schema';
import { ZCreateIndexInput, ZIndex, ZVectorsInput } from '../domain/indexes/indexes.schema';
import { ZCreateProjectInput, ZProject } from '../domain/projects/projects.schema';
import { ZFilterQuery, ZSearchQuery } from '../domain/query/query.schema';
import {
  ZBoolish,
  ZCreateRecordInput,
  ZDeleteRecordsInput,
  ZExportCsvInput,
  ZImportCsvInput,
  ZImportJsonInput,
  ZImportResult,
  ZRecordId,
  ZRecordOutput,
} from '../domain/records/records.schema';
import {
  ZGetRecordInput,
  ZHistoryInput,
  ZRelationshipEvent,
  ZRestoreInput,
  ZVersion,
} from '../domain/records/history.schema';
import { ZGraph, ZGraphInput } from '../domain/relationships/graph.schema';
import {
  ZAttachInput,
  ZDetachInput,
  ZEdge,
  ZNeighborsInput,
  ZRelationshipSearchInput,
} from '../domain/relationships/relationships.schema';
import {
  ZGetSchemaInput,
  ZPropertyValues,
  ZPropertyValuesInput,
  ZSchema,
  ZSchemaMarkdown,
} from '../domain/schema/schema.schema';
import { ZSearchInput } from '../domain/search/search.schema';
import { ZProjectCounts } from '../domain/stats/stats.schema';
import {
  ZAnalysis,
  ZAnalyzeInput,
  ZApproveInput,
  ZDeleteSuggestionInput,
  ZListSuggestionsInput,
  ZPreview,
  ZSuggestion,
  ZSuggestionId,
} from '../domain/suggestions/suggestions.schema';
import {
  ZBatchInput,
  ZBatchResult,
  ZBeginInput,
  ZTransaction,
  ZTransactionFull,
  ZTransactionId,
  ZTransactionOutcome,
} from '../domain/transactions/transactions.schema';

/**
 * The API contract: every operation of /api/v1 with its REST route and the zod schemas of its input and
 * output. It is pure data over the domain's schema files (no database, no server state), so it is the one
 * definition three consumers read: the tRPC routers (which implement each operation with exactly these
 * schemas and this route; a test holds them to it), the OpenAPI document, and the TypeScript SDK (sdk/),
 * whose method types are z.input / z.output of these schemas and whose route table is this object.
 */

/** REST exposure of an operation; server/trpc/rest.ts and openapi.ts read it from the procedure's meta. */
export type OpenApiMeta = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: `/${string}`;
  summary: string;
  tags: string[];
  /** `list`: the procedure returns { items, total } and REST answers { data: items, total }. */
  envelope?: 'data' | 'list';
  /** HTTP status on success (201 for creations). */
  status?: number;
  /** Answer REST with one string field of the output as a raw body of this type (e.g. Markdown). */
  raw?: { contentType: string; field: string };
};

export type Operation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = {
  /** read: a tRPC query that changes nothing (safe to retry); write: a mutation. */
  kind: 'read' | 'write';
  openapi: OpenApiMeta;
  input: I;
  output: O;
};

const read = <I extends z.ZodType, O extends z.ZodType>(
  openapi: OpenApiMeta,
  input: I,
  output: O,
): Operation<I, O> => ({
  kind: 'read',
  openapi,
  input,
  output,
});
const write = <I extends z.ZodType, O extends z.ZodType>(
  openapi: OpenApiMeta,
  input: I,
  output: O,
): Operation<I, O> => ({
  kind: 'write',
  openapi,
  input,
  output,
});

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });
const ZNoInput = z.object({}).optional();
const ZId = z.object({ id: z.uuid() });
const ZData = z.record(z.string(), z.unknown()).describe('properties');
const ZSelectRow = z.record(z.string(), z.unknown()).describe('a row of select expressions');
const ZDeleted = z.object({ deleted: z.number().int() });

/** A search hit: the record with its score. */
export const ZHit = ZRecordOutput.extend({
  __score: z.number().describe('higher is closer; in hybrid mode the fused rank score'),
  __scores: z
    .object({ semantic: z.number().optional(), keyword: z.number().optional() })
    .optional()
    .describe("hybrid: each leg's own score"),
});

/** A record's relationship as GET /records/{id}/relationships lists it. */
export const ZRecordRelationship = z.object({
  direction: z.enum(['out', 'in']),
  type: z.string(),
  otherId: z.uuid(),
  otherLabel: z.string(),
  properties: ZData,
});

const records = 'records';
const ai = 'ai';
const rel = 'relationships';
const sug = 'suggestions';
const tx = 'transactions';
const suggestions = '/relationships/suggestions';

export const contract = {
  projects: {
    list: read(
      {
        method: 'GET',
        path: '/projects',
        summary: 'List projects (master key)',
        tags: ['projects'],
        envelope: 'list',
      },
      ZNoInput,
      list(ZProject),
    ),
    create: write(
      { method: 'POST', path: '/projects', summary: 'Create a project (master key)', tags: ['projects'], status: 201 },
      ZCreateProjectInput,
      ZProject,
    ),
    current: read(
      {
        method: 'GET',
        path: '/projects/current',
        summary: 'The project this call acts on, with counts',
        tags: ['projects'],
      },
      ZNoInput,
      z.object({ project: ZProject, counts: ZProjectCounts }),
    ),
  },

  keys: {
    create: write(
      {
        method: 'POST',
        path: '/keys',
        summary: 'Create an API key; the secret is returned once',
        tags: ['keys'],
        status: 201,
      },
      ZCreateApiKeyInput,
      ZCreatedApiKey,
    ),
    list: read(
      {
        method: 'GET',
        path: '/keys',
        summary: "List the project's API keys (never their secrets)",
        tags: ['keys'],
        envelope: 'list',
      },
      ZNoInput,
      list(ZApiKey),
    ),
    revoke: write(
      {
        method: 'DELETE',
        path: '/keys/{id}',
        summary: 'Revoke an API key (its open transactions are rolled back)',
        tags: ['keys'],
      },
      ZId,
      ZApiKey,
    ),
  },

  records: {
    create: write(
      {
        method: 'POST',
        path: '/records',
        summary: 'Create a record (nested objects become linked child records)',
        tags: [records],
        status: 201,
      },
      ZCreateRecordInput,
      ZRecordOutput,
    ),
    importJson: write(
      {
        method: 'POST',
        path: '/records/import/json',
        summary: 'Import JSON, an array of objects, or JSONL, atomically',
        tags: [records],
      },
      ZImportJsonInput,
      ZImportResult,
    ),
    importCsv: write(
      {
        method: 'POST',
        path: '/records/import/csv',
        summary: 'Import CSV rows as records, atomically',
        tags: [records],
      },
      ZImportCsvInput,
      ZImportResult,
    ),
    get: read(
      { method: 'GET', path: '/records/{id}', summary: 'Get a record (as it was at asOf, with asOf)', tags: [records] },
      ZGetRecordInput,
      ZRecordOutput,
    ),
    history: read(
      {
        method: 'GET',
        path: '/records/{id}/history',
        summary: "A record's versions, newest first: properties after each change, the operation, who and when",
        tags: [records],
        envelope: 'list',
      },
      ZHistoryInput,
      list(ZVersion),
    ),
    relationshipHistory: read(
      {
        method: 'GET',
        path: '/records/{id}/relationship-history',
        summary: "The attaches, property changes and detaches of a record's relationships, newest first",
        tags: [records],
        envelope: 'list',
      },
      ZHistoryInput,
      list(ZRelationshipEvent),
    ),
    restore: write(
      {
        method: 'POST',
        path: '/records/{id}/restore',
        summary: 'Make a version of a record current again (a deleted record comes back with its id)',
        tags: [records],
      },
      ZRestoreInput,
      ZRecordOutput,
    ),
    update: write(
      { method: 'PATCH', path: '/records/{id}', summary: 'Merge properties into a record', tags: [records] },
      z.object({ id: ZRecordId, data: ZData }).strict(),
      ZRecordOutput,
    ),
    set: write(
      { method: 'PUT', path: '/records/{id}', summary: "Replace a record's properties", tags: [records] },
      z.object({ id: ZRecordId, data: ZData }).strict(),
      ZRecordOutput,
    ),
    delete: write(
      {
        method: 'DELETE',
        path: '/records/{id}',
        summary: 'Delete a record and its relationships (children too with cascade=true)',
        tags: [records],
      },
      z.object({ id: ZRecordId, cascade: ZBoolish.optional() }).strict(),
      ZDeleted,
    ),
    deleteMany: write(
      {
        method: 'POST',
        path: '/records/delete',
        summary: 'Delete the records a query matches (an empty filter needs force: true)',
        tags: [records],
      },
      ZDeleteRecordsInput,
      ZDeleted,
    ),
    search: read(
      {
        method: 'POST',
        path: '/records/search',
        summary: 'Find records, or aggregate them with select/groupBy (a SearchQuery)',
        tags: [records],
        envelope: 'list',
      },
      ZSearchQuery,
      z.object({
        items: z.array(z.union([ZRecordOutput, ZSelectRow])),
        total: z.number().int().describe('records, or groups with groupBy'),
      }),
    ),
    exportCsv: read(
      {
        method: 'POST',
        path: '/records/export/csv',
        summary: 'The records a query matches as CSV (up to 100,000)',
        tags: [records],
        raw: { contentType: 'text/csv', field: 'csv' },
      },
      ZExportCsvInput,
      z.object({ csv: z.string(), rows: z.number().int() }),
    ),
    relationships: read(
      {
        method: 'GET',
        path: '/records/{id}/relationships',
        summary: "A record's relationships in and out",
        tags: [records],
      },
      z.object({ id: ZRecordId }),
      z.array(ZRecordRelationship),
    ),
    neighbors: read(
      {
        method: 'GET',
        path: '/records/{id}/neighbors',
        summary: 'Records around a record, up to 3 hops (graph view)',
        tags: [records],
      },
      ZNeighborsInput,
      z.object({ nodes: z.array(ZRecordOutput), edges: z.array(ZEdge), truncated: z.boolean() }),
    ),
  },

  properties: {
    search: read(
      {
        method: 'POST',
        path: '/properties/search',
        summary: 'Property names and types among the records a query matches',
        tags: ['schema'],
      },
      ZFilterQuery,
      z.array(z.object({ name: z.string(), type: z.string(), count: z.number().int() })),
    ),
  },

  labels: {
    search: read(
      {
        method: 'POST',
        path: '/labels/search',
        summary: 'Record counts per label among the records a filter matches',
        tags: ['schema'],
      },
      ZFilterQuery,
      z.record(z.string(), z.number().int()),
    ),
  },

  schema: {
    get: read(
      {
        method: 'GET',
        path: '/schema',
        summary: 'The live schema: labels, properties with types and coverage, relationships',
        tags: ['schema'],
      },
      ZGetSchemaInput.optional(),
      ZSchema,
    ),
    markdown: read(
      {
        method: 'GET',
        path: '/schema/markdown',
        summary: 'The live schema as Markdown, ready for an LLM prompt',
        tags: ['schema'],
        raw: { contentType: 'text/markdown', field: 'markdown' },
      },
      ZGetSchemaInput.optional(),
      ZSchemaMarkdown,
    ),
    propertyValues: read(
      {
        method: 'POST',
        path: '/properties/values',
        summary: 'Distinct values of a property, most frequent first',
        tags: ['schema'],
        envelope: 'list',
      },
      ZPropertyValuesInput,
      ZPropertyValues,
    ),
  },

  relationships: {
    attach: write(
      {
        method: 'POST',
        path: '/relationships/{sourceId}',
        summary: 'Attach relationships from a record to targets',
        tags: [rel],
      },
      ZAttachInput,
      z.object({ attached: z.number().int() }),
    ),
    detach: write(
      {
        method: 'PUT',
        path: '/relationships/{sourceId}',
        summary: 'Detach relationships between a record and targets',
        tags: [rel],
      },
      ZDetachInput,
      z.object({ detached: z.number().int() }),
    ),
    search: read(
      {
        method: 'POST',
        path: '/relationships/search',
        summary: 'Find relationships by their ends and type',
        tags: [rel],
        envelope: 'list',
      },
      ZRelationshipSearchInput,
      list(ZEdge),
    ),
    graph: read(
      {
        method: 'POST',
        path: '/relationships/graph',
        summary: 'A bounded graph around records or a label, with what each node leaves out (graph view)',
        tags: [rel],
      },
      ZGraphInput,
      ZGraph,
    ),
  },

  suggestions: {
    list: read(
      {
        method: 'GET',
        path: suggestions,
        summary: 'Suggested relationship rules (or approved / rejected ones), most confident first',
        tags: [sug],
        envelope: 'list',
      },
      ZListSuggestionsInput,
      list(ZSuggestion),
    ),
    analysis: read(
      {
        method: 'GET',
        path: `${suggestions}/analysis`,
        summary: 'The latest analysis and its progress',
        tags: [sug],
      },
      z.object({}).strict().optional(),
      ZAnalysis,
    ),
    analyze: write(
      {
        method: 'POST',
        path: `${suggestions}/analyze`,
        summary: 'Look for relationship rules in the data now',
        tags: [sug],
        status: 202,
      },
      ZAnalyzeInput.optional(),
      ZAnalysis,
    ),
    get: read(
      { method: 'GET', path: `${suggestions}/{id}`, summary: 'A relationship rule with its evidence', tags: [sug] },
      ZSuggestionId,
      ZSuggestion,
    ),
    preview: read(
      {
        method: 'GET',
        path: `${suggestions}/{id}/preview`,
        summary: 'What approving the rule would create now',
        tags: [sug],
      },
      ZSuggestionId,
      ZPreview,
    ),
    approve: write(
      {
        method: 'POST',
        path: `${suggestions}/{id}/approve`,
        summary: 'Create every matching edge and keep the rule for later writes',
        tags: [sug],
      },
      ZApproveInput,
      z.object({ suggestion: ZSuggestion, created: z.number().int().describe('edges created by this call') }),
    ),
    reject: write(
      {
        method: 'POST',
        path: `${suggestions}/{id}/reject`,
        summary: 'Reject a suggested rule; it is never suggested again',
        tags: [sug],
      },
      ZSuggestionId,
      ZSuggestion,
    ),
    delete: write(
      {
        method: 'DELETE',
        path: `${suggestions}/{id}`,
        summary: 'Withdraw a rule, optionally with the edges it made',
        tags: [sug],
      },
      ZDeleteSuggestionInput,
      z.object({ deleted: z.boolean(), edgesDeleted: z.number().int() }),
    ),
  },

  ai: {
    indexes: {
      create: write(
        {
          method: 'POST',
          path: '/ai/indexes',
          summary: 'Make a property searchable by meaning (existing records are backfilled)',
          tags: [ai],
          status: 201,
        },
        ZCreateIndexInput,
        ZIndex,
      ),
      list: read(
        {
          method: 'GET',
          path: '/ai/indexes',
          summary: 'Embedding indexes with status and progress',
          tags: [ai],
          envelope: 'list',
        },
        ZNoInput,
        list(ZIndex),
      ),
      get: read({ method: 'GET', path: '/ai/indexes/{id}', summary: 'An embedding index', tags: [ai] }, ZId, ZIndex),
      delete: write(
        {
          method: 'DELETE',
          path: '/ai/indexes/{id}',
          summary: 'Delete an embedding index and its vectors',
          tags: [ai],
        },
        ZId,
        ZIndex,
      ),
      retry: write(
        { method: 'POST', path: '/ai/indexes/{id}/retry', summary: 'Resume a failed backfill', tags: [ai] },
        ZId,
        ZIndex,
      ),
      vectors: write(
        {
          method: 'POST',
          path: '/ai/indexes/{id}/vectors',
          summary: 'Write vectors to an external index',
          tags: [ai],
        },
        ZVectorsInput,
        z.object({ upserted: z.number().int() }),
      ),
    },
    search: read(
      {
        method: 'POST',
        path: '/ai/search',
        summary: 'Records ranked by meaning inside an exact filter',
        tags: [ai],
        envelope: 'list',
      },
      ZSearchInput,
      z.object({
        items: z.array(ZHit),
        total: z.number().int().describe('ranked candidates (at most limit + skip, or more in hybrid mode)'),
      }),
    ),
  },

  tx: {
    begin: write(
      {
        method: 'POST',
        path: '/tx',
        summary: 'Open a transaction; send its id as x-transaction-id',
        tags: [tx],
        status: 201,
      },
      ZBeginInput,
      ZTransaction,
    ),
    get: read(
      { method: 'GET', path: '/tx/{id}', summary: 'An open transaction', tags: [tx] },
      ZTransactionId,
      ZTransaction,
    ),
    commit: write(
      {
        method: 'POST',
        path: '/tx/{id}/commit',
        summary: 'Commit a transaction (repeating a commit is harmless)',
        tags: [tx],
      },
      ZTransactionId,
      ZTransactionOutcome,
    ),
    rollback: write(
      {
        method: 'POST',
        path: '/tx/{id}/rollback',
        summary: 'Roll a transaction back (admins: any of the project; repeating it is harmless)',
        tags: [tx],
      },
      ZTransactionId,
      ZTransactionOutcome,
    ),
    list: read(
      {
        method: 'GET',
        path: '/tx',
        summary: "The project's open transactions (admin)",
        tags: [tx],
        envelope: 'list',
      },
      ZNoInput,
      list(ZTransactionFull),
    ),
  },

  batch: {
    run: write(
      {
        method: 'POST',
        path: '/batch',
        summary: 'Run create/update/set/delete/attach/detach/upsert ops atomically',
        tags: [tx],
      },
      ZBatchInput,
      ZBatchResult,
    ),
  },
} as const;

export type Contract = typeof contract;

/** The headers a call names its project and its transaction with. */
export const PROJECT_HEADER = 'x-project-id';
export const TX_HEADER = 'x-transaction-id';
/** The REST base path. */
export const REST_BASE = '/api/v1';
