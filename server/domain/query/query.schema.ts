import { z } from 'zod';

/**
 * The SearchQuery (DESIGN.md §4). One schema drives find, delete-by-query, label counts and, later,
 * the filter of semantic search. `where` is checked structurally by parseWhere, which knows the
 * operators and reports the JSON path of anything it refuses.
 */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxNodes: 500,
  maxIn: 1_000,
  maxLabels: 100,
  maxSkip: 1_000_000,
  maxLimit: 1_000,
  defaultLimit: 100,
  maxHops: 5,
} as const;

export const ZSortDir = z.enum(['asc', 'desc']);
/** A boolean that may arrive as a query-string "true"/"false". */
export const ZBoolParam = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
/** Runtime shape of `where`/`select`: parse.ts and select.ts check them; the OpenAPI document shows the language schema. */
export const ZWhere = z
  .record(z.string(), z.unknown())
  .meta({ 'x-engram-language': 'Where' })
  .describe('a filter (see the Where schema)');
export const ZOrderBy = z
  .union([ZSortDir, z.record(z.string(), ZSortDir)])
  .describe(
    '"asc"/"desc" on the record id (time order), or { property: "asc" | "desc" } (also __createdAt, __updatedAt); nulls and missing last',
  );

export const ZQueryLabels = z.array(z.string().min(1).max(128)).max(QUERY_LIMITS.maxLabels);

export const ZSearchQuery = z
  .object({
    labels: ZQueryLabels.optional(),
    where: ZWhere.optional(),
    orderBy: ZOrderBy.optional(),
    select: z
      .record(z.string(), z.unknown())
      .meta({ 'x-engram-language': 'Select' })
      .optional()
      .describe(
        'named expressions: "$record.<property>", $count, $sum, $avg, $min, $max, $collect, $timeBucket, $add, $subtract, $multiply, $divide',
      ),
    groupBy: z
      .array(z.string())
      .optional()
      .describe('select keys to group by; ordering and paging apply to the groups'),
    latestOnly: ZBoolParam.optional().describe(
      'leave out records a newer one supersedes (an incoming SUPERSEDES relationship)',
    ),
    skip: z.coerce.number<number | string>().int().min(0).max(QUERY_LIMITS.maxSkip).optional(),
    limit: z.coerce
      .number<number | string>()
      .int()
      .min(1)
      .max(QUERY_LIMITS.maxLimit)
      .optional()
      .describe('1..1000, default 100'),
  })
  .strict();
export type TSearchQuery = z.infer<typeof ZSearchQuery>;

export const ZFilterQuery = z.object({ labels: ZQueryLabels.optional(), where: ZWhere.optional() }).strict();
export type TFilterQuery = z.infer<typeof ZFilterQuery>;
