import { languageComponents } from './language';
import { QUERY_LIMITS } from './query.schema';
import { SELECT_LIMITS } from './select';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks generated JSON Schema of open shape
type Json = Record<string, any>;

/** docs/query-language.md, rendered from the language schema's descriptions (scripts/gen-query-docs.ts). */
export function renderQueryReference(): string {
  const c = languageComponents() as Json;
  const row = (name: string, s: Json) => `| \`${name}\` | ${String(s.description ?? '').replace(/\|/g, '\\|')} |`;
  const ops = Object.entries(c.FieldOperators.properties as Json).map(([k, v]) => row(k, v as Json));
  const rel = c.Relation.anyOf?.[1]?.properties as Json | undefined;
  const selectDescriptions: [string, string][] = [
    ['"$record.<property>"', 'the property of the record (a plain field: per record, or a group key)'],
    ['{ "$count": "*" | "$alias" }', 'how many records (or distinct related records of an alias)'],
    ['{ "$sum" | "$avg": "$record.p" | "$alias.p" }', 'over number-typed values'],
    ['{ "$min" | "$max": field }', 'numbers first, then datetimes, then strings'],
    ['{ "$collect": { field, unique?, orderBy?, limit?, where? } }', `a list of values or whole records ("$alias"), at most ${SELECT_LIMITS.maxCollect}`],
    ['{ "$timeBucket": { field, unit } }', 'the start of the hour/day/week/month/quarter/year (UTC) of a datetime'],
    ['{ "$add" | "$subtract" | "$multiply" | "$divide": [a, b, …] }', 'arithmetic over numbers, fields or aggregates (not mixed); division by zero is null'],
  ];
  return [
    '# The Engram query language',
    '',
    '<!-- Generated from server/domain/query/language.ts by `npx tsx scripts/gen-query-docs.ts`; do not edit by hand. -->',
    '',
    'One JSON `SearchQuery` drives `POST /api/v1/records/search`, `/records/delete`, `/records/export/csv`,',
    '`/labels/search` and `/properties/search`:',
    '',
    '```jsonc',
    '{ "labels": ["MEMORY"], "where": { … }, "select": { … }, "groupBy": ["…"], "orderBy": { "createdAt": "desc" }, "skip": 0, "limit": 100 }',
    '```',
    '',
    '## where',
    '',
    String(c.Where.description),
    '',
    '- `{ "prop": value }` is equality; an array property matches when any element equals.',
    '- `$and`, `$or`, `$nor` (none), `$xor` (exactly one) take a list of filters (or an object of conditions); `$not` takes a filter.',
    '- `$id` takes an id or `{ "$in": [ids] }` (also `$eq`, `$ne`, `$nin`).',
    '- A condition on a missing property, or on a property of another type, is false; so `$not` is the exact complement.',
    '',
    '### Operators on a property',
    '',
    '| operator | meaning |',
    '|---|---|',
    ...ops,
    '',
    '### Related records',
    '',
    String(c.RelatedBlock.description),
    'A key that is a label, whose value is an object that is not only operators, is such a block:',
    '',
    '```json',
    '{ "ACCOUNT": { "$relation": { "type": "BELONGS_TO", "direction": "out", "hops": { "max": 3 } }, "$alias": "$account", "plan": "pro" } }',
    '```',
    '',
    '| `$relation` field | meaning |',
    '|---|---|',
    ...Object.entries(rel ?? {}).map(([k, v]) => row(k, v as Json)),
    '',
    'A nested object written to Engram becomes a child record labeled by its key, so `{ "address": { "city": "Oslo" } }` asks for records with a linked `address` child whose city is Oslo.',
    '',
    '## select and groupBy',
    '',
    String(c.Select.description),
    '',
    '| expression | value |',
    '|---|---|',
    ...selectDescriptions.map(([k, v]) => `| \`${k}\` | ${v} |`),
    '',
    '- With no aggregate, each row is one record\'s fields (and its `__id`).',
    '- With aggregates and `groupBy` (a list of plain select keys), each row is a group; `total`, `orderBy`, `skip` and `limit` apply to the groups.',
    '- With aggregates and plain fields but no `groupBy`, each row is one record with aggregates over its related records (aliases).',
    '- With aggregates only, there is one row.',
    '- `orderBy` then names select keys.',
    '',
    '## Order and paging',
    '',
    '- `orderBy`: `"asc"`/`"desc"` (by id, which is creation order) or `{ "property": "asc" | "desc" }`: numbers, then datetimes, then booleans, then strings (byte order); missing and null last; ties by id.',
    `- \`limit\` 1..${QUERY_LIMITS.maxLimit} (default ${QUERY_LIMITS.defaultLimit}); \`skip\` up to ${QUERY_LIMITS.maxSkip}.`,
    '',
    '## Limits',
    '',
    `- at most ${QUERY_LIMITS.maxNodes} conditions, nested at most ${QUERY_LIMITS.maxDepth} levels, ${QUERY_LIMITS.maxIn} values per \`$in\`, ${QUERY_LIMITS.maxLabels} labels;`,
    `- hops at most \`ENGRAM_MAX_HOPS\` (default ${QUERY_LIMITS.maxHops});`,
    `- ${SELECT_LIMITS.maxKeys} select keys, ${SELECT_LIMITS.maxGroupBy} groupBy keys;`,
    '- every statement runs under `ENGRAM_STATEMENT_TIMEOUT_MS`.',
    '',
    'Anything past a limit is refused with 400 `LIMIT_EXCEEDED` before it runs; a malformed query with 400 `INVALID` naming the JSON path.',
    '',
  ].join('\n');
}
