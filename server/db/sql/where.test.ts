import { describe, expect, it } from 'vitest';
import { parseOrder, parseSelect, parseWhereWithAliases, whereFor } from '@/server/domain/query';
import { compileFilter, compileOrder, newScope } from './where';
import { compileSelect } from './select';

/** Golden tests: the exact SQL and bind parameters the compiler emits (kysely's habit). */
const P = '00000000-0000-7000-8000-000000000001';
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const filter = (where: unknown, labels = ['M']) => {
  const f = compileFilter(P, labels, whereFor({}, where));
  return { text: norm(f.text), values: f.values };
};

describe('where compiler (golden)', () => {
  it('equality is JSONB containment (GIN), matching a scalar or an array element', () => {
    expect(filter({ user_id: 'alice' })).toEqual({
      text: '(r.project_id = $1::uuid AND r.label = $2 AND (r.data @> $3::jsonb OR r.data @> $4::jsonb))',
      values: [P, 'M', '{"user_id":"alice"}', '{"user_id":["alice"]}'],
    });
  });

  it('range comparisons cast by the stored type, never erroring on other types', () => {
    const { text, values } = filter({ importance: { $gte: 3 } });
    expect(text).toBe(
      '(r.project_id = $1::uuid AND r.label = $2 AND (CASE WHEN r.types ->> $3 IN ($4) THEN (r.data ->> $5)::numeric >= $6::numeric ' +
        'WHEN r.types ->> $7 IN ($8) THEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(r.data -> $9) AS x(v) WHERE x.v::numeric >= $10::numeric) ELSE FALSE END))',
    );
    expect(values).toEqual([
      P,
      'M',
      'importance',
      'number',
      'importance',
      '3',
      'importance',
      'number[]',
      'importance',
      '3',
    ]);
  });

  it('a related block is an uncorrelated sub-select over edges that carry both labels, scoped to the project', () => {
    expect(filter({ ACCOUNT: { $relation: { type: 'BELONGS_TO', direction: 'out' }, plan: 'pro' } })).toEqual({
      text:
        '(r.project_id = $1::uuid AND r.label = $2 AND r.id IN (SELECT e.source_id FROM relationship e JOIN record t1 ON t1.project_id = e.project_id AND t1.id = e.target_id ' +
        'WHERE e.project_id = $3::uuid AND e.target_label = $4 AND e.type IN ($5) AND t1.label = $6 AND (t1.data @> $7::jsonb OR t1.data @> $8::jsonb)))',
      values: [P, 'M', P, 'ACCOUNT', 'BELONGS_TO', 'ACCOUNT', '{"plan":"pro"}', '{"plan":["pro"]}'],
    });
  });

  it('several hops walk back from the related records with a bounded recursive CTE', () => {
    const { text, values } = filter({ ACCOUNT: { $relation: { hops: { max: 2 } } } });
    expect(text).toBe(
      '(r.project_id = $1::uuid AND r.label = $2 AND r.id IN ( WITH RECURSIVE walk(id, depth) AS ( SELECT t1.id, 0 FROM record t1 WHERE t1.project_id = $3::uuid AND t1.label = $4 AND TRUE ' +
        'UNION SELECT e.a_id, w.depth + 1 FROM walk w JOIN (SELECT source_id AS a_id, target_id AS b_id, type FROM relationship WHERE project_id = $5::uuid ' +
        'UNION ALL SELECT target_id AS a_id, source_id AS b_id, type FROM relationship WHERE project_id = $6::uuid) e ON e.b_id = w.id WHERE w.depth < $7 ) SELECT id FROM walk WHERE depth >= $8))',
    );
    expect(values).toEqual([P, 'M', P, 'ACCOUNT', P, P, 2, 1]);
  });

  it('__createdAt is the system column, compared as an instant with a bound operand', () => {
    expect(
      filter({ __createdAt: { $gte: '2026-01-01', $in: ['2026-02-03T04:05:06.789Z'] }, __updatedAt: { $year: 2026 } }),
    ).toEqual({
      text: "(r.project_id = $1::uuid AND r.label = $2 AND ((r.created_at >= $3::timestamptz AND r.created_at IN ($4::timestamptz)) AND floor(EXTRACT(YEAR FROM r.updated_at AT TIME ZONE 'UTC')) = $5))",
      values: [P, 'M', '2026-01-01', '2026-02-03T04:05:06.789Z', 2026],
    });
  });

  it('createdAt: the property predicate for a record that has one, else the system column (names and values bound)', () => {
    expect(filter({ createdAt: '2026-01-01' })).toEqual({
      text: '(r.project_id = $1::uuid AND r.label = $2 AND (CASE WHEN r.types ? $3 THEN (r.data @> $4::jsonb OR r.data @> $5::jsonb) ELSE r.created_at = $6::timestamptz END))',
      values: [P, 'M', 'createdAt', '{"createdAt":"2026-01-01"}', '{"createdAt":["2026-01-01"]}', '2026-01-01'],
    });
    // An operand no timestamp can equal keeps the property's test and is false for the timestamp.
    expect(filter({ updatedAt: { $gt: 5 } }).text).toBe(
      '(r.project_id = $1::uuid AND r.label = $2 AND (CASE WHEN r.types ? $3 THEN (CASE WHEN r.types ->> $4 IN ($5) THEN (r.data ->> $6)::numeric > $7::numeric ' +
        'WHEN r.types ->> $8 IN ($9) THEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(r.data -> $10) AS x(v) WHERE x.v::numeric > $11::numeric) ELSE FALSE END) ELSE FALSE END))',
    );
    // Other properties keep their GIN-served equality, untouched.
    expect(filter({ created: '2026-01-01' }).text).toBe(
      '(r.project_id = $1::uuid AND r.label = $2 AND (r.data @> $3::jsonb OR r.data @> $4::jsonb))',
    );
  });

  it('orders by the system column, and by createdAt with the timestamp among the datetimes of a record without it', () => {
    const o = compileOrder(parseOrder({ createdAt: 'desc', __updatedAt: 'asc' }));
    expect(norm(o.text)).toBe(
      "CASE WHEN r.types ->> $1 = 'number' THEN (r.data ->> $2)::numeric END DESC NULLS LAST, " +
        "CASE WHEN r.types ->> $3 = 'datetime' THEN (r.data ->> $4)::timestamptz WHEN NOT (r.types ? $5) THEN r.created_at END DESC NULLS LAST, " +
        "CASE WHEN r.types ->> $6 = 'boolean' THEN (r.data ->> $7)::boolean END DESC NULLS LAST, CASE WHEN r.types ->> $8 = 'string' THEN (r.data ->> $9) END COLLATE \"C\" DESC NULLS LAST, " +
        'r.updated_at ASC, r.id ASC',
    );
    expect(o.values).toEqual(Array(9).fill('createdAt'));
  });

  it('logic: $not, $nor and $xor', () => {
    expect(filter({ $not: { a: 1 } }, []).text).toBe(
      '(r.project_id = $1::uuid AND (NOT (r.data @> $2::jsonb OR r.data @> $3::jsonb)))',
    );
    expect(filter({ $nor: [{ a: 1 }, { b: 2 }] }, []).text).toBe(
      '(r.project_id = $1::uuid AND (NOT ((r.data @> $2::jsonb OR r.data @> $3::jsonb) OR (r.data @> $4::jsonb OR r.data @> $5::jsonb))))',
    );
    expect(filter({ $xor: [{ a: 1 }, { b: 2 }] }, []).text).toBe(
      '(r.project_id = $1::uuid AND (((CASE WHEN (r.data @> $2::jsonb OR r.data @> $3::jsonb) THEN 1 ELSE 0 END) + (CASE WHEN (r.data @> $4::jsonb OR r.data @> $5::jsonb) THEN 1 ELSE 0 END)) = 1))',
    );
  });

  it('a groupBy with $count and $avg aggregates in one pass and pages the groups', () => {
    const { aliases } = parseWhereWithAliases(undefined, ['where'], { maxHops: 5 });
    const sel = parseSelect(
      {
        select: { kind: '$record.kind', n: { $count: '*' }, avg: { $avg: '$record.importance' } },
        groupBy: ['kind'],
        orderBy: { n: 'desc' },
      },
      aliases,
      5,
    );
    const { rows, total } = compileSelect(
      { projectId: P, filter: compileFilter(P, ['M'], undefined), ...sel, skip: 0, limit: 10 },
      newScope(P),
    );
    expect(norm(rows.text)).toBe(
      'WITH m AS (SELECT r.* FROM record r WHERE (r.project_id = $1::uuid AND r.label = $2)), ' +
        "g AS (SELECT r.data -> $3 AS k1, to_jsonb(count(*)) AS c1, to_jsonb(avg((CASE WHEN r.types ->> $4 = 'number' THEN (r.data ->> $5)::numeric END))) AS c2 FROM m r GROUP BY 1) " +
        'SELECT x.row FROM (SELECT jsonb_build_object($6::text, g.k1, $7::text, g.c1, $8::text, g.c2) AS row FROM g ) x ' +
        "ORDER BY CASE WHEN jsonb_typeof((x.row -> $9)) = 'number' THEN ((x.row -> $10))::text::numeric END DESC NULLS LAST, CASE WHEN jsonb_typeof((x.row -> $11)) = 'string' THEN (x.row -> $12) ->> 0 END COLLATE \"C\" DESC NULLS LAST, " +
        'CASE WHEN jsonb_typeof((x.row -> $13)) = \'boolean\' THEN ((x.row -> $14))::text::boolean END DESC NULLS LAST, x.row::text COLLATE "C" ASC LIMIT $15 OFFSET $16',
    );
    expect(rows.values).toEqual([
      P,
      'M',
      'kind',
      'importance',
      'importance',
      'kind',
      'n',
      'avg',
      'n',
      'n',
      'n',
      'n',
      'n',
      'n',
      10,
      0,
    ]);
    expect(norm(total.text)).toMatch(/SELECT count\(\*\)::int AS n FROM g$/);
  });
});

describe('compiler safety', () => {
  const hostile = ["x'); DROP TABLE record; --", 'a"b', 'x$1', 'back\\slash', "' OR 1=1 --"];

  it('never puts property names, labels, types or values into the SQL text', () => {
    for (const h of hostile) {
      const where = {
        [h]: { $gte: h, $contains: h, $in: [h] },
        $or: [{ [h]: h }, { $not: { [h]: { $exists: true } } }],
        [h + 'L']: { $relation: { type: h, direction: 'in', hops: 2 }, [h]: { $type: 'string' } },
      };
      const f = compileFilter(P, [h], whereFor({}, where));
      expect(f.text).not.toContain(h);
      expect(f.values).toContain(h);
    }
  });

  it('scopes every sub-select, however deep, to the project', () => {
    const f = compileFilter(
      P,
      undefined,
      whereFor({}, { $or: [{ A: { B: { $relation: { hops: 3 } } } }, { $not: { C: {} } }] }),
    );
    const subSelects = [...new Set(f.text.match(/record t\d+/g) ?? [])];
    expect(subSelects.length).toBe(3);
    const scopes = f.values.filter((v) => v === P).length;
    // Exactly: the root, each related sub-select over record, and each read of relationship in the
    // one-hop joins and the 3-hop walk (seed and both step directions). Dropping any one of them fails.
    expect(scopes).toBe(11);
    expect(f.text.match(/project_id = \$\d+::uuid/g)?.length).toBe(scopes);
  });

  it('refuses limits before compiling: depth, size, $in, hops', () => {
    let deep: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 13; i++) deep = { $not: deep };
    expect(() => whereFor({}, deep)).toThrow(/deeper than 12/);
    expect(() => whereFor({}, { $or: Array.from({ length: 501 }, (_, i) => ({ a: i })) })).toThrow(
      /more than 500 conditions/,
    );
    expect(() => whereFor({}, { a: { $in: Array.from({ length: 1001 }, (_, i) => i) } })).toThrow(
      /More than 1000 values/,
    );
    expect(() => whereFor({}, { A: { $relation: { hops: 6 } } })).toThrow(/At most 5 hops/);
    expect(() => whereFor({ maxHops: 2 }, { A: { $relation: { hops: 3 } } })).toThrow(/At most 2 hops/);
  });
});
