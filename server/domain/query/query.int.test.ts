import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

/** Every operator, traversal up to 3 hops both ways, and every aggregation with and without groupBy. */
let engram: Engram;
let api: ReturnType<typeof httpClient>;
let project: string;
const ids: Record<string, string> = {};
const createdAt: Record<string, string> = {};

const search = async (q: Record<string, unknown>) => {
  const res = await api.rest('POST', '/records/search', { project, body: q });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { data: Record<string, any>[]; total: number };
};
const names = async (q: Record<string, unknown>) =>
  (await search({ labels: ['P'], orderBy: { name: 'asc' }, ...q })).data.map((r) => r.name);

beforeAll(async () => {
  engram = await startTestEngram();
  api = httpClient(engram);
  project = uniqueName('query');
  await api.rest('POST', '/projects', { body: { name: project } });
  const people = [
    {
      name: 'ann',
      age: 31,
      score: 7.5,
      vip: true,
      city: 'Oslo',
      joined: '2025-03-15T10:20:30Z',
      tags: ['a', 'b'],
      nums: [1, 5],
      note: '100% sure_thing',
    },
    {
      name: 'bob',
      age: 45,
      score: 3,
      vip: false,
      city: 'oslo',
      joined: '2026-01-02',
      tags: ['b'],
      nums: [7],
      nick: null,
    },
    { name: 'cy', age: 22, vip: false, city: 'Bergen', joined: '2026-07-09T23:59:59+02:00', tags: [] },
    { name: 'dee', age: '45', city: 'Trondheim', joined: 'not a date' },
  ];
  const res = await api.rest('POST', '/records/import/json', {
    project,
    body: { label: 'P', data: people, options: { returnResult: true } },
  });
  for (const r of res.body.data.records) [ids[r.name], createdAt[r.name]] = [r.__id, r.__createdAt];
  const companies = await api.rest('POST', '/records/import/json', {
    project,
    body: {
      label: 'CO',
      data: [
        { name: 'acme', plan: 'pro' },
        { name: 'initech', plan: 'free' },
      ],
      options: { returnResult: true },
    },
  });
  for (const r of companies.body.data.records) ids[r.name] = r.__id;
  const regions = await api.rest('POST', '/records/import/json', {
    project,
    body: { label: 'REGION', data: [{ name: 'north' }], options: { returnResult: true } },
  });
  ids.north = regions.body.data.records[0].__id;
  const link = (from: string, to: string, type: string) =>
    api.rest('POST', `/relationships/${ids[from]}`, { project, body: { targetIds: [ids[to]], type } });
  // ann -> acme -> north ; bob -> initech ; ann -KNOWS-> bob -KNOWS-> cy
  await link('ann', 'acme', 'WORKS_AT');
  await link('bob', 'initech', 'WORKS_AT');
  await link('acme', 'north', 'IN');
  await link('ann', 'bob', 'KNOWS');
  await link('bob', 'cy', 'KNOWS');
  for (const [label, data] of [
    ['ORDER', { who: 'ann', total: 10, at: '2026-01-05T08:00:00Z' }],
    ['ORDER', { who: 'ann', total: 20, at: '2026-01-20T08:00:00Z' }],
    ['ORDER', { who: 'bob', total: 5, at: '2026-02-01T08:00:00Z' }],
  ] as const) {
    const o = await api.rest('POST', '/records', { project, body: { label, data } });
    await api.rest('POST', `/relationships/${ids[data.who]}`, {
      project,
      body: { targetIds: [o.body.data.__id], type: 'PLACED' },
    });
  }
});
afterAll(() => engram?.close());

describe(`comparison operators (${backendName})`, () => {
  it('$eq $ne $in $nin, with array elements and null', async () => {
    expect(await names({ where: { age: { $eq: 45 } } })).toEqual(['bob']);
    expect(await names({ where: { age: { $ne: 45 } } })).toEqual(['ann', 'cy', 'dee']);
    expect(await names({ where: { tags: 'b' } })).toEqual(['ann', 'bob']);
    expect(await names({ where: { nums: { $in: [5, 7] } } })).toEqual(['ann', 'bob']);
    expect(await names({ where: { city: { $nin: ['Oslo', 'Bergen'] } } })).toEqual(['bob', 'dee']);
    expect(await names({ where: { nick: null } })).toEqual(['bob']);
    expect(await names({ where: { nick: { $ne: null } } })).toEqual(['ann', 'cy', 'dee']);
    expect(await names({ where: { score: 7.5 } })).toEqual(['ann']);
  });

  it('$gt $gte $lt $lte by the operand type: numbers, strings, datetimes, booleans', async () => {
    expect(await names({ where: { age: { $gt: 30 } } })).toEqual(['ann', 'bob']); // dee's "45" is a string
    expect(await names({ where: { age: { $gte: 22, $lt: 45 } } })).toEqual(['ann', 'cy']);
    expect(await names({ where: { nums: { $gte: 6 } } })).toEqual(['bob']);
    expect(await names({ where: { name: { $lt: 'bz' } } })).toEqual(['ann', 'bob']);
    expect(await names({ where: { joined: { $gte: '2026-01-01' } } })).toEqual(['bob', 'cy']);
    expect(await names({ where: { joined: { $lt: '2026-07-09T21:59:59Z' } } })).toEqual(['ann', 'bob']); // cy is 21:59:59Z
    expect(await names({ where: { joined: { $lte: '2026-07-09T21:59:59Z' } } })).toEqual(['ann', 'bob', 'cy']);
    expect(await names({ where: { vip: { $gt: false } } })).toEqual(['ann']);
  });

  it('$contains $startsWith $endsWith are case-insensitive and take wildcards literally', async () => {
    expect(await names({ where: { city: { $contains: 'SL' } } })).toEqual(['ann', 'bob']);
    expect(await names({ where: { city: { $startsWith: 'tr' } } })).toEqual(['dee']);
    expect(await names({ where: { city: { $endsWith: 'GEN' } } })).toEqual(['cy']);
    expect(await names({ where: { note: { $contains: '0% s' } } })).toEqual(['ann']);
    expect(await names({ where: { note: { $contains: '_t' } } })).toEqual(['ann']);
    expect(await names({ where: { city: { $contains: '%' } } })).toEqual([]);
    expect(await names({ where: { tags: { $startsWith: 'A' } } })).toEqual(['ann']);
  });

  it('$exists and $type', async () => {
    expect(await names({ where: { nick: { $exists: true } } })).toEqual(['bob']);
    expect(await names({ where: { score: { $exists: false } } })).toEqual(['cy', 'dee']);
    expect(await names({ where: { age: { $type: 'string' } } })).toEqual(['dee']);
    expect(await names({ where: { joined: { $type: 'datetime' } } })).toEqual(['ann', 'bob', 'cy']);
    expect(await names({ where: { tags: { $type: 'array' } } })).toEqual(['cy']);
  });

  it('datetime components in UTC: $year $month $day $hour $minute $second', async () => {
    expect(await names({ where: { joined: { $year: 2026 } } })).toEqual(['bob', 'cy']);
    expect(await names({ where: { joined: { $month: 3, $day: 15 } } })).toEqual(['ann']);
    expect(await names({ where: { joined: { $hour: 21 } } })).toEqual(['cy']); // 23:59:59+02:00
    expect(await names({ where: { joined: { $minute: 20, $second: 30 } } })).toEqual(['ann']);
    expect(await names({ where: { joined: { $year: { $gte: 2025, $lt: 2026 } } } })).toEqual(['ann']);
  });

  it('rejects unknown operators and bad operands with the path', async () => {
    for (const [where, path] of [
      [{ age: { $regex: 'x' } }, ['where', 'age', '$regex']],
      [{ age: { $gt: [1] } }, ['where', 'age', '$gt']],
      [{ joined: { $year: 'x' } }, ['where', 'joined', '$year']],
      [{ $foo: 1 }, ['where', '$foo']],
      [{ CO: { $relation: { direction: 'up' } } }, ['where', 'CO', '$relation', 'direction']],
    ] as const) {
      const res = await api.rest('POST', '/records/search', { project, body: { where } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.path).toEqual(path);
    }
    const hops = await api.rest('POST', '/records/search', {
      project,
      body: { where: { CO: { $relation: { hops: 9 } } } },
    });
    expect(hops.status).toBe(400);
    expect(hops.body.error.code).toBe('LIMIT_EXCEEDED');
  });
});

describe(`logic (${backendName})`, () => {
  it('$and $or $not $nor $xor at any depth, and $id', async () => {
    expect(await names({ where: { $and: [{ vip: false }, { $or: [{ age: 22 }, { city: 'oslo' }] }] } })).toEqual([
      'bob',
      'cy',
    ]);
    expect(await names({ where: { $not: { $or: [{ vip: true }, { age: { $type: 'string' } }] } } })).toEqual([
      'bob',
      'cy',
    ]);
    expect(await names({ where: { $nor: [{ vip: true }, { vip: false }] } })).toEqual(['dee']);
    expect(await names({ where: { $xor: [{ vip: false }, { tags: 'b' }] } })).toEqual(['ann', 'cy']);
    expect(await names({ where: { $id: { $in: [ids.ann, ids.cy] } } })).toEqual(['ann', 'cy']);
    expect(await names({ where: { $id: { $nin: [ids.ann, ids.cy] } } })).toEqual(['bob', 'dee']);
    expect(await names({ where: { $or: { vip: true, age: 22 } } })).toEqual(['ann', 'cy']);
  });
});

describe(`related records (${backendName})`, () => {
  it('one hop out, in and either way, with type and nested conditions', async () => {
    expect(await names({ where: { CO: { plan: 'pro' } } })).toEqual(['ann']);
    expect(await names({ where: { CO: { $relation: { type: 'WORKS_AT', direction: 'out' } } } })).toEqual([
      'ann',
      'bob',
    ]);
    expect(await names({ where: { CO: { $relation: { direction: 'in' } } } })).toEqual([]);
    expect(
      (await search({ labels: ['CO'], where: { P: { $relation: { direction: 'in' }, age: { $gt: 40 } } } })).data.map(
        (r) => r.name,
      ),
    ).toEqual(['initech']);
    expect(await names({ where: { P: { $relation: 'KNOWS', name: 'bob' } } })).toEqual(['ann', 'cy']);
    expect(await names({ where: { P: { $relation: { type: 'KNOWS', direction: 'out' }, name: 'bob' } } })).toEqual([
      'ann',
    ]);
  });

  it('two and three hops, both directions, nested blocks', async () => {
    expect(await names({ where: { REGION: { $relation: { direction: 'out', hops: 2 }, name: 'north' } } })).toEqual([
      'ann',
    ]);
    expect(await names({ where: { REGION: { $relation: { direction: 'in', hops: 2 } } } })).toEqual([]);
    expect(
      (await search({ labels: ['REGION'], where: { P: { $relation: { direction: 'in', hops: 2 } } } })).data.map(
        (r) => r.name,
      ),
    ).toEqual(['north']);
    // Exactly three hops, either direction: cy - bob - ann - acme, and ann - bob - ann - acme (walks may revisit).
    expect(await names({ where: { CO: { $relation: { hops: 3 }, plan: 'pro' } } })).toEqual(['ann', 'cy']);
    expect(await names({ where: { CO: { $relation: { hops: { max: 3 } }, plan: 'pro' } } })).toEqual([
      'ann',
      'bob',
      'cy',
    ]);
    expect(await names({ where: { CO: { $relation: { hops: { min: 2, max: 3 }, direction: 'in' } } } })).toEqual([]);
    expect(await names({ where: { P: { $relation: { type: 'KNOWS', direction: 'out', hops: 2 } } } })).toEqual(['ann']);
    expect(
      await names({ where: { CO: { $relation: 'WORKS_AT', REGION: { $relation: 'IN', name: 'north' } } } }),
    ).toEqual(['ann']);
  });

  it('a related block cannot reach records of another project', async () => {
    const other = uniqueName('other');
    await api.rest('POST', '/projects', { body: { name: other } });
    await api.rest('POST', '/records/import/json', {
      project: other,
      body: { label: 'CO', data: [{ plan: 'pro' }, { plan: 'free' }] },
    });
    expect((await api.rest('POST', '/records/search', { project: other, body: { where: { P: {} } } })).body.total).toBe(
      0,
    );
    expect(await names({ where: { $not: { CO: {} } } })).toEqual(['cy', 'dee']);
  });
});

describe(`aggregation (${backendName})`, () => {
  it('$count $sum $avg $min $max over all matched records (no groupBy: one row)', async () => {
    const res = await search({
      labels: ['ORDER'],
      select: {
        n: { $count: '*' },
        sum: { $sum: '$record.total' },
        avg: { $avg: '$record.total' },
        min: { $min: '$record.total' },
        max: { $max: '$record.at' },
      },
    });
    expect(res.total).toBe(1);
    expect(res.data).toEqual([{ n: 3, sum: 35, avg: 35 / 3, min: 5, max: '2026-02-01T08:00:00.000Z' }]);
  });

  it('groupBy with totals, ordering and paging after aggregation', async () => {
    const q = {
      labels: ['P'],
      select: { vip: '$record.vip', n: { $count: '*' }, avgAge: { $avg: '$record.age' } },
      groupBy: ['vip'],
      orderBy: { n: 'desc' },
    };
    const all = await search(q);
    expect(all.total).toBe(3); // true, false, missing
    expect(all.data[0]).toEqual({ vip: false, n: 2, avgAge: 33.5 });
    const page = await search({ ...q, skip: 1, limit: 1 });
    expect(page.total).toBe(3);
    expect(page.data).toHaveLength(1);
    expect(page.data[0]!.n).toBe(1);
  });

  it('$timeBucket by day, week, month, quarter and year, with arithmetic over aggregates', async () => {
    const byMonth = await search({
      labels: ['ORDER'],
      select: {
        month: { $timeBucket: { field: '$record.at', unit: 'month' } },
        n: { $count: '*' },
        perOrder: { $divide: [{ $sum: '$record.total' }, { $count: '*' }] },
      },
      groupBy: ['month'],
      orderBy: { month: 'asc' },
    });
    expect(byMonth.data).toEqual([
      { month: '2026-01-01T00:00:00.000Z', n: 2, perOrder: 15 },
      { month: '2026-02-01T00:00:00.000Z', n: 1, perOrder: 5 },
    ]);
    for (const [unit, first] of [
      ['day', '2026-01-05T00:00:00.000Z'],
      ['week', '2026-01-05T00:00:00.000Z'],
      ['quarter', '2026-01-01T00:00:00.000Z'],
      ['year', '2026-01-01T00:00:00.000Z'],
      ['hour', '2026-01-05T08:00:00.000Z'],
    ] as const) {
      const res = await search({
        labels: ['ORDER'],
        select: { b: { $timeBucket: { field: '$record.at', unit } }, n: { $count: '*' } },
        groupBy: ['b'],
        orderBy: { b: 'asc' },
      });
      expect(res.data[0]!.b, unit).toBe(first);
    }
  });

  it('aggregates over related records per record and per group, and $collect', async () => {
    const per = await search({
      labels: ['P'],
      where: { ORDER: { $alias: '$order', $relation: { type: 'PLACED', direction: 'out' } } },
      select: {
        name: '$record.name',
        orders: { $count: '$order' },
        spent: { $sum: '$order.total' },
        totals: { $collect: { field: '$order.total', orderBy: { total: 'desc' } } },
        last: { $collect: { field: '$order', orderBy: { at: 'desc' }, limit: 1 } },
      },
      orderBy: { spent: 'desc' },
    });
    expect(per.total).toBe(2);
    expect(per.data.map(({ __id, last: _last, ...rest }) => rest)).toEqual([
      { name: 'ann', orders: 2, spent: 30, totals: [20, 10] },
      { name: 'bob', orders: 1, spent: 5, totals: [5] },
    ]);
    expect(per.data[0]!.__id).toBe(ids.ann);
    expect(per.data[0]!.last).toEqual([
      expect.objectContaining({
        __label: 'ORDER',
        total: 20,
        __proptypes: expect.objectContaining({ total: 'number' }),
      }),
    ]);

    const grouped = await search({
      labels: ['P'],
      where: { ORDER: { $alias: '$o' } },
      select: {
        vip: '$record.vip',
        people: { $count: '*' },
        orders: { $count: '$o' },
        avgOrder: { $avg: '$o.total' },
        who: { $collect: { field: '$record.name', unique: true } },
      },
      groupBy: ['vip'],
      orderBy: { vip: 'desc' },
    });
    expect(grouped.data).toEqual([
      { vip: true, people: 1, orders: 2, avgOrder: 15, who: ['ann'] },
      { vip: false, people: 1, orders: 1, avgOrder: 5, who: ['bob'] },
    ]);
    const filtered = await search({
      labels: ['P'],
      where: { ORDER: { $alias: '$o' } },
      select: { big: { $collect: { field: '$o.total', where: { total: { $gte: 10 } } } } },
    });
    expect(filtered.data[0]!.big.sort()).toEqual([10, 20]);
  });

  it('a projection without aggregates returns the selected fields per record', async () => {
    const res = await search({
      labels: ['P'],
      where: { age: { $gte: 30 } },
      select: { who: '$record.name', years: '$record.age', next: { $add: ['$record.age', 1] } },
      orderBy: { who: 'asc' },
    });
    expect(res.data.map(({ __id, ...r }) => r)).toEqual([
      { who: 'ann', years: 31, next: 32 },
      { who: 'bob', years: 45, next: 46 },
    ]);
  });

  it('refuses malformed selects with the path', async () => {
    for (const [body, path] of [
      [{ select: { x: { $avg: '$nope.total' } } }, ['select', 'x', '$avg']],
      [{ select: { x: '$record.a', n: { $count: '*' } }, groupBy: ['n'] }, ['groupBy', 0]],
      [{ select: { x: '$record.a', y: '$record.b', n: { $count: '*' } }, groupBy: ['x'] }, ['select', 'y']],
      [
        { select: { x: { $timeBucket: { field: '$record.at', unit: 'decade' } } } },
        ['select', 'x', '$timeBucket', 'unit'],
      ],
      [{ groupBy: ['x'] }, ['groupBy']],
    ] as const) {
      const res = await api.rest('POST', '/records/search', { project, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.path).toEqual(path);
    }
  });
});

describe(`the same query drives export, labels and properties (${backendName})`, () => {
  it('exports the matching records as CSV with typed cells', async () => {
    const res = await api.rest('POST', '/records/export/csv', {
      project,
      body: { labels: ['P'], where: { age: { $gte: 30 } }, orderBy: { name: 'asc' } },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (res.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('__id,__label,__createdAt,__updatedAt,age,city,joined,name,nick,note,nums,score,tags,vip');
    expect(lines[1]).toBe(
      `${ids.ann},P,${createdAt.ann},${createdAt.ann},31,Oslo,2025-03-15T10:20:30Z,ann,,100% sure_thing,"[1,5]",7.5,"[""a"",""b""]",true`,
    );
    expect(lines).toHaveLength(3);
  });

  it('lists labels and properties among the matches', async () => {
    const labels = await api.rest('POST', '/labels/search', {
      project,
      body: { where: { name: { $in: ['ann', 'acme'] } } },
    });
    expect(labels.body.data).toEqual({ CO: 1, P: 1 });
    const props = await api.rest('POST', '/properties/search', {
      project,
      body: { labels: ['P'], where: { city: { $contains: 'o' } } },
    });
    const byName = Object.fromEntries(
      props.body.data.map((p: { name: string; type: string; count: number }) => [`${p.name}:${p.type}`, p.count]),
    );
    expect(byName).toMatchObject({ 'name:string': 3, 'age:number': 2, 'age:string': 1, 'nick:null': 1 });
  });

  it('deletes what a query with a related block matches', async () => {
    const temp = uniqueName('del');
    await api.rest('POST', '/projects', { body: { name: temp } });
    await api.rest('POST', '/records/import/json', {
      project: temp,
      body: {
        label: 'U',
        data: [
          { n: 1, acc: { plan: 'pro' } },
          { n: 2, acc: { plan: 'free' } },
        ],
      },
    });
    const del = await api.rest('POST', '/records/delete', {
      project: temp,
      body: { labels: ['U'], where: { acc: { plan: 'pro' } } },
    });
    expect(del.body.data).toEqual({ deleted: 1 });
    expect(
      (await api.rest('POST', '/records/search', { project: temp, body: { labels: ['U'] } })).body.data.map(
        (r: { n: number }) => r.n,
      ),
    ).toEqual([2]);
  });
});
