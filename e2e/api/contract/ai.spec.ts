import { expect, test } from '@playwright/test';
import { bearer, createKey } from '../../helpers/api';
import { expectPath, freshProject, NO_SUCH_ID, untilReady } from './contract';

const NOTES = [
  { user: 'alice', text: 'alice drinks green tea every morning' },
  { user: 'bob', text: 'bob rides his bicycle to work' },
  { user: 'alice', text: 'alice walks her dog in the park' },
];

test.describe('contract: embedding indexes and search by meaning', () => {
  test('managed index: create (201, backfilled to ready), list, get; semantic, keyword and hybrid search inside a where', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-ai');
    await c.ok('POST /records/import/json', { body: { label: 'NOTE', data: NOTES } });
    const ix = (await c.ok('POST /ai/indexes', { body: { label: 'NOTE', propertyName: 'text' } })).data;
    expect(ix).toMatchObject({
      label: 'NOTE',
      propertyName: 'text',
      source: 'managed',
      similarity: 'cosine',
      error: null,
    });
    expect(['pending', 'indexing', 'ready']).toContain(ix.status);
    await untilReady(c, ix.id);
    expect((await c.ok('GET /ai/indexes/{id}', { params: { id: ix.id } })).data.progress).toEqual({
      indexed: 3,
      total: 3,
    });
    const list = await c.ok('GET /ai/indexes');
    expect(list.total).toBe(1);
    expect(list.data[0].id).toBe(ix.id);

    // Written after the index exists: embedded in the write itself.
    await c.ok('POST /records', {
      body: { label: 'NOTE', data: { user: 'bob', text: 'bob brews strong black coffee' } },
    });
    const base = { labels: ['NOTE'], propertyName: 'text' };
    const semantic = await c.ok('POST /ai/search', {
      body: { ...base, query: 'tea', mode: 'semantic', where: { user: 'alice' } },
    });
    expect(semantic.data.map((r: { user: string }) => r.user)).toEqual(['alice', 'alice']);
    expect(semantic.data[0].text).toContain('tea');
    expect(semantic.data[0].__score).toBeGreaterThan(semantic.data[1].__score);
    const coffee = await c.ok('POST /ai/search', {
      body: { ...base, query: 'a hot drink', mode: 'semantic', where: { user: 'bob' }, limit: 1 },
    });
    expect(coffee.data[0].text).toContain('coffee');

    const keyword = await c.ok('POST /ai/search', { body: { ...base, query: 'bicycle', mode: 'keyword' } });
    expect(keyword.data.map((r: { text: string }) => r.text)).toEqual(['bob rides his bicycle to work']);
    const hybrid = await c.ok('POST /ai/search', {
      body: { ...base, query: 'dog park', where: { user: { $in: ['alice'] } }, limit: 5 },
    });
    expect(hybrid.data[0].text).toContain('dog');
    expect(hybrid.data.every((r: { user: string }) => r.user === 'alice')).toBe(true);
    expect(hybrid.data[0].__scores).toBeDefined();
  });

  test('POST /ai/indexes errors: a duplicate is 409, external without dimensions 400 at path dimensions, wrong managed dimensions 400, read key 403', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-ai-err');
    await c.ok('POST /ai/indexes', { body: { label: 'X', propertyName: 'v', external: true, dimensions: 2 } });
    expectPath(
      await c.fails('POST /ai/indexes', 409, 'CONFLICT', {
        body: { label: 'X', propertyName: 'v', external: true, dimensions: 2 },
      }),
      ['propertyName'],
    );
    expectPath(
      await c.fails('POST /ai/indexes', 400, 'INVALID', { body: { label: 'X', propertyName: 'w', external: true } }),
      ['dimensions'],
    );
    expectPath(
      await c.fails('POST /ai/indexes', 400, 'INVALID', { body: { label: 'X', propertyName: 'w', dimensions: 7 } }),
      ['dimensions'],
    );
    expectPath(
      await c.fails('POST /ai/indexes', 400, 'INVALID', {
        body: { label: 'X', propertyName: 'w', similarity: 'manhattan' },
      }),
      ['similarity'],
    );
    const read = await createKey(request, c.project, { scope: 'read' });
    const r = c.with(bearer(read.key));
    await r.fails('POST /ai/indexes', 403, 'FORBIDDEN', { body: { label: 'X', propertyName: 'w' } });
    expect((await r.ok('GET /ai/indexes')).total).toBe(1);
    await c.with({}).fails('GET /ai/indexes', 401, 'UNAUTHORIZED');
  });

  test('external index: vectors on create and through /vectors, queryVector search, retry refused, delete then 404', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-ai-ext');
    const ix = (
      await c.ok('POST /ai/indexes', {
        body: { label: 'V', propertyName: 'emb', external: true, dimensions: 3, similarity: 'euclidean' },
      })
    ).data;
    expect(ix).toMatchObject({
      source: 'external',
      provider: 'external',
      dimensions: 3,
      similarity: 'euclidean',
      status: 'ready',
    });
    const a = (
      await c.ok('POST /records', {
        body: { label: 'V', data: { name: 'a' }, vectors: [{ propertyName: 'emb', vector: [1, 0, 0] }] },
      })
    ).data;
    const b = (await c.ok('POST /records', { body: { label: 'V', data: { name: 'b' } } })).data;
    const other = (await c.ok('POST /records', { body: { label: 'W', data: { name: 'w' } } })).data;
    expect(
      (
        await c.ok('POST /ai/indexes/{id}/vectors', {
          params: { id: ix.id },
          body: { items: [{ recordId: b.__id, vector: [0, 1, 0] }] },
        })
      ).data,
    ).toEqual({ upserted: 1 });

    const near = await c.ok('POST /ai/search', {
      body: { labels: ['V'], propertyName: 'emb', queryVector: [0, 0.9, 0.1], mode: 'semantic' },
    });
    expect(near.data.map((r: { name: string }) => r.name)).toEqual(['b', 'a']);
    const filtered = await c.ok('POST /ai/search', {
      body: { labels: ['V'], propertyName: 'emb', queryVector: [0, 1, 0], mode: 'semantic', where: { name: 'a' } },
    });
    expect(filtered.data.map((r: { name: string }) => r.name)).toEqual(['a']);

    const vec = (id: string, items: unknown) => ({ params: { id }, body: { items } });
    expectPath(
      await c.fails(
        'POST /ai/indexes/{id}/vectors',
        400,
        'INVALID',
        vec(ix.id, [{ recordId: a.__id, vector: [1, 2] }]),
      ),
      ['items', 0, 'vector'],
    );
    expectPath(
      await c.fails(
        'POST /ai/indexes/{id}/vectors',
        404,
        'NOT_FOUND',
        vec(ix.id, [
          { recordId: a.__id, vector: [1, 2, 3] },
          { recordId: NO_SUCH_ID, vector: [1, 2, 3] },
        ]),
      ),
      ['items', 1, 'recordId'],
    );
    expectPath(
      await c.fails(
        'POST /ai/indexes/{id}/vectors',
        400,
        'INVALID',
        vec(ix.id, [{ recordId: other.__id, vector: [1, 2, 3] }]),
      ),
      ['items', 0, 'recordId'],
    );
    await c.fails(
      'POST /ai/indexes/{id}/vectors',
      404,
      'NOT_FOUND',
      vec(NO_SUCH_ID, [{ recordId: a.__id, vector: [1, 2, 3] }]),
    );

    expectPath(
      await c.fails('POST /ai/search', 400, 'INVALID', {
        body: { labels: ['V'], propertyName: 'emb', queryVector: [1, 2], mode: 'semantic' },
      }),
      ['queryVector'],
    );
    expectPath(
      await c.fails('POST /ai/search', 404, 'NOT_FOUND', { body: { labels: ['V'], propertyName: 'name', query: 'x' } }),
      ['labels'],
    );
    expectPath(
      await c.fails('POST /ai/search', 400, 'INVALID', { body: { labels: [], propertyName: 'emb', query: 'x' } }),
      ['labels'],
    );

    expectPath(await c.fails('POST /ai/indexes/{id}/retry', 400, 'INVALID', { params: { id: ix.id } }), ['id']);
    await c.fails('POST /ai/indexes/{id}/retry', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } });

    const deleted = (await c.ok('DELETE /ai/indexes/{id}', { params: { id: ix.id } })).data;
    expect(deleted.id).toBe(ix.id);
    await c.fails('GET /ai/indexes/{id}', 404, 'NOT_FOUND', { params: { id: ix.id } });
    await c.fails('DELETE /ai/indexes/{id}', 404, 'NOT_FOUND', { params: { id: ix.id } });
    expectPath(await c.fails('GET /ai/indexes/{id}', 400, 'INVALID', { params: { id: 'x' } }), ['id']);
    expect((await c.ok('GET /ai/indexes')).total).toBe(0);
  });

  test('POST /ai/indexes/{id}/retry on a managed index answers it (a failed one is queued again); write scope needed', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-ai-retry');
    const ix = (await c.ok('POST /ai/indexes', { body: { label: 'R', propertyName: 'text' } })).data;
    await untilReady(c, ix.id);
    const retried = (await c.ok('POST /ai/indexes/{id}/retry', { params: { id: ix.id } })).data;
    expect(retried).toMatchObject({ id: ix.id, status: 'ready', error: null });
    const read = await createKey(request, c.project, { scope: 'read' });
    await c.with(bearer(read.key)).fails('POST /ai/indexes/{id}/retry', 403, 'FORBIDDEN', { params: { id: ix.id } });
    await c.with(bearer(read.key)).fails('DELETE /ai/indexes/{id}', 403, 'FORBIDDEN', { params: { id: ix.id } });
  });
});
