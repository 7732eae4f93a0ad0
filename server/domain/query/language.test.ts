import { describe, expect, it } from 'vitest';
import { parseSelect, parseWhereWithAliases, ZSelectLanguage, ZWhereLanguage } from '.';

/**
 * The language schema (language.ts: types, OpenAPI, docs) and the parser that checks requests must
 * agree: everything the parser accepts, the schema accepts, and these malformed filters both refuse.
 */
const valid: unknown[] = [
  { user_id: 'alice' },
  { importance: { $gte: 3, $lt: 9 }, kind: { $in: ['decision', 'fact'] } },
  { output: { $contains: 'pricing' }, deletedAt: { $exists: false }, createdAt: { $gte: '2026-01-01T00:00:00Z' } },
  { createdAt: { $year: 2026, $month: { $gte: 3 } } },
  { $or: [{ status: 'approved' }, { $not: { status: 'draft' } }] },
  { $nor: [{ a: 1 }], $xor: { b: 2, c: null }, $and: [] },
  { $id: { $in: ['0190a000-0000-7000-8000-000000000001'] } },
  { $id: '0190a000-0000-7000-8000-000000000001' },
  {
    ACCOUNT: { $relation: { type: 'BELONGS_TO', direction: 'out', hops: { max: 3 } }, $alias: '$account', plan: 'pro' },
  },
  { ACCOUNT: { $relation: 'OWNS', REGION: { $relation: { hops: 2 }, name: { $startsWith: 'n' } } } },
  { CHILD: {} },
  { tags: { $type: 'string[]' }, n: { $nin: [1, 2] }, x: { $ne: null } },
  {
    __createdAt: { $gte: '2026-01-01', $lt: '2026-02-01T00:00:00.000Z' },
    __updatedAt: { $in: ['2026-01-05'], $year: 2026, $exists: true },
  },
  { __createdAt: '2026-01-01T10:00:00+02:00', createdAt: { $gt: 3 }, updatedAt: 'as written' },
  { ACCOUNT: { __updatedAt: { $month: { $gte: 3 } }, createdAt: { $type: 'datetime' } } },
];
const invalid: unknown[] = [
  { a: { $regex: 'x' } },
  { a: [1, 2] },
  { $where: 'x' },
  { A: { $relation: { direction: 'up' } } },
  { A: { $relation: { hops: 0 } } },
  { a: { $exists: 'yes' } },
  { a: { $type: 'object' } },
  { $id: 'not-a-uuid' },
  { __createdAt: 5 },
  { __createdAt: { $gt: 'yesterday' } },
  { __updatedAt: { $in: ['2026-01-01', null] } },
  { __createdAt: { $relation: 'X' } },
  { A: { __createdAt: null } },
];

describe('query language schema and parser agree', () => {
  it.each(valid.map((w) => [JSON.stringify(w), w]))('accepts %s', (_, where) => {
    expect(() => parseWhereWithAliases(where, ['where'], { maxHops: 5 })).not.toThrow();
    const r = ZWhereLanguage.safeParse(where);
    expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
  });

  it.each(invalid.map((w) => [JSON.stringify(w), w]))('refuses %s', (_, where) => {
    expect(() => parseWhereWithAliases(where, ['where'], { maxHops: 5 })).toThrow();
    expect(ZWhereLanguage.safeParse(where).success).toBe(false);
  });

  it('agrees on select expressions', () => {
    const { aliases } = parseWhereWithAliases({ ORDER: { $alias: '$o' } }, ['where'], { maxHops: 5 });
    const select = {
      day: { $timeBucket: { field: '$record.createdAt', unit: 'day' } },
      first: { $min: '$record.__createdAt' },
      recent: { $collect: { field: '$o.__updatedAt', orderBy: { __createdAt: 'desc' }, limit: 3 } },
      n: { $count: '*' },
      spent: { $sum: '$o.total' },
      per: { $divide: [{ $sum: '$o.total' }, { $count: '$o' }] },
      last: { $collect: { field: '$o', orderBy: { at: 'desc' }, limit: 3, where: { total: { $gt: 0 } } } },
    };
    expect(() => parseSelect({ select, groupBy: ['day'] }, aliases, 5)).not.toThrow();
    expect(ZSelectLanguage.safeParse(select).success).toBe(true);
    for (const bad of [
      { x: { $median: '$record.a' } },
      { x: 'record.a' },
      { x: { $timeBucket: { field: '$record.a', unit: 'decade' } } },
    ]) {
      expect(() => parseSelect({ select: bad }, aliases, 5)).toThrow();
      expect(ZSelectLanguage.safeParse(bad).success).toBe(false);
    }
  });
});

describe('reference docs', () => {
  it('docs/query-language.md is generated from the current schema', async () => {
    const fs = await import('node:fs');
    const { renderQueryReference } = await import('./reference-doc');
    expect(fs.readFileSync('docs/query-language.md', 'utf8'), 'run: npx tsx scripts/gen-query-docs.ts').toBe(
      renderQueryReference(),
    );
  });
});
