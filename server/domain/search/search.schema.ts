import { z } from 'zod';
import { ZQueryLabels, ZWhere } from '../query';

export const SEARCH_LIMITS = { defaultLimit: 20, maxLimit: 1_000, maxSkip: 10_000, maxQueryChars: 8_192, exactBelow: 10_000, candidatesPerLeg: 200 } as const;

export const ZSearchInput = z
  .object({
    labels: ZQueryLabels.min(1).describe('labels whose index on propertyName is searched'),
    propertyName: z.string().min(1).max(256),
    query: z.string().min(1).max(SEARCH_LIMITS.maxQueryChars).optional().describe('text, embedded with the index model'),
    queryVector: z.array(z.number()).min(1).max(2000).optional().describe('or a vector of the index dimensions'),
    where: ZWhere.optional().describe('the exact filter: the whole query language, traversal included'),
    limit: z.coerce.number().int().min(1).max(SEARCH_LIMITS.maxLimit).optional().describe('default 20'),
    skip: z.coerce.number().int().min(0).max(SEARCH_LIMITS.maxSkip).optional(),
    mode: z.enum(['semantic', 'hybrid', 'keyword']).optional().describe('default hybrid (chosen by measurement on LoCoMo; see docs)'),
    minScore: z.number().optional().describe('drop results scoring below this'),
    exact: z.boolean().optional().describe('exact nearest neighbours instead of the HNSW index'),
  })
  .strict();
export type TSearchInput = z.infer<typeof ZSearchInput>;
