import { z } from 'zod';
import { ZFilterQuery, ZSearchQuery } from '../query/query.schema';
import { LIMITS } from './limits';
import { PROPERTY_TYPES } from './types';

export { LIMITS };

export const ZLabel = z.string().min(1).max(LIMITS.labelLength).describe('record label, 1-128 characters');
export const ZPropertyName = z
  .string()
  .min(1)
  .max(LIMITS.propertyNameLength)
  .refine((s) => !s.startsWith('__') && !s.startsWith('$'), 'property names must not start with "__" or "$"');
export const ZRelationshipType = z
  .string()
  .min(1)
  .max(LIMITS.relationshipTypeLength)
  .regex(/^[^\u0000-\u001f]+$/, 'no control characters')
  .regex(/\S/, 'must not be blank');
export const ZRecordId = z.uuid().describe('record id (UUIDv7)');
export const ZPropType = z.enum(PROPERTY_TYPES);

export const ZExplicitProperty = z.object({ name: ZPropertyName, type: ZPropType, value: z.unknown() });

export const ZWriteOptions = z
  .object({
    relationshipType: ZRelationshipType.optional().describe(
      'type of the parent -> child edges made from nested objects (default HAS_<CHILD LABEL>)',
    ),
    mergeBy: z
      .array(ZPropertyName)
      .min(1)
      .max(LIMITS.mergeByKeys)
      .optional()
      .describe('upsert: match an existing record of the label on these properties'),
    mergeStrategy: z
      .enum(['append', 'rewrite'])
      .optional()
      .describe('upsert: append merges properties (default), rewrite replaces them'),
    returnResult: z.boolean().optional().describe('import: return the written records (at most 1000)'),
  })
  .strict();
export type TWriteOptions = z.infer<typeof ZWriteOptions>;

/** A create (or upsert) of one record may say which older records it replaces. */
export const ZCreateOptions = ZWriteOptions.extend({
  supersedes: z
    .union([ZRecordId, z.array(ZRecordId).min(1).max(100)])
    .optional()
    .describe(
      'records this one replaces: a SUPERSEDES relationship to each, in the same transaction (latestOnly leaves them out)',
    ),
}).strict();

const ZJsonObject = z.record(z.string(), z.unknown());

export const ZCreateRecordInput = z
  .object({
    label: ZLabel,
    data: ZJsonObject.optional().describe('the properties as JSON; nested objects become linked child records'),
    properties: z
      .array(ZExplicitProperty)
      .max(LIMITS.propertiesPerRecord)
      .optional()
      .describe('explicitly typed properties, instead of data'),
    options: ZCreateOptions.optional(),
    vectors: z
      .array(z.object({ propertyName: ZPropertyName, vector: z.array(z.number()).min(1).max(2000) }).strict())
      .max(16)
      .optional()
      .describe('vectors for external embedding indexes on this label, written with the record'),
  })
  .strict()
  .refine((v) => (v.data === undefined) !== (v.properties === undefined), {
    message: 'give exactly one of data or properties',
    path: ['data'],
  });
export type TCreateRecordInput = z.output<typeof ZCreateRecordInput>;

export const ZImportJsonInput = z
  .object({
    label: ZLabel.optional().describe(
      'label of the top-level records; without it, each top-level key of an object is a label',
    ),
    data: z
      .union([ZJsonObject, z.array(z.unknown()), z.string()])
      .describe('an object, an array of objects, or JSONL text'),
    options: ZWriteOptions.optional(),
  })
  .strict();
export type TImportJsonInput = z.output<typeof ZImportJsonInput>;

export const ZImportCsvInput = z
  .object({
    label: ZLabel,
    csv: z.string().min(1),
    options: ZWriteOptions.extend({
      delimiter: z.string().length(1).optional().describe('default ","'),
      header: z.boolean().optional().describe('first row holds the column names (default true)'),
      inferTypes: z
        .boolean()
        .optional()
        .describe('type cells as numbers, booleans and datetimes (default true); otherwise all strings'),
    })
      .strict()
      .optional(),
  })
  .strict();
export type TImportCsvInput = z.output<typeof ZImportCsvInput>;

export const ZUpdateRecordInput = z.object({ id: ZRecordId, data: ZJsonObject }).strict();

/** Delete-by-query: an empty filter deletes the whole project, so it needs `force`. */
export const ZDeleteRecordsInput = ZFilterQuery.extend({ force: z.boolean().optional() });
export type TDeleteRecordsInput = z.output<typeof ZDeleteRecordsInput>;

export const ZRecordOutput = z
  .object({
    __id: z.uuid(),
    __label: z.string(),
    __proptypes: z.record(z.string(), ZPropType),
    __createdAt: z.iso.datetime({ precision: 3 }).describe('when the record was created (ISO-8601, UTC, milliseconds)'),
    __updatedAt: z.iso
      .datetime({ precision: 3 })
      .describe('when its properties last changed; a write that leaves them as they were does not move it'),
  })
  .catchall(z.unknown())
  .describe('a record: its id, label, property types, system timestamps and properties');
export type TRecord = z.infer<typeof ZRecordOutput>;

export const ZImportResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  relationships: z.number().int(),
  records: z.array(ZRecordOutput).optional(),
});
export type TImportResult = z.infer<typeof ZImportResult>;

/** A boolean that may arrive as a query-string "true"/"false". */
export const ZBoolish = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** Rows one CSV export may hold. */
export const EXPORT_LIMIT = 100_000;
export const ZExportCsvInput = ZSearchQuery.omit({ select: true, groupBy: true, limit: true }).extend({
  limit: z.coerce
    .number<number | string>()
    .int()
    .min(1)
    .max(EXPORT_LIMIT)
    .optional()
    .describe(`rows, default and max ${EXPORT_LIMIT}`),
});
export type TExportCsvInput = z.output<typeof ZExportCsvInput>;
