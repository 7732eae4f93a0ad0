import { expect, test } from '@playwright/test';
import { expectPath, freshProject, NO_SUCH_ID } from './contract';

/** Record history over HTTP on the production server: versions, reads as of a time, restore. */
test.describe('contract: record history', () => {
  test('GET /records/{id}/history lists versions newest first; GET /records/{id}?asOf reads the past; POST restore', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-history');
    const rec = (await c.ok('POST /records', { body: { label: 'DOC', data: { title: 'one' } } })).data;
    await new Promise((r) => setTimeout(r, 10));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 10));
    await c.ok('PATCH /records/{id}', { params: { id: rec.__id }, body: { data: { title: 'two' } } });

    const h = await c.ok('GET /records/{id}/history', { params: { id: rec.__id } });
    expect(h.total).toBe(2);
    expect(
      h.data.map((v: { version: number; change: string; operation: string; actor: string }) => [
        v.version,
        v.change,
        v.operation,
        v.actor,
      ]),
    ).toEqual([
      [2, 'update', 'records.update', 'master'],
      [1, 'create', 'records.create', 'master'],
    ]);
    expect(
      (await c.ok('GET /records/{id}/history', { params: { id: rec.__id }, query: { limit: 1, skip: 1 } })).data,
    ).toHaveLength(1);
    await c.fails('GET /records/{id}/history', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } });
    expectPath(
      await c.fails('GET /records/{id}/history', 400, 'INVALID', { params: { id: rec.__id }, query: { limit: 0 } }),
      ['limit'],
    );

    const past = await c.ok('GET /records/{id}', { params: { id: rec.__id }, query: { asOf: between } });
    expect(past.data).toMatchObject({ __id: rec.__id, title: 'one', __createdAt: rec.__createdAt });
    await c.fails('GET /records/{id}', 404, 'NOT_FOUND', { params: { id: rec.__id }, query: { asOf: '2001-01-01' } });
    expectPath(
      await c.fails('GET /records/{id}', 400, 'INVALID', { params: { id: rec.__id }, query: { asOf: 'soon' } }),
      ['asOf'],
    );

    const restored = await c.ok('POST /records/{id}/restore', { params: { id: rec.__id }, body: { version: 1 } });
    expect(restored.data).toMatchObject({ __id: rec.__id, title: 'one' });
    expect((await c.ok('GET /records/{id}/history', { params: { id: rec.__id } })).data[0]).toMatchObject({
      version: 3,
      change: 'update',
      operation: 'records.restore',
    });
    await c.fails('POST /records/{id}/restore', 404, 'NOT_FOUND', { params: { id: rec.__id }, body: { version: 42 } });
    expectPath(
      await c.fails('POST /records/{id}/restore', 400, 'INVALID', { params: { id: rec.__id }, body: { version: 'x' } }),
      ['version'],
    );
  });

  test('GET /records/{id}/relationship-history lists attaches and detaches from either end', async ({ request }) => {
    const c = await freshProject(request, 'c-rel-history');
    const a = (await c.ok('POST /records', { body: { label: 'A', data: { n: 1 } } })).data;
    const b = (await c.ok('POST /records', { body: { label: 'B', data: { n: 2 } } })).data;
    await c.ok('POST /relationships/{sourceId}', {
      params: { sourceId: a.__id },
      body: { targetIds: b.__id, type: 'LINKS' },
    });
    await c.ok('PUT /relationships/{sourceId}', { params: { sourceId: a.__id }, body: { targetIds: b.__id } });
    const fromA = await c.ok('GET /records/{id}/relationship-history', { params: { id: a.__id } });
    expect(fromA.total).toBe(2);
    expect(fromA.data.map((e: { change: string; direction: string }) => [e.change, e.direction])).toEqual([
      ['detach', 'out'],
      ['attach', 'out'],
    ]);
    const fromB = await c.ok('GET /records/{id}/relationship-history', { params: { id: b.__id }, query: { limit: 1 } });
    expect(fromB.data).toEqual([
      expect.objectContaining({
        change: 'detach',
        direction: 'in',
        otherId: a.__id,
        operation: 'relationships.detach',
      }),
    ]);
    await c.fails('GET /records/{id}/relationship-history', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } });
    expectPath(await c.fails('GET /records/{id}/relationship-history', 400, 'INVALID', { params: { id: 'nope' } }), [
      'id',
    ]);
  });
});
