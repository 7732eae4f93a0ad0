export { createIndex, listIndexes, findIndex, getIndex, deleteIndex, retryIndex, upsertVectors, checkVector, toIndex, type IndexDeps } from './indexes';
export { prepareEmbeddings, applyEmbeddings, embedAhead, textOf, type PendingEmbeddings, type RecordText } from './write-path';
export { backfillIndex, BackfillRunner, BACKFILL_BATCH } from './backfill';
export * from './indexes.schema';
