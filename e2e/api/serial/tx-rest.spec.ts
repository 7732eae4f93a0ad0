import { expect, test } from '@playwright/test';
import { REST } from '../../helpers/api';
import { E2E_DATABASE_KIND } from '../../helpers/env';
import { expectPath, freshProject, NO_SUCH_ID, untilReady, type Client } from '../contract/contract';
import { AFTER, BEFORE, expectSnapshot, makeWorld, snapshot, TEA, type World } from './world';

/**
 * One transaction across REST calls (x-transaction-id). Serial: on the embedded database the open
 * transaction holds the only connection, so a read from outside waits ENGRAM_TX_WAIT_MS and answers 503;
 * the outside view is therefore checked on PostgreSQL, where each transaction has its own connection.
 */
const postgres = E2E_DATABASE_KIND === 'postgres';

/** Every kind of write, inside the transaction, each answer held to the document; then its own reads. */
async function writeEverything(t: Client, w: World) {
  const r = (await t.ok('POST /records', { body: { label: 'NEW', data: { name: 'r', part: { n: 1 } } } })).data;
  expect(
    (await t.ok('PATCH /records/{id}', { params: { id: w.x }, body: { data: { patched: true } } })).data,
  ).toMatchObject({ patched: true, v: 1 });
  expect(
    (await t.ok('PUT /records/{id}', { params: { id: w.y }, body: { data: { name: 'y', only: 'this' } } })).data
      .__proptypes,
  ).toEqual({ name: 'string', only: 'string' });
  expect((await t.ok('DELETE /records/{id}', { params: { id: w.z } })).data).toEqual({ deleted: 1 });
  expect(
    (
      await t.ok('POST /relationships/{sourceId}', {
        params: { sourceId: r.__id },
        body: { targetIds: w.t1, type: 'NEW_LINK' },
      })
    ).data,
  ).toEqual({ attached: 1 });
  expect(
    (await t.ok('PUT /relationships/{sourceId}', { params: { sourceId: w.x }, body: { targetIds: w.t1 } })).data,
  ).toEqual({ detached: 1 });
  expect(
    (await t.ok('POST /records/import/json', { body: { label: 'J', data: '{"n":1}\n{"n":2}\n' } })).data,
  ).toMatchObject({ created: 2 });
  expect(
    (await t.ok('POST /records/import/csv', { body: { label: 'CSV', csv: 'a,b\n1,x\n2,y\n' } })).data,
  ).toMatchObject({ created: 2 });
  const batch = (
    await t.ok('POST /batch', {
      body: {
        ops: [
          { op: 'create', label: 'BATCH', data: { n: 1 } },
          { op: 'attach', sourceId: { $op: 0 }, targetIds: r.__id, type: 'BATCH_LINK' },
        ],
      },
    })
  ).data;
  expect(batch.results[1].result).toEqual({ attached: 1 });
  expect(
    (await t.ok('POST /ai/indexes', { body: { label: 'NEW', propertyName: 'vec', external: true, dimensions: 2 } }))
      .data.status,
  ).toBe('ready');
  expect((await t.ok('DELETE /ai/indexes/{id}', { params: { id: w.ext } })).data.id).toBe(w.ext);
  await t.ok('POST /records', { body: { label: 'NOTE', data: { text: TEA } } });

  // Reads inside see the transaction's writes, search by meaning included.
  const meaning = await t.ok('POST /ai/search', {
    body: { labels: ['NOTE'], propertyName: 'text', query: 'a cup of tea', mode: 'semantic' },
  });
  expect(meaning.data.map((n: { text: string }) => n.text)).toEqual([TEA, 'bob rides his bicycle to work']);
  const hybrid = await t.ok('POST /ai/search', {
    body: { labels: ['NOTE'], propertyName: 'text', query: 'green tea', where: { text: { $contains: 'alice' } } },
  });
  expect(hybrid.data.map((n: { text: string }) => n.text)).toEqual([TEA]);
  expect((await t.ok('GET /records/{id}', { params: { id: r.__id } })).data.name).toBe('r');
  await t.fails('GET /records/{id}', 404, 'NOT_FOUND', { params: { id: w.z } });
  expect((await t.ok('GET /records/{id}/relationships', { params: { id: r.__id } })).data).toHaveLength(3);
  await t.fails('GET /ai/indexes/{id}', 404, 'NOT_FOUND', { params: { id: w.ext } });
  expectSnapshot(await snapshot(t), AFTER, 'inside the transaction');
}

async function begin(c: Client, ttl = 30_000): Promise<string> {
  return (await c.ok('POST /tx', { body: { ttl } })).data.id as string;
}

test.describe('REST: one transaction across calls (x-transaction-id)', () => {
  test('every kind of write inside; reads inside see them; outside sees nothing until commit; commit keeps them all', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-txr-commit');
    const w = await makeWorld(c);
    expectSnapshot(await snapshot(c), BEFORE, 'before');
    const id = await begin(c);
    try {
      await writeEverything(c.inTx(id), w);
      // Without the search: it waits behind the index DDL of this transaction (the last test of this file).
      if (postgres)
        expectSnapshot(await snapshot(c, { meaning: false }), { ...BEFORE, tea: [] }, 'outside, while open');
      expect((await c.ok('POST /tx/{id}/commit', { params: { id } })).data).toEqual({ id, status: 'committed' });
    } finally {
      await request.post(`${REST}/tx/${id}/rollback`, { headers: c.headers });
    }
    expectSnapshot(await snapshot(c), AFTER, 'after commit');
    // A repeated commit answers the same; the data stays.
    expect((await c.ok('POST /tx/{id}/commit', { params: { id } })).data).toEqual({ id, status: 'committed' });
  });

  test('rollback: every kind of write is gone, and the index deleted inside is back', async ({ request }) => {
    const c = await freshProject(request, 'c-txr-rollback');
    const w = await makeWorld(c);
    const id = await begin(c);
    try {
      await writeEverything(c.inTx(id), w);
    } finally {
      expect((await c.ok('POST /tx/{id}/rollback', { params: { id } })).data).toEqual({ id, status: 'rolled back' });
    }
    expectSnapshot(await snapshot(c), BEFORE, 'after rollback');
    expect((await c.ok('GET /ai/indexes/{id}', { params: { id: w.ext } })).data.id).toBe(w.ext);
    expect((await c.ok('POST /tx/{id}/rollback', { params: { id } })).data).toEqual({ id, status: 'rolled back' });
    await c.inTx(id).fails('POST /records', 409, 'CONFLICT', { body: { label: 'LATE', data: {} } });
  });

  test('a managed index made inside embeds the writes inside (searchable at once); after commit it is there and ready', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-txr-index');
    const id = await begin(c);
    const t = c.inTx(id);
    let indexId: string;
    try {
      indexId = (await t.ok('POST /ai/indexes', { body: { label: 'DOC', propertyName: 'body' } })).data.id;
      await t.ok('POST /records', { body: { label: 'DOC', data: { body: 'the cat sleeps on the sofa' } } });
      await t.ok('POST /records', { body: { label: 'DOC', data: { body: 'stock prices fell on monday' } } });
      const hits = await t.ok('POST /ai/search', {
        body: { labels: ['DOC'], propertyName: 'body', query: 'a sleeping kitten', mode: 'semantic', limit: 1 },
      });
      expect(hits.data.map((d: { body: string }) => d.body)).toEqual(['the cat sleeps on the sofa']);
      expect((await t.ok('GET /ai/indexes')).total).toBe(1);
      if (postgres) expect((await c.ok('GET /ai/indexes')).total).toBe(0);
      await c.ok('POST /tx/{id}/commit', { params: { id } });
    } finally {
      await request.post(`${REST}/tx/${id}/rollback`, { headers: c.headers });
    }
    await untilReady(c, indexId!);
    expect((await c.ok('GET /ai/indexes/{id}', { params: { id: indexId! } })).data.progress).toEqual({
      indexed: 2,
      total: 2,
    });
    const after = await c.ok('POST /ai/search', {
      body: { labels: ['DOC'], propertyName: 'body', query: 'a sleeping kitten', mode: 'semantic', limit: 1 },
    });
    expect(after.data[0].body).toBe('the cat sleeps on the sofa');
  });

  test('expiry: once the TTL passes every call naming it is 409 expired, commit too; nothing was written; rollback is harmless', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-txr-expiry');
    const id = await begin(c, 1_000);
    const t = c.inTx(id);
    await t.ok('POST /records', { body: { label: 'EXP', data: { n: 1 } } });
    await expect
      .poll(async () => (await request.get(`${REST}/tx/${id}`, { headers: c.headers })).status(), {
        timeout: 10_000,
        intervals: [100],
      })
      .toBe(409);
    expect((await c.fails('GET /tx/{id}', 409, 'CONFLICT', { params: { id } })).details?.reason).toBe('expired');
    expect(
      (await t.fails('POST /records', 409, 'CONFLICT', { body: { label: 'EXP', data: { n: 2 } } })).details?.reason,
    ).toBe('expired');
    expect((await t.fails('POST /records/search', 409, 'CONFLICT', { body: {} })).details?.reason).toBe('expired');
    expect((await c.fails('POST /tx/{id}/commit', 409, 'CONFLICT', { params: { id } })).details?.reason).toBe(
      'expired',
    );
    expect((await c.ok('POST /tx/{id}/rollback', { params: { id } })).data).toEqual({ id, status: 'rolled back' });
    expect((await c.ok('POST /records/search', { body: { labels: ['EXP'] } })).total).toBe(0);
  });

  test('a failing request inside rolls back only itself (savepoint): the transaction stays usable and commits the rest', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-txr-savepoint');
    const id = await begin(c);
    const t = c.inTx(id);
    try {
      const a = (await t.ok('POST /records', { body: { label: 'S', data: { name: 'a' } } })).data;
      await t.ok('POST /ai/indexes', { body: { label: 'S', propertyName: 'v', external: true, dimensions: 2 } });
      await t.fails('GET /records/{id}', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } });
      expectPath(await t.fails('POST /records', 400, 'INVALID', { body: { label: 'S', data: { bad: [1, 'x'] } } }), [
        'data',
        'bad',
        1,
      ]);
      await t.fails('POST /ai/indexes', 409, 'CONFLICT', {
        body: { label: 'S', propertyName: 'v', external: true, dimensions: 2 },
      });
      await t.fails('PATCH /records/{id}', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID }, body: { data: { n: 1 } } });
      await t.fails('POST /relationships/{sourceId}', 404, 'NOT_FOUND', {
        params: { sourceId: a.__id },
        body: { targetIds: NO_SUCH_ID },
      });
      // A failing batch inside: its own creates are undone with it, the transaction goes on.
      await t.fails('POST /batch', 400, 'INVALID', {
        body: {
          ops: [
            { op: 'create', label: 'S', data: { name: 'from batch' } },
            { op: 'create', label: 'S', data: { bad: [true, 1] } },
          ],
        },
      });
      await t.ok('POST /records', { body: { label: 'S', data: { name: 'b' } } });
      expect((await c.ok('GET /tx/{id}', { params: { id } })).data.id).toBe(id);
      expect(
        (await t.ok('POST /records/search', { body: { labels: ['S'], orderBy: { name: 'asc' } } })).data.map(
          (r: { name: string }) => r.name,
        ),
      ).toEqual(['a', 'b']);
      await c.ok('POST /tx/{id}/commit', { params: { id } });
    } finally {
      await request.post(`${REST}/tx/${id}/rollback`, { headers: c.headers });
    }
    expect(
      (await c.ok('POST /records/search', { body: { labels: ['S'], orderBy: { name: 'asc' } } })).data.map(
        (r: { name: string }) => r.name,
      ),
    ).toEqual(['a', 'b']);
    expect((await c.ok('GET /ai/indexes')).total).toBe(1);
  });

  test('refused inside a transaction (400 at headers.x-transaction-id, nothing waits): POST /tx, projects, keys, suggestion analysis; unknown or malformed ids', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-txr-refuse');
    const id = await begin(c);
    const t = c.inTx(id);
    try {
      const header = ['headers', 'x-transaction-id'];
      expectPath(await t.fails('POST /tx', 400, 'INVALID', { body: {} }), header);
      expectPath(await t.fails('POST /projects', 400, 'INVALID', { body: { name: 'never-made' } }), header);
      expectPath(await t.fails('POST /keys', 400, 'INVALID', { body: { name: 'k', scope: 'read' } }), header);
      expectPath(await t.fails('GET /keys', 400, 'INVALID'), header);
      expectPath(
        await t.fails('POST /relationships/suggestions/analyze', 400, 'INVALID', { body: { wait: true } }),
        header,
      );
      // Still usable after the refusals.
      await t.ok('POST /records', { body: { label: 'STILL', data: {} } });
      expectPath(
        await c.inTx('not-a-uuid').fails('POST /records', 400, 'INVALID', { body: { label: 'X', data: {} } }),
        header,
      );
      await c.inTx(NO_SUCH_ID).fails('POST /records', 404, 'NOT_FOUND', { body: { label: 'X', data: {} } });
      expect((await t.ok('POST /records/search', { body: {} })).total).toBe(1);
    } finally {
      await c.ok('POST /tx/{id}/rollback', { params: { id } });
    }
    expect((await c.ok('POST /records/search', { body: {} })).total).toBe(0);
  });

  test('PostgreSQL: an index created or deleted inside an open transaction does not stop other projects searching and writing', async ({
    request,
  }) => {
    test.skip(!postgres, 'embedded: every request outside an open transaction waits for it by design');
    const a = await freshProject(request, 'c-txr-ddl-a');
    const b = await freshProject(request, 'c-txr-ddl-b');
    const doomed = (
      await a.ok('POST /ai/indexes', { body: { label: 'V', propertyName: 'e', external: true, dimensions: 2 } })
    ).data.id as string;
    await b.ok('POST /ai/indexes', { body: { label: 'V', propertyName: 'e', external: true, dimensions: 2 } });
    await b.ok('POST /records', {
      body: { label: 'V', data: { n: 1 }, vectors: [{ propertyName: 'e', vector: [1, 0] }] },
    });
    const search = {
      body: { labels: ['V'], propertyName: 'e', queryVector: [1, 0], mode: 'semantic' },
      timeout: 3_000,
    };

    const waited: string[] = [];
    const outside = (what: string, call: () => Promise<unknown>) =>
      call().catch((e: Error) => waited.push(`${what}: ${e.message.split('\n')[0]}`));

    // DROP INDEX of the vector index takes an ACCESS EXCLUSIVE lock on the shared embedding table until
    // the transaction ends: project b's search by meaning must not wait for project a's transaction.
    let id = await begin(a, 20_000);
    try {
      await a.inTx(id).ok('DELETE /ai/indexes/{id}', { params: { id: doomed } });
      await outside("b's search while a's transaction deleted an index", () => b.ok('POST /ai/search', search));
    } finally {
      await a.ok('POST /tx/{id}/rollback', { params: { id } });
    }
    // CREATE INDEX takes a SHARE lock on it: project b's writes that embed must not wait either.
    id = await begin(a, 20_000);
    try {
      await a
        .inTx(id)
        .ok('POST /ai/indexes', { body: { label: 'W', propertyName: 'e', external: true, dimensions: 3 } });
      await outside("b's write with a vector while a's transaction created an index", () =>
        b.ok('POST /records', {
          body: { label: 'V', data: { n: 2 }, vectors: [{ propertyName: 'e', vector: [0, 1] }] },
          timeout: 3_000,
        }),
      );
    } finally {
      await a.ok('POST /tx/{id}/rollback', { params: { id } });
    }
    expect(waited).toEqual([]);
  });
});
