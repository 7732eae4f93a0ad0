import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

/**
 * System timestamps in the query language: `__createdAt` / `__updatedAt` in where, orderBy and select
 * (traversal included), and `createdAt` / `updatedAt` falling back to them for records without such a
 * property, while a record's own property is never shadowed.
 */
let engram: Engram;
let api: ReturnType<typeof httpClient>;
let project: string;
type Rec = { __id: string; __createdAt: string; __updatedAt: string; name: string; [k: string]: unknown };
/** Records by name: a, b, c have no createdAt/updatedAt property; own, text and nul carry their own. */
const recs: Record<string, Rec> = {};

const call = (method: string, path: string, body?: unknown) => api.rest(method, path, { project, body });
const search = async (q: Record<string, unknown>) => {
  const res = await call('POST', '/records/search', { labels: ['N'], ...q });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { data: Record<string, any>[]; total: number };
};
const names = async (q: Record<string, unknown>) =>
  (await search({ orderBy: { name: 'asc' }, ...q })).data.map((r) => r.name as string);
const ordered = async (orderBy: Record<string, string>) =>
  (await search({ orderBy })).data.map((r) => r.name as string);

/** Waits until the clock has passed `iso` by a millisecond or more, so the next write gets a later timestamp. */
async function after(iso: string) {
  const t = Date.parse(iso);
  while (Date.now() <= t + 1) await new Promise((r) => setTimeout(r, 1));
}
const create = async (label: string, data: Record<string, unknown>) => {
  const res = await call('POST', '/records', { label, data });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await after(res.body.data.__createdAt);
  return res.body.data as Rec;
};

beforeAll(async () => {
  engram = await startTestEngram();
  api = httpClient(engram);
  project = uniqueName('tsq');
  await api.rest('POST', '/projects', { body: { name: project } });
  recs.a = await create('N', { name: 'a', importance: 3 });
  recs.own = await create('N', { name: 'own', createdAt: '2001-01-01T00:00:00Z', importance: 5 });
  recs.b = await create('N', { name: 'b', importance: 1 });
  recs.text = await create('N', { name: 'text', createdAt: 'yesterday', updatedAt: 5 });
  recs.c = await create('N', { name: 'c', importance: 4 });
  recs.nul = await create('N', { name: 'nul', createdAt: null });
  const changed = await call('PATCH', `/records/${recs.a.__id}`, { data: { importance: 9 } });
  recs.a = changed.body.data;
  // A pro user -> a and c; a free user -> b.
  const pro = await create('USER', { plan: 'pro' });
  const free = await create('USER', { plan: 'free' });
  await call('POST', `/relationships/${pro.__id}`, { targetIds: [recs.a!.__id, recs.c!.__id], type: 'WROTE' });
  await call('POST', `/relationships/${free.__id}`, { targetIds: [recs.b!.__id], type: 'WROTE' });
  recs.pro = pro;
  recs.free = free;
});
afterAll(() => engram?.close());

describe(`__createdAt and __updatedAt in where (${backendName})`, () => {
  it('compare as instants with any datetime spelling; $in, $ne, $nin', async () => {
    const b = recs.b!.__createdAt;
    expect(await names({ where: { __createdAt: { $gte: b } } })).toEqual(['b', 'c', 'nul', 'text']);
    expect(await names({ where: { __createdAt: { $gt: b, $lt: recs.c!.__createdAt } } })).toEqual(['text']);
    expect(await names({ where: { __createdAt: { $lte: b } } })).toEqual(['a', 'b', 'own']);
    expect(await names({ where: { __createdAt: b } })).toEqual(['b']);
    // The same instant written with an offset.
    const shifted = new Date(Date.parse(b) + 3_600_000).toISOString().replace('Z', '+01:00');
    expect(await names({ where: { __createdAt: { $eq: shifted } } })).toEqual(['b']);
    expect(await names({ where: { __createdAt: { $in: [b, recs.c!.__createdAt] } } })).toEqual(['b', 'c']);
    expect(await names({ where: { __createdAt: { $nin: [b] }, name: { $in: ['a', 'b'] } } })).toEqual(['a']);
    expect(await names({ where: { __createdAt: { $ne: b }, name: { $in: ['a', 'b'] } } })).toEqual(['a']);
    expect(await names({ where: { __updatedAt: { $gt: recs.nul!.__createdAt } } })).toEqual(['a']);
  });

  it('date parts, text as ISO-8601, $exists and $type', async () => {
    const year = new Date(recs.a!.__createdAt).getUTCFullYear();
    expect((await search({ where: { __createdAt: { $year: year } } })).total).toBe(6);
    expect((await search({ where: { __createdAt: { $year: { $lt: year } } } })).total).toBe(0);
    expect((await search({ where: { __createdAt: { $startsWith: `${year}-` } } })).total).toBe(6);
    expect(await names({ where: { __updatedAt: { $endsWith: recs.a!.__updatedAt.slice(-8) } } })).toContain('a');
    expect(
      (await search({ where: { __createdAt: { $exists: true }, __updatedAt: { $type: 'datetime' } } })).total,
    ).toBe(6);
    expect(
      (await search({ where: { $or: [{ __createdAt: { $exists: false } }, { __updatedAt: { $type: 'string' } }] } }))
        .total,
    ).toBe(0);
  });

  it('refuses operands that are not datetimes, naming the path', async () => {
    for (const [where, path] of [
      [{ __createdAt: 5 }, ['where', '__createdAt']],
      [{ __createdAt: { $gt: 'yesterday' } }, ['where', '__createdAt', '$gt']],
      [{ __updatedAt: { $in: ['2026-01-01', null] } }, ['where', '__updatedAt', '$in', 1]],
      [{ __createdAt: { $relation: 'X' } }, ['where', '__createdAt']],
      [{ __createdAt: { $year: 'x' } }, ['where', '__createdAt', '$year']],
    ] as const) {
      const res = await call('POST', '/records/search', { where });
      expect(res.status, JSON.stringify(where)).toBe(400);
      expect(res.body.error.details.path).toEqual(path);
    }
    expect((await call('POST', '/records/search', { orderBy: { __other: 'asc' } })).status).toBe(400);
  });

  it('filter related records by their timestamps, at one hop and more', async () => {
    expect(
      await names({
        where: { USER: { $relation: { direction: 'in' }, __createdAt: { $gte: recs.pro!.__createdAt } } },
      }),
    ).toEqual(['a', 'b', 'c']);
    expect(
      await names({ where: { USER: { $relation: { direction: 'in' }, __createdAt: { $gt: recs.pro!.__createdAt } } } }),
    ).toEqual(['b']);
    expect(
      await names({ where: { USER: { $relation: { hops: { max: 2 } }, createdAt: recs.free!.__createdAt } } }),
    ).toEqual(['b']);
  });
});

describe(`createdAt and updatedAt fall back to the timestamps (${backendName})`, () => {
  it('a record with its own property keeps it; one without is read by its timestamp', async () => {
    expect(await names({ where: { createdAt: { $lt: '2002-01-01' } } })).toEqual(['own']);
    expect(await names({ where: { createdAt: { $gte: recs.b!.__createdAt } } })).toEqual(['b', 'c']);
    expect(await names({ where: { createdAt: recs.b!.__createdAt } })).toEqual(['b']);
    expect(await names({ where: { createdAt: 'yesterday' } })).toEqual(['text']);
    expect(await names({ where: { createdAt: null } })).toEqual(['nul']);
    expect(await names({ where: { createdAt: { $type: 'datetime' } } })).toEqual(['a', 'b', 'c', 'own']);
    // Every record has a createdAt to this query: its own, or its timestamp.
    expect((await search({ where: { createdAt: { $exists: false } } })).total).toBe(0);
    expect(await names({ where: { updatedAt: { $lt: 6 } } })).toEqual(['text']);
    expect(await names({ where: { updatedAt: { $gt: recs.nul!.__createdAt } } })).toEqual(['a']);
    expect(await names({ where: { $not: { createdAt: { $gte: recs.b!.__createdAt } } } })).toEqual([
      'a',
      'nul',
      'own',
      'text',
    ]);
  });

  it('orders by the timestamps, and by createdAt with each record keyed by its own value or its timestamp', async () => {
    expect(await ordered({ __createdAt: 'asc' })).toEqual(['a', 'own', 'b', 'text', 'c', 'nul']);
    expect(await ordered({ __createdAt: 'desc' })).toEqual(['nul', 'c', 'text', 'b', 'own', 'a']);
    expect(await ordered({ __updatedAt: 'desc' })).toEqual(['a', 'nul', 'c', 'text', 'b', 'own']);
    // Numbers, then datetimes (own's 2001, then the timestamps), then strings, then null.
    expect(await ordered({ createdAt: 'asc' })).toEqual(['own', 'a', 'b', 'c', 'text', 'nul']);
    expect(await ordered({ updatedAt: 'asc' })).toEqual(['text', 'own', 'b', 'c', 'nul', 'a']);
  });

  it('the README query: a day bucket of $record.createdAt, grouped, with a related block', async () => {
    const day = `${recs.a!.__createdAt.slice(0, 10)}T00:00:00.000Z`;
    const res = await search({
      where: { importance: { $gte: 3 }, USER: { $relation: { direction: 'in' }, plan: 'pro' } },
      select: { day: { $timeBucket: { field: '$record.createdAt', unit: 'day' } }, n: { $count: '*' } },
      groupBy: ['day'],
      orderBy: { day: 'desc' },
    });
    expect(res.data).toEqual([{ day, n: 2 }]);
    const own = await search({
      where: { name: 'own' },
      select: { day: { $timeBucket: { field: '$record.createdAt', unit: 'year' } } },
    });
    expect(own.data).toEqual([{ __id: recs.own!.__id, day: '2001-01-01T00:00:00.000Z' }]);
  });
});

describe(`timestamps in select (${backendName})`, () => {
  it('plain fields: the timestamp as ISO-8601, the fallback name as written or the timestamp', async () => {
    const res = await search({
      where: { name: { $in: ['a', 'own'] } },
      select: { c: '$record.__createdAt', u: '$record.__updatedAt', ca: '$record.createdAt' },
      orderBy: { c: 'asc' },
    });
    expect(res.data).toEqual([
      { __id: recs.a!.__id, c: recs.a!.__createdAt, u: recs.a!.__updatedAt, ca: recs.a!.__createdAt },
      { __id: recs.own!.__id, c: recs.own!.__createdAt, u: recs.own!.__updatedAt, ca: '2001-01-01T00:00:00Z' },
    ]);
  });

  it('$min / $max, $collect ordered by a timestamp, groupBy a timestamp, and whole records carry them', async () => {
    const agg = await search({
      select: {
        first: { $min: '$record.__createdAt' },
        last: { $max: '$record.__updatedAt' },
        earliest: { $min: '$record.createdAt' },
        newest: { $collect: { field: '$record.name', orderBy: { __createdAt: 'desc' }, limit: 3 } },
        stamps: { $collect: { field: '$record.__createdAt', orderBy: { createdAt: 'asc' }, limit: 2 } },
        recent: { $collect: { field: '$record', where: { __createdAt: { $gt: recs.c!.__createdAt } } } },
      },
    });
    expect(agg.data).toHaveLength(1);
    const row = agg.data[0]!;
    expect(row.first).toBe(recs.a!.__createdAt);
    expect(row.last).toBe(recs.a!.__updatedAt);
    // own's createdAt (2001, as written) is the earliest datetime of the fallback field.
    expect(row.earliest).toBe('2001-01-01T00:00:00.000Z');
    expect(row.newest).toEqual(['nul', 'c', 'text']);
    expect(row.stamps).toEqual([recs.own!.__createdAt, recs.a!.__createdAt]);
    expect(row.recent).toEqual([
      expect.objectContaining({
        __id: recs.nul!.__id,
        __createdAt: recs.nul!.__createdAt,
        __updatedAt: recs.nul!.__updatedAt,
        name: 'nul',
      }),
    ]);

    const grouped = await search({
      where: { name: { $in: ['a', 'b'] } },
      select: { at: '$record.__createdAt', n: { $count: '*' } },
      groupBy: ['at'],
      orderBy: { at: 'asc' },
    });
    expect(grouped.data).toEqual([
      { at: recs.a!.__createdAt, n: 1 },
      { at: recs.b!.__createdAt, n: 1 },
    ]);
  });

  it('aggregates over an alias read the related records’ timestamps', async () => {
    const res = await search({
      where: { USER: { $relation: { direction: 'in' }, $alias: '$u' } },
      select: { name: '$record.name', by: { $max: '$u.__createdAt' }, users: { $collect: { field: '$u.createdAt' } } },
      orderBy: { name: 'asc' },
    });
    expect(res.data).toEqual([
      { __id: recs.a!.__id, name: 'a', by: recs.pro!.__createdAt, users: [recs.pro!.__createdAt] },
      { __id: recs.b!.__id, name: 'b', by: recs.free!.__createdAt, users: [recs.free!.__createdAt] },
      { __id: recs.c!.__id, name: 'c', by: recs.pro!.__createdAt, users: [recs.pro!.__createdAt] },
    ]);
  });
});
