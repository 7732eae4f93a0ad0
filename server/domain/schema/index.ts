export { getSchema } from './schema';
export { compactSchemaStats, COMPACT_THRESHOLD } from './compact';
export { getSchemaMarkdown, renderSchemaMarkdown } from './markdown';
export { listPropertyValues } from './values';
export * from './schema.schema';
