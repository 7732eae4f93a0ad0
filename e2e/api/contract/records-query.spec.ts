import { expect, test } from '@playwright/test';
import { bearer, createKey } from '../../helpers/api';
import { expectPath, freshProject, type Client } from './contract';

/** Three accounts, five memories linked to them (BELONGS_TO), in one import. */
async function seed(c: Client) {
  const accounts = (
    await c.ok('POST /records/import/json', {
      body: {
        label: 'ACCOUNT',
        data: [
          { name: 'a1', plan: 'pro' },
          { name: 'a2', plan: 'free' },
          { name: 'a3', plan: 'pro' },
        ],
        options: { returnResult: true },
      },
    })
  ).data.records as { __id: string; name: string }[];
  const memories = (
    await c.ok('POST /records/import/json', {
      body: {
        label: 'MEMORY',
        data: [
          { user: 'alice', kind: 'fact', importance: 2, at: '2026-01-01T10:00:00Z' },
          { user: 'alice', kind: 'decision', importance: 8, at: '2026-01-01T12:00:00Z' },
          { user: 'bob', kind: 'fact', importance: 5, at: '2026-01-02T09:00:00Z' },
          { user: 'bob', kind: 'fact', importance: 9, at: '2026-01-03T09:00:00Z' },
          { user: 'carol', kind: 'note', importance: 1, at: '2026-01-03T10:00:00Z' },
        ],
        options: { returnResult: true },
      },
    })
  ).data.records as { __id: string; user: string }[];
  const byName = new Map(accounts.map((a) => [a.name, a.__id]));
  const owner: Record<string, string> = { alice: 'a1', bob: 'a2', carol: 'a3' };
  for (const m of memories) {
    await c.ok('POST /relationships/{sourceId}', {
      params: { sourceId: m.__id },
      body: { targetIds: byName.get(owner[m.user]!)!, type: 'BELONGS_TO' },
    });
  }
  return { accounts, memories };
}

test.describe('contract: queries', () => {
  test('POST /records/search: where, orderBy, skip/limit, traversal, select with groupBy', async ({ request }) => {
    const c = await freshProject(request, 'c-search');
    await seed(c);
    const found = await c.ok('POST /records/search', {
      body: {
        labels: ['MEMORY'],
        where: { importance: { $gte: 2 }, kind: { $in: ['fact', 'decision'] } },
        orderBy: { importance: 'desc' },
        limit: 2,
        skip: 1,
      },
    });
    expect(found.total).toBe(4);
    expect(found.data.map((r: { importance: number }) => r.importance)).toEqual([8, 5]);

    const traversal = await c.ok('POST /records/search', {
      body: {
        labels: ['MEMORY'],
        where: { ACCOUNT: { $relation: { type: 'BELONGS_TO', direction: 'out' }, plan: 'pro' } },
        orderBy: { importance: 'asc' },
      },
    });
    expect(traversal.data.map((r: { user: string }) => r.user)).toEqual(['carol', 'alice', 'alice']);

    const grouped = await c.ok('POST /records/search', {
      body: {
        labels: ['MEMORY'],
        select: { user: '$record.user', n: { $count: '*' }, top: { $max: '$record.importance' } },
        groupBy: ['user'],
        orderBy: { n: 'desc' },
      },
    });
    expect(grouped.total).toBe(3);
    expect(
      grouped.data
        .slice(0, 2)
        .map((r: { user: string; n: number; top: number }) => [r.user, r.n, r.top])
        .sort(),
    ).toEqual([
      ['alice', 2, 8],
      ['bob', 2, 9],
    ]);
    expect(grouped.data[2]).toEqual({ user: 'carol', n: 1, top: 1 });

    const daily = await c.ok('POST /records/search', {
      body: {
        labels: ['MEMORY'],
        select: { day: { $timeBucket: { field: '$record.at', unit: 'day' } }, avg: { $avg: '$record.importance' } },
        groupBy: ['day'],
        orderBy: { day: 'asc' },
      },
    });
    expect(daily.data.map((r: { avg: number }) => r.avg)).toEqual([5, 5, 5]);
  });

  test('POST /records/search errors: limit 0 at path limit, an unknown operator at its path, too many hops, read key allowed, no key 401', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-search-err');
    expectPath(await c.fails('POST /records/search', 400, 'INVALID', { body: { limit: 0 } }), ['limit']);
    expectPath(await c.fails('POST /records/search', 400, 'INVALID', { body: { where: { n: { $bogus: 1 } } } }), [
      'where',
      'n',
      '$bogus',
    ]);
    const hops = await c.fails('POST /records/search', 400, 'LIMIT_EXCEEDED', {
      body: { where: { B: { $relation: { hops: { max: 50 } } } } },
    });
    expect(hops.details?.path?.slice(0, 2)).toEqual(['where', 'B']);
    const read = await createKey(request, c.project, { scope: 'read' });
    expect((await c.with(bearer(read.key)).ok('POST /records/search', { body: {} })).total).toBe(0);
    await c.with({}).fails('POST /records/search', 401, 'UNAUTHORIZED', { body: {} });
  });

  test('POST /records/delete: by a filter; an empty filter is refused (400 at path where) unless force: true; read key 403', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-delmany');
    await seed(c);
    expect((await c.ok('POST /records/delete', { body: { labels: ['MEMORY'], where: { user: 'bob' } } })).data).toEqual(
      { deleted: 2 },
    );
    const refused = await c.fails('POST /records/delete', 400, 'INVALID', { body: {} });
    expectPath(refused, ['where']);
    expectPath(await c.fails('POST /records/delete', 400, 'INVALID', { body: { where: {}, labels: [] } }), ['where']);
    expectPath(await c.fails('POST /records/delete', 400, 'INVALID', { body: { labels: ['MEMORY'], force: 'yes' } }), [
      'force',
    ]);
    const read = await createKey(request, c.project, { scope: 'read' });
    await c.with(bearer(read.key)).fails('POST /records/delete', 403, 'FORBIDDEN', { body: { labels: ['MEMORY'] } });
    expect((await c.ok('POST /labels/search', { body: {} })).data).toEqual({ ACCOUNT: 3, MEMORY: 3 });
    expect((await c.ok('POST /records/delete', { body: { force: true } })).data).toEqual({ deleted: 6 });
    expect((await c.ok('POST /records/search', { body: {} })).total).toBe(0);
  });

  test('POST /labels/search and POST /properties/search: counts and types among the matches; bad filters 400', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-labels');
    await seed(c);
    expect((await c.ok('POST /labels/search', { body: { where: { plan: 'pro' } } })).data).toEqual({ ACCOUNT: 2 });
    expectPath(await c.fails('POST /labels/search', 400, 'INVALID', { body: { where: { n: { $gt: [1] } } } }), [
      'where',
      'n',
      '$gt',
    ]);

    const props = (await c.ok('POST /properties/search', { body: { labels: ['MEMORY'] } })).data as {
      name: string;
      type: string;
      count: number;
    }[];
    expect(props.map((p) => `${p.name}:${p.type}:${p.count}`).sort()).toEqual([
      'at:datetime:5',
      'importance:number:5',
      'kind:string:5',
      'user:string:5',
    ]);
    expectPath(await c.fails('POST /properties/search', 400, 'INVALID', { body: { labels: 'MEMORY' } }), ['labels']);
  });

  test('POST /properties/values: distinct values, most frequent first, with query and paging; a missing property is 400', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-values');
    await seed(c);
    const kinds = await c.ok('POST /properties/values', { body: { label: 'MEMORY', property: 'kind' } });
    expect(kinds.total).toBe(3);
    expect(kinds.data[0]).toEqual({ value: 'fact', type: 'string', count: 3 });
    const filtered = await c.ok('POST /properties/values', {
      body: { label: 'MEMORY', property: 'kind', query: 'DEC', limit: 1 },
    });
    expect(filtered).toEqual({ data: [{ value: 'decision', type: 'string', count: 1 }], total: 1 });
    expectPath(await c.fails('POST /properties/values', 400, 'INVALID', { body: { label: 'MEMORY' } }), ['property']);
    expectPath(await c.fails('POST /properties/values', 400, 'INVALID', { body: { property: 'kind', limit: 5000 } }), [
      'limit',
    ]);
  });
});
