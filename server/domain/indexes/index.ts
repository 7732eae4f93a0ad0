export {
  createIndex,
  listIndexes,
  findIndex,
  getIndex,
  deleteIndex,
  retryIndex,
  upsertVectors,
  checkVector,
  type IndexDeps,
} from './indexes';
export { prepareEmbeddings, applyEmbeddings, embedAhead, type PendingEmbeddings } from './write-path';
export { BackfillRunner } from './backfill';
export * from './indexes.schema';
