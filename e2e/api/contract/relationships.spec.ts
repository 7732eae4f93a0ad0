import { expect, test } from '@playwright/test';
import { bearer, createKey } from '../../helpers/api';
import { expectPath, freshProject, NO_SUCH_ID, type Client } from './contract';

/** a -> b -> c (KNOWS), a -> d (LIKES), plus an unlinked e; ids by name. */
async function chain(c: Client): Promise<Record<string, string>> {
  const recs = (
    await c.ok('POST /records/import/json', {
      body: { label: 'N', data: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name })), options: { returnResult: true } },
    })
  ).data.records as { __id: string; name: string }[];
  const id = Object.fromEntries(recs.map((r) => [r.name, r.__id]));
  await c.ok('POST /relationships/{sourceId}', {
    params: { sourceId: id.a! },
    body: { targetIds: [id.b!], type: 'KNOWS' },
  });
  // direction in: the edge runs target -> source, so this is c -> b.
  await c.ok('POST /relationships/{sourceId}', {
    params: { sourceId: id.b! },
    body: { targetIds: id.c!, type: 'KNOWS', direction: 'in' },
  });
  await c.ok('POST /relationships/{sourceId}', {
    params: { sourceId: id.a! },
    body: { targetIds: [id.d!], type: 'LIKES', properties: { since: 2020 } },
  });
  return id;
}

const pairs = (edges: { sourceId: string; targetId: string; type: string }[], name: Record<string, string>) => {
  const of = Object.fromEntries(Object.entries(name).map(([k, v]) => [v, k]));
  return edges.map((e) => `${of[e.sourceId]}-${e.type}->${of[e.targetId]}`).sort();
};

test.describe('contract: relationships', () => {
  test('POST /relationships/{sourceId} attaches (out, in, properties; re-attaching replaces them); errors 404, 400, 403', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-attach');
    const id = await chain(c);
    const again = await c.ok('POST /relationships/{sourceId}', {
      params: { sourceId: id.a! },
      body: { targetIds: [id.d!, id.d!], type: 'LIKES', properties: { since: 2021 } },
    });
    expect(again.data).toEqual({ attached: 1 });
    const likes = await c.ok('POST /relationships/search', { body: { where: { type: 'LIKES' } } });
    expect(likes.total).toBe(1);
    expect(likes.data[0]).toMatchObject({
      sourceId: id.a,
      targetId: id.d,
      sourceLabel: 'N',
      targetLabel: 'N',
      properties: { since: 2021 },
      origin: 'manual',
    });

    const missingTarget = await c.fails('POST /relationships/{sourceId}', 404, 'NOT_FOUND', {
      params: { sourceId: id.a! },
      body: { targetIds: [id.b!, NO_SUCH_ID] },
    });
    expectPath(missingTarget, ['targetIds', 1]);
    expectPath(
      await c.fails('POST /relationships/{sourceId}', 404, 'NOT_FOUND', {
        params: { sourceId: NO_SUCH_ID },
        body: { targetIds: id.b! },
      }),
      ['sourceId'],
    );
    expectPath(
      await c.fails('POST /relationships/{sourceId}', 400, 'INVALID', {
        params: { sourceId: id.a! },
        body: { targetIds: [] },
      }),
      ['targetIds'],
    );
    expectPath(
      await c.fails('POST /relationships/{sourceId}', 400, 'INVALID', {
        params: { sourceId: id.a! },
        body: { targetIds: id.b!, type: ' ' },
      }),
      ['type'],
    );
    const read = await createKey(request, c.project, { scope: 'read' });
    await c.with(bearer(read.key)).fails('POST /relationships/{sourceId}', 403, 'FORBIDDEN', {
      params: { sourceId: id.a! },
      body: { targetIds: id.b! },
    });
    expect((await c.ok('POST /relationships/search', { body: {} })).total).toBe(3);
  });

  test('PUT /relationships/{sourceId} detaches by type and direction; errors 400 and 403', async ({ request }) => {
    const c = await freshProject(request, 'c-detach');
    const id = await chain(c);
    expect(
      (
        await c.ok('PUT /relationships/{sourceId}', {
          params: { sourceId: id.a! },
          body: { targetIds: [id.d!], types: 'KNOWS' },
        })
      ).data,
    ).toEqual({ detached: 0 });
    expect(
      (
        await c.ok('PUT /relationships/{sourceId}', {
          params: { sourceId: id.b! },
          body: { targetIds: [id.a!, id.c!], direction: 'both' },
        })
      ).data,
    ).toEqual({ detached: 2 });
    expect(
      (
        await c.ok('PUT /relationships/{sourceId}', {
          params: { sourceId: id.a! },
          body: { targetIds: id.d!, types: ['LIKES'] },
        })
      ).data,
    ).toEqual({ detached: 1 });
    expect((await c.ok('POST /relationships/search', { body: {} })).total).toBe(0);
    expectPath(
      await c.fails('PUT /relationships/{sourceId}', 400, 'INVALID', {
        params: { sourceId: id.a! },
        body: { targetIds: id.d!, direction: 'sideways' },
      }),
      ['direction'],
    );
    expectPath(
      await c.fails('PUT /relationships/{sourceId}', 400, 'INVALID', {
        params: { sourceId: 'x' },
        body: { targetIds: id.d! },
      }),
      ['sourceId'],
    );
    const read = await createKey(request, c.project, { scope: 'read' });
    await c.with(bearer(read.key)).fails('PUT /relationships/{sourceId}', 403, 'FORBIDDEN', {
      params: { sourceId: id.a! },
      body: { targetIds: id.d! },
    });
  });

  test('POST /relationships/search filters by type and by either end (the query language); paging; errors 400', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-relsearch');
    const id = await chain(c);
    const knows = await c.ok('POST /relationships/search', { body: { where: { type: { $in: ['KNOWS'] } } } });
    expect(pairs(knows.data, id)).toEqual(['a-KNOWS->b', 'c-KNOWS->b'].sort());
    expect(knows.total).toBe(2);
    const fromA = await c.ok('POST /relationships/search', { body: { source: { where: { name: 'a' } }, limit: 1 } });
    expect(fromA.total).toBe(2);
    expect(fromA.data).toHaveLength(1);
    const toB = await c.ok('POST /relationships/search', {
      body: { target: { labels: ['N'], where: { name: { $in: ['b'] } } } },
    });
    expect(toB.total).toBe(2);
    expectPath(await c.fails('POST /relationships/search', 400, 'INVALID', { body: { limit: 0 } }), ['limit']);
    expectPath(
      await c.fails('POST /relationships/search', 400, 'INVALID', {
        body: { source: { where: { name: { $nope: 1 } } } },
      }),
      ['source', 'where', 'name', '$nope'],
    );
  });

  test('POST /relationships/graph: from a label or ids, with hidden counts; neither is 400 at path label', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-graph');
    const id = await chain(c);
    const fromB = (await c.ok('POST /relationships/graph', { body: { ids: [id.b!], types: ['KNOWS'] } })).data;
    expect(fromB.nodes.map((n: { caption: string }) => n.caption).sort()).toEqual(['a', 'b', 'c']);
    expect(fromB.nodes.find((n: { id: string }) => n.id === id.b)).toMatchObject({ start: true, label: 'N' });
    expect(pairs(fromB.edges, id)).toEqual(['a-KNOWS->b', 'c-KNOWS->b']);
    const small = (await c.ok('POST /relationships/graph', { body: { label: 'N', limit: 1 } })).data;
    expect(small.nodes).toHaveLength(1);
    expect(small.truncated).toBe(true);
    expectPath(await c.fails('POST /relationships/graph', 400, 'INVALID', { body: {} }), ['label']);
    expectPath(await c.fails('POST /relationships/graph', 400, 'INVALID', { body: { label: 'N', limit: 100000 } }), [
      'limit',
    ]);
  });

  test('GET /records/{id}/neighbors: depth and types; unknown 404 at path id, depth out of range 400', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-neigh');
    const id = await chain(c);
    const one = (await c.ok('GET /records/{id}/neighbors', { params: { id: id.c! } })).data;
    expect(one.nodes.map((n: { name: string }) => n.name).sort()).toEqual(['b', 'c']);
    const two = (
      await c.ok('GET /records/{id}/neighbors', { params: { id: id.c! }, query: { depth: 3, types: 'KNOWS' } })
    ).data;
    expect(two.nodes.map((n: { name: string }) => n.name).sort()).toEqual(['a', 'b', 'c']);
    expect(pairs(two.edges, id)).toEqual(['a-KNOWS->b', 'c-KNOWS->b']);
    expect(two.truncated).toBe(false);
    const all = (await c.ok('GET /records/{id}/neighbors', { params: { id: id.c! }, query: { depth: 3 } })).data;
    expect(all.nodes).toHaveLength(4);
    expectPath(await c.fails('GET /records/{id}/neighbors', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } }), ['id']);
    expectPath(
      await c.fails('GET /records/{id}/neighbors', 400, 'INVALID', { params: { id: id.a! }, query: { depth: 9 } }),
      ['depth'],
    );
  });

  test("GET /records/{id}/relationships: a record's edges in and out; unknown 404, malformed 400", async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-recrels');
    const id = await chain(c);
    const rels = (await c.ok('GET /records/{id}/relationships', { params: { id: id.b! } })).data as {
      direction: string;
      type: string;
      otherId: string;
    }[];
    expect(rels.map((r) => `${r.direction}:${r.type}:${r.otherId}`).sort()).toEqual(
      [`in:KNOWS:${id.a}`, `in:KNOWS:${id.c}`].sort(),
    );
    const ofA = (await c.ok('GET /records/{id}/relationships', { params: { id: id.a! } })).data;
    expect(ofA.find((r: { type: string }) => r.type === 'LIKES')).toMatchObject({
      direction: 'out',
      otherId: id.d,
      otherLabel: 'N',
      properties: { since: 2020 },
    });
    expect((await c.ok('GET /records/{id}/relationships', { params: { id: id.e! } })).data).toEqual([]);
    expectPath(await c.fails('GET /records/{id}/relationships', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } }), [
      'id',
    ]);
    expectPath(await c.fails('GET /records/{id}/relationships', 400, 'INVALID', { params: { id: '123' } }), ['id']);
  });
});
