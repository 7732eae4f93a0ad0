import { z } from 'zod';
import { ZLabel, ZPropType } from '../records/records.schema';

export const SCHEMA_LIMITS = {
  /** Records per label that ranges and samples are computed from (the most recent ones)… */
  sampleRecords: 1_000,
  /** …within this many for the whole request, so a project with many labels stays fast (at least 10 each). */
  sampleBudget: 10_000,
  sampleRecordsMin: 10,
  /** Elements of one array value looked at for ranges and samples. */
  sampleArrayElements: 100,
  samplesPerProperty: 5,
  sampleChars: 200,
  maxLabels: 100,
  valuesDefaultLimit: 20,
  valuesMaxLimit: 1_000,
  valuesMaxSkip: 1_000_000,
} as const;

/** `?labels=A,B` or `?labels=A&labels=B` on REST, an array from tRPC; empty means every label. */
export const ZSchemaLabels = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : v,
  )
  .pipe(z.array(ZLabel).max(SCHEMA_LIMITS.maxLabels))
  .describe('only these labels (comma-separated or repeated); default every label');

export const ZGetSchemaInput = z.object({ labels: ZSchemaLabels.optional() }).strict();
export type TGetSchemaInput = z.output<typeof ZGetSchemaInput>;

const ZRangeValue = z.union([z.number(), z.string()]);

export const ZSchemaProperty = z.object({
  name: z.string(),
  types: z.array(ZPropType).describe('types seen, most frequent first'),
  count: z.number().int().describe('records of the label having the property'),
  coverage: z.number().min(0).max(1).describe('count / the label count'),
  min: ZRangeValue.optional().describe('smallest number or datetime among the sampled records'),
  max: ZRangeValue.optional().describe('largest number or datetime among the sampled records'),
  samples: z
    .array(z.string())
    .optional()
    .describe('up to 5 of the most frequent strings among the sampled records (cut to 200 characters)'),
});
export type TSchemaProperty = z.infer<typeof ZSchemaProperty>;

export const ZSchemaRelationship = z.object({
  type: z.string(),
  direction: z.enum(['out', 'in']).describe('out: this label is the source; in: the target'),
  label: z.string().describe('the label at the other end'),
  count: z.number().int(),
});
export type TSchemaRelationship = z.infer<typeof ZSchemaRelationship>;

export const ZSchemaIndex = z.object({
  id: z.uuid(),
  property: z.string(),
  source: z.enum(['managed', 'external']),
  model: z.string(),
  dimensions: z.number().int(),
  similarity: z.string(),
  status: z.string().describe('pending, indexing, ready or error'),
  progress: z.object({ indexed: z.number().int(), total: z.number().int() }),
});
export type TSchemaIndex = z.infer<typeof ZSchemaIndex>;

export const ZSchemaLabel = z.object({
  name: z.string(),
  count: z.number().int(),
  sampledFrom: z.number().int().describe('how many of the most recent records min, max and samples were computed from'),
  properties: z.array(ZSchemaProperty),
  relationships: z.array(ZSchemaRelationship),
  indexes: z.array(ZSchemaIndex).describe('embedding indexes on the label (search by meaning) and their status'),
});
export type TSchemaLabel = z.infer<typeof ZSchemaLabel>;

export const ZSchema = z
  .object({ labels: z.array(ZSchemaLabel) })
  .describe('the live schema: counts and coverage exact, ranges and samples from recent records');
export type TSchema = z.infer<typeof ZSchema>;

export const ZSchemaMarkdown = z.object({ markdown: z.string() });

export const ZPropertyValuesInput = z
  .object({
    label: ZLabel.optional().describe('only records of this label; default every label'),
    property: z.string().min(1).max(256),
    query: z.string().max(1_000).optional().describe('only string values containing this text (case-insensitive)'),
    skip: z.coerce.number<number | string>().int().min(0).max(SCHEMA_LIMITS.valuesMaxSkip).optional(),
    limit: z.coerce
      .number<number | string>()
      .int()
      .min(1)
      .max(SCHEMA_LIMITS.valuesMaxLimit)
      .optional()
      .describe('1..1000, default 20'),
  })
  .strict();
export type TPropertyValuesInput = z.output<typeof ZPropertyValuesInput>;

export const ZPropertyValue = z.object({
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  type: ZPropType.describe('the value type (an array element has its element type)'),
  count: z.number().int().describe('occurrences, each element of an array counted'),
});
export const ZPropertyValues = z.object({
  items: z.array(ZPropertyValue),
  total: z.number().int().describe('distinct values matching'),
});
export type TPropertyValues = z.infer<typeof ZPropertyValues>;
