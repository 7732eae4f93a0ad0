import { z } from 'zod';
import { ZRelationshipType } from '../records/records.schema';

/** Bounds of one analysis (documented in the README under Limits). */
export const SUGGESTION_LIMITS = {
  /** Records sampled per label as sources (the newest; ids are time-ordered). */
  sampleSize: 5_000,
  /** Labels with more records are not read in full for keys; only their record id serves as a key. */
  keyScanMax: 200_000,
  /** Candidate keys read per label. */
  keysPerLabel: 50,
  /** A key must be present on this share of its label's records… */
  keyCoverage: 0.9,
  /** …and this share of its values must be distinct. */
  keyUniqueness: 0.95,
  /** Properties whose sampled values average more characters are prose, not references. */
  maxValueLength: 200,
  /** Candidates below this confidence are not suggested. */
  minConfidence: 0.5,
} as const;

export const SUGGESTION_STATUSES = ['suggested', 'approved', 'rejected'] as const;
export const ZSuggestionStatus = z.enum(SUGGESTION_STATUSES);

export const ZEvidence = z.object({
  matched: z.number().int().describe('sampled source records whose value matches a target key'),
  examined: z.number().int().describe('sampled source records that have the property'),
  sampled: z.number().int().describe('source records sampled (the newest, at most 5,000)'),
  coverage: z.number().describe('matched / examined'),
  uniqueness: z.number().describe("distinct share of the target key's values (1 for the record id)"),
  name: z.object({ score: z.number(), reason: z.string() }).describe('what the property name says'),
  values: z
    .object({ kind: z.string(), score: z.number() })
    .describe('kind of the matched values and how unlikely a chance match is'),
  samples: z
    .array(z.object({ sourceId: z.string(), value: z.string(), targetId: z.string() }))
    .describe('up to 5 matched pairs'),
});
export type TEvidence = z.infer<typeof ZEvidence>;

const ZEnd = z.object({ label: z.string(), key: z.string().describe('a property name, or $id for the record id') });

export const ZSuggestion = z.object({
  id: z.uuid(),
  source: ZEnd,
  target: ZEnd,
  type: z.string(),
  direction: z.literal('out').describe('edges run source -> target'),
  confidence: z.number().min(0).max(1),
  evidence: ZEvidence,
  status: ZSuggestionStatus,
  edges: z.number().int().describe('edges this rule has made (approved rules)'),
  createdAt: z.string(),
  updatedAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type TSuggestion = z.infer<typeof ZSuggestion>;

export const ZListSuggestionsInput = z
  .object({
    status: ZSuggestionStatus.optional().describe('default suggested'),
    skip: z.coerce.number<number | string>().int().min(0).max(1_000_000).optional(),
    limit: z.coerce.number<number | string>().int().min(1).max(500).optional().describe('default 100'),
  })
  .strict();
export type TListSuggestionsInput = z.output<typeof ZListSuggestionsInput>;

export const ZSuggestionId = z.object({ id: z.uuid() }).strict();
export type TSuggestionId = z.output<typeof ZSuggestionId>;

export const ZApproveInput = z
  .object({
    id: z.uuid(),
    type: ZRelationshipType.optional().describe('relationship type of the edges (default: the suggested type)'),
  })
  .strict();
export type TApproveInput = z.output<typeof ZApproveInput>;

const booleanParam = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
export const ZDeleteSuggestionInput = z
  .object({
    id: z.uuid(),
    deleteEdges: booleanParam.optional().describe('also remove the edges the rule made (default false)'),
  })
  .strict();
export type TDeleteSuggestionInput = z.output<typeof ZDeleteSuggestionInput>;

export const ZPreview = z.object({
  create: z.number().int().describe('edges approval would create now'),
  existing: z.number().int().describe('edges of this rule that exist already'),
  samples: z.array(
    z.object({
      source: z.object({ id: z.string(), label: z.string(), value: z.unknown() }),
      target: z.object({ id: z.string(), label: z.string() }),
    }),
  ),
});

export const ZAnalyzeInput = z
  .object({
    wait: z
      .boolean()
      .optional()
      .describe('answer when the analysis has finished (default false: answer at once with its progress)'),
  })
  .strict();
export type TAnalyzeInput = z.output<typeof ZAnalyzeInput>;

export const ZAnalysis = z.object({
  status: z.enum(['idle', 'running', 'done', 'error']).describe('idle: never analyzed'),
  trigger: z.enum(['manual', 'writes']).nullable(),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  found: z.number().int().describe('suggestions the analysis proposed'),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type TAnalysis = z.infer<typeof ZAnalysis>;
