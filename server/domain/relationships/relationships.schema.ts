import { z } from 'zod';
import { ZFilterQuery } from '../query/query.schema';
import { LIMITS, ZRecordId, ZRelationshipType } from '../records/records.schema';

export const DEFAULT_RELATIONSHIP_TYPE = 'RELATED_TO';

const ZTargetIds = z
  .union([ZRecordId, z.array(ZRecordId).min(1).max(LIMITS.targetIdsPerCall)])
  .describe('one id or up to 1000');

export const ZAttachInput = z
  .object({
    sourceId: ZRecordId,
    targetIds: ZTargetIds,
    type: ZRelationshipType.optional().describe(`default ${DEFAULT_RELATIONSHIP_TYPE}`),
    direction: z.enum(['out', 'in']).optional().describe('out: source -> target (default); in: target -> source'),
    properties: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type TAttachInput = z.output<typeof ZAttachInput>;

export const ZDetachInput = z
  .object({
    sourceId: ZRecordId,
    targetIds: ZTargetIds,
    types: z
      .union([ZRelationshipType, z.array(ZRelationshipType).max(100)])
      .optional()
      .describe('only these types (default all)'),
    direction: z.enum(['out', 'in', 'both']).optional().describe('default out'),
  })
  .strict();
export type TDetachInput = z.output<typeof ZDetachInput>;

export const ZEdge = z.object({
  sourceId: z.uuid(),
  sourceLabel: z.string(),
  targetId: z.uuid(),
  targetLabel: z.string(),
  type: z.string(),
  properties: z.record(z.string(), z.unknown()),
  origin: z.string().describe('nested (from a nested object), manual, or suggestion:<id>'),
});
export type TEdge = z.infer<typeof ZEdge>;

export const ZRelationshipSearchInput = z
  .object({
    source: ZFilterQuery.optional(),
    target: ZFilterQuery.optional(),
    where: z
      .object({
        type: z.union([ZRelationshipType, z.object({ $in: z.array(ZRelationshipType).max(1000) }).strict()]).optional(),
      })
      .strict()
      .optional(),
    skip: z.coerce.number<number | string>().int().min(0).max(1_000_000).optional(),
    limit: z.coerce.number<number | string>().int().min(1).max(1000).optional(),
  })
  .strict();
export type TRelationshipSearchInput = z.output<typeof ZRelationshipSearchInput>;

const csvList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

export const ZNeighborsInput = z
  .object({
    id: ZRecordId,
    depth: z.coerce
      .number<number | string>()
      .int()
      .min(1)
      .max(LIMITS.neighborsDepth)
      .optional()
      .describe('1..3, default 1'),
    types: csvList.optional().describe('relationship types, comma-separated'),
    limit: z.coerce
      .number<number | string>()
      .int()
      .min(1)
      .max(LIMITS.neighborsLimit)
      .optional()
      .describe('most nodes returned, default 100, max 500'),
  })
  .strict();
export type TNeighborsInput = z.output<typeof ZNeighborsInput>;
