import type { Operation } from './contract';

/**
 * Every operation of the OpenAPI document and the spec (relative to e2e/api) that holds its contract
 * test: a success answer and at least one error, both validated against the document. coverage.spec.ts
 * fails when the document has an operation missing here, when this names one the document lacks, and
 * when the named spec does not call the operation with both `.ok(` and `.fails(`. Transaction routes
 * live in serial/: on the embedded database an open transaction holds the only connection.
 */
export const MANIFEST: Record<Operation, string> = {
  'GET /projects': 'contract/projects-keys.spec.ts',
  'POST /projects': 'contract/projects-keys.spec.ts',
  'GET /projects/current': 'contract/projects-keys.spec.ts',
  'POST /keys': 'contract/projects-keys.spec.ts',
  'GET /keys': 'contract/projects-keys.spec.ts',
  'DELETE /keys/{id}': 'contract/projects-keys.spec.ts',

  'POST /records': 'contract/records.spec.ts',
  'GET /records/{id}': 'contract/records.spec.ts',
  'PATCH /records/{id}': 'contract/records.spec.ts',
  'PUT /records/{id}': 'contract/records.spec.ts',
  'DELETE /records/{id}': 'contract/records.spec.ts',
  'GET /records/{id}/history': 'contract/history.spec.ts',
  'POST /records/{id}/restore': 'contract/history.spec.ts',
  'GET /records/{id}/relationship-history': 'contract/history.spec.ts',

  'POST /records/search': 'contract/records-query.spec.ts',
  'POST /records/delete': 'contract/records-query.spec.ts',
  'POST /labels/search': 'contract/records-query.spec.ts',
  'POST /properties/search': 'contract/records-query.spec.ts',
  'POST /properties/values': 'contract/records-query.spec.ts',

  'POST /records/import/json': 'contract/records-io.spec.ts',
  'POST /records/import/csv': 'contract/records-io.spec.ts',
  'POST /records/export/csv': 'contract/records-io.spec.ts',

  'POST /relationships/{sourceId}': 'contract/relationships.spec.ts',
  'PUT /relationships/{sourceId}': 'contract/relationships.spec.ts',
  'POST /relationships/search': 'contract/relationships.spec.ts',
  'POST /relationships/graph': 'contract/relationships.spec.ts',
  'GET /records/{id}/neighbors': 'contract/relationships.spec.ts',
  'GET /records/{id}/relationships': 'contract/relationships.spec.ts',

  'GET /schema': 'contract/schema.spec.ts',
  'GET /schema/markdown': 'contract/schema.spec.ts',

  'POST /ai/indexes': 'contract/ai.spec.ts',
  'GET /ai/indexes': 'contract/ai.spec.ts',
  'GET /ai/indexes/{id}': 'contract/ai.spec.ts',
  'DELETE /ai/indexes/{id}': 'contract/ai.spec.ts',
  'POST /ai/indexes/{id}/retry': 'contract/ai.spec.ts',
  'POST /ai/indexes/{id}/vectors': 'contract/ai.spec.ts',
  'POST /ai/search': 'contract/ai.spec.ts',

  'GET /relationships/suggestions': 'contract/suggestions.spec.ts',
  'POST /relationships/suggestions/analyze': 'contract/suggestions.spec.ts',
  'GET /relationships/suggestions/analysis': 'contract/suggestions.spec.ts',
  'GET /relationships/suggestions/{id}': 'contract/suggestions.spec.ts',
  'DELETE /relationships/suggestions/{id}': 'contract/suggestions.spec.ts',
  'GET /relationships/suggestions/{id}/preview': 'contract/suggestions.spec.ts',
  'POST /relationships/suggestions/{id}/approve': 'contract/suggestions.spec.ts',
  'POST /relationships/suggestions/{id}/reject': 'contract/suggestions.spec.ts',

  'POST /batch': 'contract/batch.spec.ts',

  'POST /tx': 'serial/tx-contract.spec.ts',
  'GET /tx': 'serial/tx-contract.spec.ts',
  'GET /tx/{id}': 'serial/tx-contract.spec.ts',
  'POST /tx/{id}/commit': 'serial/tx-contract.spec.ts',
  'POST /tx/{id}/rollback': 'serial/tx-contract.spec.ts',
};
