import { z } from 'zod';
import { ZBoolParam, ZQueryLabels, ZWhere } from '../query/query.schema';

/** Hybrid fusion weights by default: tuned on LoCoMo dev with the built-in model (docs/search-modes.md). */
export const DEFAULT_FUSION_WEIGHTS = { semantic: 0.2, keyword: 0.8 } as const;

export const SEARCH_LIMITS = {
  defaultLimit: 20,
  maxLimit: 1_000,
  maxSkip: 10_000,
  maxQueryChars: 8_192,
  exactBelow: 10_000,
  candidatesPerLeg: 200,
} as const;

export const ZSearchInput = z
  .object({
    labels: ZQueryLabels.min(1).describe('labels whose index on propertyName is searched'),
    propertyName: z.string().min(1).max(256),
    query: z
      .string()
      .min(1)
      .max(SEARCH_LIMITS.maxQueryChars)
      .optional()
      .describe('text, embedded with the index model'),
    queryVector: z.array(z.number()).min(1).max(2000).optional().describe('or a vector of the index dimensions'),
    where: ZWhere.optional().describe('the exact filter: the whole query language, traversal included'),
    limit: z.coerce
      .number<number | string>()
      .int()
      .min(1)
      .max(SEARCH_LIMITS.maxLimit)
      .optional()
      .describe('default 20'),
    skip: z.coerce.number<number | string>().int().min(0).max(SEARCH_LIMITS.maxSkip).optional(),
    mode: z
      .enum(['semantic', 'hybrid', 'keyword'])
      .optional()
      .describe('default hybrid (chosen by measurement on LoCoMo; see docs)'),
    minScore: z.number().optional().describe('drop results scoring below this'),
    exact: z.boolean().optional().describe('exact nearest neighbours instead of the HNSW index'),
    latestOnly: ZBoolParam.optional().describe('leave out records a newer one supersedes (SUPERSEDES relationships)'),
    weights: z
      .object({ semantic: z.number().min(0).max(1).optional(), keyword: z.number().min(0).max(1).optional() })
      .strict()
      .refine(
        (w) => (w.semantic ?? DEFAULT_FUSION_WEIGHTS.semantic) + (w.keyword ?? DEFAULT_FUSION_WEIGHTS.keyword) > 0,
        'at least one weight must be above 0',
      )
      .optional()
      .describe('hybrid: weight of each leg in the rank fusion (default semantic 0.2, keyword 0.8)'),
  })
  .strict();
export type TSearchInput = z.output<typeof ZSearchInput>;
