import { describe, expect, it } from 'vitest';
import { formatList, formatScalar, operandOf, operatorsFor, parseList, parseValue } from './filter';
import { curlCommand, sdkCall } from './query-export';
import {
  buildWhere,
  newCondition,
  newGroup,
  newRelated,
  nodeAtPath,
  treeFromWhere,
  type ConditionNode,
  type GroupNode,
  type QueryNode,
} from './query-model';

const cond = (prop: string, op: ConditionNode['op'], value: string): ConditionNode => ({
  ...newCondition(prop),
  op,
  value,
});
const group = (items: QueryNode[], op: 'and' | 'or' = 'and', not = false): GroupNode => ({
  ...newGroup(items, op),
  not,
});

describe('buildWhere', () => {
  it('writes AND groups as one object and OR groups as $or', () => {
    const tree = group([
      cond('age', 'gte', '30'),
      group([cond('city', 'contains', 'os'), cond('vip', 'eq', 'true')], 'or'),
    ]);
    const built = buildWhere(tree);
    expect(built.errors).toEqual([]);
    expect(built.where).toEqual({ age: { $gte: 30 }, $or: [{ city: { $contains: 'os' } }, { vip: true }] });
  });

  it('merges operators on one property and falls back to $and when keys collide', () => {
    expect(buildWhere(group([cond('age', 'gte', '30'), cond('age', 'lt', '50')])).where).toEqual({
      age: { $gte: 30, $lt: 50 },
    });
    expect(buildWhere(group([cond('age', 'eq', '30'), cond('age', 'exists', 'true')])).where).toEqual({
      age: { $eq: 30, $exists: true },
    });
    const two = group([
      group([cond('a', 'eq', '1'), cond('b', 'eq', '2')], 'or'),
      group([cond('c', 'eq', '3'), cond('d', 'eq', '4')], 'or'),
    ]);
    expect(buildWhere(two).where).toEqual({ $and: [{ $or: [{ a: 1 }, { b: 2 }] }, { $or: [{ c: 3 }, { d: 4 }] }] });
    expect(buildWhere(group([cond('a', 'eq', '1'), cond('a', 'eq', '2')])).where).toEqual({
      $and: [{ a: 1 }, { a: 2 }],
    });
  });

  it('negates groups with $not and $nor', () => {
    expect(buildWhere(group([cond('a', 'eq', '1'), cond('b', 'ne', 'x')], 'and', true)).where).toEqual({
      $not: { a: 1, b: { $ne: 'x' } },
    });
    expect(buildWhere(group([cond('a', 'eq', '1'), cond('b', 'eq', '2')], 'or', true)).where).toEqual({
      $nor: [{ a: 1 }, { b: 2 }],
    });
  });

  it('reads values by operator: lists, quoted text, dates, booleans, types', () => {
    const tree = group([
      cond('name', 'in', 'Ada, "42", 7'),
      cond('born', 'lt', '2000-01-01'),
      cond('n', 'eq', '"true"'),
      cond('x', 'exists', 'false'),
      cond('t', 'type', 'string[]'),
    ]);
    expect(buildWhere(tree).where).toEqual({
      name: { $in: ['Ada', '42', 7] },
      born: { $lt: '2000-01-01' },
      n: 'true',
      x: { $exists: false },
      t: { $type: 'string[]' },
    });
  });

  it('writes related labels with $relation only when it says something', () => {
    const r = { ...newRelated(), label: 'address', where: group([cond('city', 'eq', 'London')]) };
    expect(buildWhere(group([r])).where).toEqual({ address: { city: 'London' } });
    expect(buildWhere(group([{ ...r, type: 'HAS_ADDRESS' }])).where).toEqual({
      address: { $relation: 'HAS_ADDRESS', city: 'London' },
    });
    expect(buildWhere(group([{ ...r, direction: 'out', hops: 2 }])).where).toEqual({
      address: { $relation: { direction: 'out', hops: 2 }, city: 'London' },
    });
    expect(buildWhere(group([{ ...r, where: group([]) }])).where).toEqual({ address: {} });
  });

  it('skips blank rows and reports what cannot be sent', () => {
    expect(buildWhere(group([newCondition()])).where).toBeUndefined();
    const bad = cond('born', 'year', 'abc');
    const built = buildWhere(group([bad, cond('', 'eq', '3'), newRelated()]));
    expect(built.errors.map((e) => [e.field, e.message])).toEqual([
      ['value', '$year takes a whole number, such as 2024.'],
      ['prop', 'Choose a property.'],
      ['label', 'Choose the related label.'],
    ]);
    expect(built.where).toEqual({ born: { $year: 'abc' } });
  });

  it('checks compare values against the schema types', () => {
    const types = (p: string) => (p === 'born' ? ['datetime'] : p === 'age' ? ['number'] : undefined);
    expect(buildWhere(group([cond('born', 'gt', 'yesterday')]), types).errors[0]?.message).toMatch(/ISO date/);
    expect(buildWhere(group([cond('age', 'gt', 'old')]), types).errors[0]?.message).toBe('Enter a number.');
    expect(buildWhere(group([cond('name', 'gt', 'M')]), types).errors).toEqual([]);
  });

  it('finds the row a server error path points to', () => {
    const inner = cond('city', 'contains', 'os');
    const r = { ...newRelated(), label: 'address', hops: 2, where: group([inner]) };
    const tree = group([cond('age', 'gte', '30'), r]);
    const built = buildWhere(tree);
    expect(nodeAtPath(built, ['where', 'address', 'city', '$contains'])).toBe(inner.id);
    expect(nodeAtPath(built, ['where', 'address', '$relation', 'hops'])).toBe(r.id);
    expect(nodeAtPath(built, ['where', 'age', '$gte'])).toBe((tree.items[0] as ConditionNode).id);
  });
});

describe('treeFromWhere', () => {
  const roundTrip = (where: Record<string, unknown>) => buildWhere(treeFromWhere(where)).where;

  it.each([
    { age: { $gte: 30 }, $or: [{ city: { $contains: 'os' } }, { vip: true }] },
    { $or: [{ a: 1, b: 2 }, { c: { $in: ['x', 'y,z', 3] } }] },
    { $nor: [{ a: 1 }, { b: null }] },
    { $not: { a: 1, b: 2 } },
    {
      address: {
        $relation: { type: 'HAS', direction: 'in', hops: 3 },
        city: 'London',
        $or: [{ zip: 'W1' }, { zip: 'W2' }],
      },
    },
    { Person: { employer: { name: { $startsWith: 'A' } } } },
    { address: {} },
    { $id: { $in: ['0190a4f2-0000-7000-8000-000000000000'] } },
    { born: { $year: 1815, $month: 12 }, n: '42', s: 'true', e: '' },
    { $xor: [{ a: 1 }, { b: 2 }] },
    { address: { $relation: { hops: { min: 1, max: 4 } } } },
    { x: { $year: { $gte: 2000 } } },
  ])('keeps %j', (where) => {
    expect(roundTrip(where)).toEqual(where);
  });

  it('reads $not of an $or as a NOT OR group', () => {
    const tree = treeFromWhere({ $not: { $or: [{ a: 1 }, { b: 2 }] } });
    expect([tree.op, tree.not]).toEqual(['or', true]);
    expect(buildWhere(tree).where).toEqual({ $nor: [{ a: 1 }, { b: 2 }] });
  });

  it('keeps the AND/OR structure of a group', () => {
    const tree = treeFromWhere({ $or: [{ a: 1 }, { b: 2, c: 3 }] });
    expect(tree.op).toBe('or');
    expect(tree.items.map((n) => n.kind)).toEqual(['cond', 'group']);
  });

  it('turns what it has no row for into JSON rows', () => {
    const tree = treeFromWhere({ $xor: [{ a: 1 }], p: { $alias: '$p' }, q: [1, 2] });
    expect(tree.items.map((n) => n.kind)).toEqual(['raw', 'raw', 'raw']);
  });

  it('numbers nodes the same way every time (server and browser render agree)', () => {
    expect(treeFromWhere({ a: 1, b: { c: 2 } })).toEqual(treeFromWhere({ a: 1, b: { c: 2 } }));
  });
});

describe('values', () => {
  it.each(['Ada', 42, -1.5, true, false, null, '42', 'true', 'null', '', ' padded ', 'say "hi"'])(
    'formatScalar reads back %j',
    (v) => {
      expect(parseValue(formatScalar(v))).toEqual(v);
    },
  );

  it('formatList reads back', () => {
    const values = ['a,b', 'plain', 3, '3', 'quote"d', null];
    expect(parseList(formatList(values))).toEqual(values);
  });

  it('offers operators by type', () => {
    const ids = (types: string[] | undefined) => operatorsFor('p', types).map((o) => o.id);
    expect(ids(['boolean'])).toEqual(['eq', 'ne', 'in', 'nin', 'exists', 'type']);
    expect(ids(['number'])).not.toContain('contains');
    expect(ids(['datetime'])).toContain('year');
    expect(ids(['string[]'])).toEqual(['eq', 'ne', 'in', 'nin', 'exists', 'type']);
    expect(ids(undefined)).toHaveLength(19);
    expect(operatorsFor('$id', undefined).map((o) => o.id)).toEqual(['eq', 'ne', 'in', 'nin']);
  });

  it('says how a value is read', () => {
    expect(operandOf('eq', '41')).toEqual({ ok: true, value: 41, note: 'number' });
    expect(operandOf('eq', '"41"')).toEqual({ ok: true, value: '41', note: 'text' });
    expect(operandOf('gte', '2024-02-30')).toMatchObject({ ok: true, note: 'text' });
    expect(operandOf('gte', '2024-02-29')).toMatchObject({ ok: true, note: 'datetime' });
    expect(operandOf('in', ' ')).toMatchObject({ ok: false });
  });
});

describe('export', () => {
  const query = {
    labels: ['Person'],
    where: { name: "O'Brien", 'odd key': { $in: [1, 2] } },
    orderBy: 'desc' as const,
    skip: 0,
    limit: 50,
  };

  it('curl reads the key from the environment and quotes the body for the shell', () => {
    const cmd = curlCommand('http://127.0.0.1:3000', 'demo', query);
    expect(cmd).toContain('curl -s http://127.0.0.1:3000/api/v1/records/search');
    expect(cmd).toContain('-H "authorization: Bearer $ENGRAM_KEY"');
    expect(cmd).toContain("-H 'x-project-id: demo'");
    expect(cmd).toContain(`-d '${JSON.stringify(query).replace(/'/g, `'\\''`)}'`);
  });

  it('the SDK call is a JavaScript literal', () => {
    const call = sdkCall(query);
    expect(call.startsWith('await db.records.find({')).toBe(true);
    expect(call).toContain("name: 'O\\'Brien',");
    expect(call).toContain("'odd key': {\n      $in: [1, 2],");
    // It evaluates to the same query.
    const literal = call.slice('await db.records.find('.length, -2);
    expect(new Function(`return (${literal});`)()).toEqual(query);
  });
});
