import { z } from 'zod';
import { isDatetimeString } from '../datetime';
import { SYSTEM_FIELDS } from './fields';
import { QUERY_LIMITS } from './query.schema';

/**
 * The query language as one zod schema: the TypeScript types, the OpenAPI document (components
 * `Where` and `Select`) and docs/query-language.md are generated from it. Requests are checked by
 * parse.ts and select.ts, which give precise JSON paths; a test holds the two in agreement.
 */
const TYPES = [
  'string',
  'number',
  'boolean',
  'datetime',
  'null',
  'string[]',
  'number[]',
  'boolean[]',
  'datetime[]',
  'array',
  'vector',
] as const;

export const ZScalar = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .describe('a string, number, boolean or null');
const ZComparable = z
  .union([z.number(), z.string(), z.boolean()])
  .describe('a number, a datetime string (compares as time), another string (byte order) or a boolean');
const ZPartCompare = z.union([
  z.number().int(),
  z
    .object({
      $eq: z.number().int(),
      $ne: z.number().int(),
      $gt: z.number().int(),
      $gte: z.number().int(),
      $lt: z.number().int(),
      $lte: z.number().int(),
    })
    .partial()
    .strict(),
]);
const ZList = z.array(ZScalar).max(QUERY_LIMITS.maxIn);

export const ZFieldOperators = z
  .object({
    $eq: ZScalar.describe('equals (an array property matches when any element equals)'),
    $ne: ZScalar.describe('does not equal (also true when the property is missing)'),
    $gt: ZComparable.describe('greater than, compared by the operand type'),
    $gte: ZComparable.describe('greater than or equal'),
    $lt: ZComparable.describe('less than'),
    $lte: ZComparable.describe('less than or equal'),
    $in: ZList.describe(`equals one of the values (at most ${QUERY_LIMITS.maxIn})`),
    $nin: ZList.describe('equals none of the values'),
    $contains: z.string().describe('contains the text, case-insensitive'),
    $startsWith: z.string().describe('starts with the text, case-insensitive'),
    $endsWith: z.string().describe('ends with the text, case-insensitive'),
    $exists: z.boolean().describe('the property is present (even if null) / absent'),
    $type: z.enum(TYPES).describe('the stored type is exactly this'),
    $year: ZPartCompare.describe('year of a datetime (UTC), or a comparison object'),
    $month: ZPartCompare.describe('month 1-12 (UTC)'),
    $day: ZPartCompare.describe('day of the month (UTC)'),
    $hour: ZPartCompare.describe('hour 0-23 (UTC)'),
    $minute: ZPartCompare.describe('minute 0-59'),
    $second: ZPartCompare.describe('second 0-59'),
  })
  .partial()
  .strict()
  .describe('operators on one property; several are ANDed');

const ZDatetime = z.string().refine(isDatetimeString, 'an ISO-8601 datetime').describe('an ISO-8601 datetime or date');
const ZDatetimeList = z.array(ZDatetime).max(QUERY_LIMITS.maxIn);
/** `__createdAt` / `__updatedAt`: the operators of a datetime property, with datetime operands. */
const ZTimestampCondition = z.union([
  ZDatetime,
  ZFieldOperators.extend({
    $eq: ZDatetime,
    $ne: ZDatetime,
    $gt: ZDatetime,
    $gte: ZDatetime,
    $lt: ZDatetime,
    $lte: ZDatetime,
    $in: ZDatetimeList,
    $nin: ZDatetimeList,
  })
    .partial()
    .strict(),
]);

export const ZRelation = z
  .union([
    z.string().min(1).describe('a relationship type'),
    z
      .object({
        type: z
          .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
          .describe('relationship type(s) every hop must have'),
        direction: z
          .enum(['out', 'in'])
          .describe('out: this record -> related; in: related -> this record; omit for both'),
        hops: z
          .union([
            z.number().int().min(1).max(QUERY_LIMITS.maxHops).describe('exactly this many hops'),
            z
              .object({ min: z.number().int().min(1), max: z.number().int().min(1).max(QUERY_LIMITS.maxHops) })
              .partial()
              .strict(),
          ])
          .describe(`path length, default 1; at most ENGRAM_MAX_HOPS (default ${QUERY_LIMITS.maxHops})`),
      })
      .partial()
      .strict(),
  ])
  .describe('how the related records are reached');

type WhereShape = { [key: string]: unknown };
const LOGIC_KEYS = ['$and', '$or', '$nor', '$xor', '$not', '$id'] as const;
const ZName = z.string().regex(/^[^$]/).describe('a property name or a label');
const ZIdCondition = z
  .union([
    z.uuid(),
    z
      .object({ $eq: z.uuid(), $ne: z.uuid(), $in: z.array(z.uuid()), $nin: z.array(z.uuid()) })
      .partial()
      .strict(),
  ])
  .describe('$id');
const ZAlias = z
  .string()
  .regex(/^\$[A-Za-z_][A-Za-z0-9_]{0,63}$/)
  .describe('$alias: a name like "$account" for select');

/** The value under a key of a filter: what it may be depends on the key, checked by refine below. */
const conditionValue = (): z.ZodType =>
  z.union([
    ZScalar,
    ZFieldOperators,
    z.array(ZWhere).describe('$and, $or, $nor, $xor: a list of filters'),
    ZWhere.describe('$not, or $and/$or/… as an object'),
    z.lazy(() => ZRelatedBlock),
    ZRelation,
    ZIdCondition,
  ]);

function checkKeys(where: Record<string, unknown>, ctx: z.RefinementCtx, related: boolean) {
  for (const [key, value] of Object.entries(where)) {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
    if (key === '$relation') {
      if (!related || !ZRelation.safeParse(value).success)
        fail('$relation belongs in a related block: a type or { type, direction, hops }');
    } else if (key === '$alias') {
      if (!related || !ZAlias.safeParse(value).success) fail('$alias belongs in a related block: "$name"');
    } else if (key === '$id') {
      if (!ZIdCondition.safeParse(value).success) fail('$id takes a uuid or { $eq, $ne, $in, $nin }');
    } else if (key === '$not') {
      if (!ZWhere.safeParse(value).success) fail('$not takes a filter');
    } else if (key.startsWith('$')) {
      if (!(z.array(ZWhere).safeParse(value).success || ZWhere.safeParse(value).success))
        fail(`${key} takes a list of filters`);
    } else if (Object.hasOwn(SYSTEM_FIELDS, key)) {
      if (!ZTimestampCondition.safeParse(value).success)
        fail(`${key} is a system timestamp: a datetime, or operators with datetime operands`);
    } else if (!(
      ZScalar.safeParse(value).success ||
      ZFieldOperators.safeParse(value).success ||
      ZRelatedBlock.safeParse(value).success
    )) {
      fail('a property condition (a value or operators) or a related block');
    }
  }
}

export const ZWhere: z.ZodType<WhereShape> = z
  .lazy(() =>
    z
      .record(
        z.union([z.enum(LOGIC_KEYS), ZName]).describe('a property name, a label, or $and $or $nor $xor $not $id'),
        conditionValue(),
      )
      .superRefine((w, ctx) => checkKeys(w, ctx, false)),
  )
  .describe(
    "A filter. Keys are property names (a value for equality, or operators), $and/$or/$nor/$xor (lists), $not, $id, __createdAt/__updatedAt (the system timestamps), or a label opening a block about related records ($relation, $alias and that record's own conditions).",
  );

export const ZRelatedBlock: z.ZodType<WhereShape> = z
  .lazy(() =>
    z
      .record(z.union([z.enum([...LOGIC_KEYS, '$relation', '$alias']), ZName]), z.union([conditionValue(), ZAlias]))
      .superRefine((w, ctx) => checkKeys(w, ctx, true)),
  )
  .describe(
    'records linked to one with this label that meets these conditions ($relation: how; $alias: a name for select)',
  );

const ZField = z
  .string()
  .regex(/^\$[A-Za-z_][A-Za-z0-9_]*(\..+)?$/)
  .describe(
    '"$record.<property>", "$<alias>.<property>" (also .__createdAt / .__updatedAt), or "$record"/"$<alias>" for whole records',
  );
type SelectExprShape = unknown;
export const ZSelectExpr: z.ZodType<SelectExprShape> = z.lazy(() =>
  z.union([
    ZField,
    z
      .object({ $count: z.union([z.literal('*'), ZField]) })
      .strict()
      .describe('records (or related records of an alias)'),
    z.object({ $sum: ZField }).strict(),
    z.object({ $avg: ZField }).strict(),
    z.object({ $min: ZField }).strict().describe('numbers, then datetimes, then strings'),
    z.object({ $max: ZField }).strict(),
    z
      .object({
        $collect: z.union([
          ZField,
          z
            .object({
              field: ZField,
              unique: z.boolean(),
              orderBy: z.record(z.string(), z.enum(['asc', 'desc'])),
              limit: z.number().int().min(1).max(1000),
              where: ZWhere,
            })
            .partial()
            .strict(),
        ]),
      })
      .strict()
      .describe('a list of values or records'),
    z
      .object({
        $timeBucket: z
          .object({ field: ZField, unit: z.enum(['hour', 'day', 'week', 'month', 'quarter', 'year']) })
          .strict(),
      })
      .strict(),
    z
      .object({
        $add: z
          .array(z.union([z.number(), ZSelectExpr]))
          .min(2)
          .max(10),
      })
      .strict(),
    z
      .object({
        $subtract: z
          .array(z.union([z.number(), ZSelectExpr]))
          .min(2)
          .max(10),
      })
      .strict(),
    z
      .object({
        $multiply: z
          .array(z.union([z.number(), ZSelectExpr]))
          .min(2)
          .max(10),
      })
      .strict(),
    z
      .object({
        $divide: z
          .array(z.union([z.number(), ZSelectExpr]))
          .min(2)
          .max(10),
      })
      .strict()
      .describe('division by zero gives null'),
  ]),
);
export const ZSelect = z
  .record(z.string(), ZSelectExpr)
  .describe('named expressions; with aggregates, rows are per group (groupBy) or per record');

/** The language's named parts, as OpenAPI components (`#/components/schemas/<id>`). */
export const languageRegistry = z.registry<{ id: string }>();
languageRegistry.add(ZWhere, { id: 'Where' });
languageRegistry.add(ZRelatedBlock, { id: 'RelatedBlock' });
languageRegistry.add(ZFieldOperators, { id: 'FieldOperators' });
languageRegistry.add(ZRelation, { id: 'Relation' });
languageRegistry.add(ZSelectExpr, { id: 'SelectExpression' });
languageRegistry.add(ZSelect, { id: 'Select' });

/** Marks the runtime `where`/`select` inputs so the OpenAPI generator shows the language's schema. */
export const LANGUAGE_REF = 'x-engram-language';

/** The language's JSON Schemas, flattened into OpenAPI components (shared definitions included). */
export function languageComponents(): Record<string, unknown> {
  const out = z.toJSONSchema(languageRegistry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  }) as { schemas: Record<string, Record<string, unknown>> };
  const text = JSON.stringify(out.schemas).replace(
    /#\/components\/schemas\/__shared#\/\$defs\/(\w+)/g,
    '#/components/schemas/Shared_$1',
  );
  const schemas = JSON.parse(text) as Record<string, Record<string, unknown>>;
  const components: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    if (id === '__shared') {
      for (const [defId, def] of Object.entries((schema.$defs ?? {}) as Record<string, unknown>))
        components[`Shared_${defId}`] = def;
      continue;
    }
    delete schema.$schema;
    delete schema.$id;
    components[id] = schema;
  }
  return components;
}
