import { z } from 'zod';
import { ZPropType, ZRecordId } from './records.schema';

/** History of a record (migration 0010): its versions, and reads of it as it was. */
export const HISTORY_LIMITS = { defaultLimit: 50, maxLimit: 1_000, maxSkip: 1_000_000 } as const;

/** An instant: an ISO-8601 date-time with an offset (or Z), or a date (midnight UTC). */
export const ZInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .describe('an ISO-8601 date-time with offset or Z, or a date');

export const ZHistoryInput = z
  .object({
    id: ZRecordId,
    skip: z.coerce.number<number | string>().int().min(0).max(HISTORY_LIMITS.maxSkip).optional(),
    limit: z.coerce
      .number<number | string>()
      .int()
      .min(1)
      .max(HISTORY_LIMITS.maxLimit)
      .optional()
      .describe(`default ${HISTORY_LIMITS.defaultLimit}`),
  })
  .strict();
export type THistoryInput = z.output<typeof ZHistoryInput>;

export const ZVersion = z.object({
  version: z.number().int().describe('1 for the create, then one more per change'),
  change: z
    .enum(['create', 'update', 'delete', 'snapshot'])
    .describe('snapshot: the record as it was when history began'),
  operation: z.string().nullable().describe('the API operation that made it, e.g. records.update, batch.run'),
  actor: z.string().nullable().describe('who: key:<id>, master or session'),
  at: z.iso.datetime({ precision: 3 }).describe('when it committed its statement'),
  label: z.string(),
  data: z.record(z.string(), z.unknown()).nullable().describe('the properties after the change; null for a delete'),
  types: z.record(z.string(), ZPropType).nullable(),
});
export type TVersion = z.infer<typeof ZVersion>;

export const ZGetRecordInput = z
  .object({ id: ZRecordId, asOf: ZInstant.optional().describe('the record as it was at this time') })
  .strict();

export const ZRestoreInput = z
  .object({ id: ZRecordId, version: z.number().int().min(1).describe('the version to restore') })
  .strict();

export const ZRelationshipEvent = z.object({
  change: z.enum(['attach', 'update', 'detach']).describe('update: an attach that changed its properties'),
  direction: z.enum(['out', 'in']).describe('out: this record -> other; in: other -> this record'),
  type: z.string(),
  otherId: z.uuid(),
  properties: z.record(z.string(), z.unknown()).nullable(),
  origin: z.string().nullable().describe('nested, manual, or suggestion:<id>'),
  operation: z.string().nullable(),
  actor: z.string().nullable(),
  at: z.iso.datetime({ precision: 3 }),
});
export type TRelationshipEvent = z.infer<typeof ZRelationshipEvent>;
