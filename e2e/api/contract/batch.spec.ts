import { expect, test } from '@playwright/test';
import { bearer, createKey } from '../../helpers/api';
import { expectPath, freshProject } from './contract';

test.describe('contract: batch', () => {
  test('POST /batch runs every op kind in order, with { $op: n } references, atomically', async ({ request }) => {
    const c = await freshProject(request, 'c-batch');
    const old = (await c.ok('POST /records', { body: { label: 'OLD', data: { n: 0 } } })).data;
    const res = (
      await c.ok('POST /batch', {
        body: {
          ops: [
            { op: 'create', label: 'A', data: { name: 'a', n: 1 } },
            { op: 'create', label: 'B', data: { name: 'b' } },
            { op: 'attach', sourceId: { $op: 0 }, targetIds: [{ $op: 1 }, old.__id], type: 'LINKS' },
            { op: 'update', id: { $op: 0 }, data: { n: 2 } },
            { op: 'upsert', label: 'B', data: { name: 'b', seen: true }, mergeBy: ['name'] },
            { op: 'set', id: old.__id, data: { n: 10 } },
            { op: 'detach', sourceId: { $op: 0 }, targetIds: old.__id },
            { op: 'delete', id: { $op: 1 } },
          ],
        },
      })
    ).data;
    expect(res.results.map((r: { op: string; index: number }) => `${r.index}:${r.op}`)).toEqual([
      '0:create',
      '1:create',
      '2:attach',
      '3:update',
      '4:upsert',
      '5:set',
      '6:detach',
      '7:delete',
    ]);
    const [created, , attach, update, upsert] = res.results;
    expect(attach.result).toEqual({ attached: 2 });
    expect(update.result).toMatchObject({ __id: created.result.__id, n: 2 });
    expect(upsert.result).toMatchObject({ __id: res.results[1].result.__id, seen: true });
    expect(res.results[6].result).toEqual({ detached: 1 });
    expect(res.results[7].result).toEqual({ deleted: 1 });
    expect((await c.ok('POST /labels/search', { body: {} })).data).toEqual({ A: 1, OLD: 1 });
    expect((await c.ok('GET /records/{id}', { params: { id: old.__id } })).data).toMatchObject({ n: 10 });
    expect((await c.ok('POST /relationships/search', { body: {} })).total).toBe(0);
  });

  test('POST /batch: a failing op names its index (details.path starts ops, n) and nothing is written; bad refs, empty ops, read key 403', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-batch-err');
    const failed = await c.fails('POST /batch', 400, 'INVALID', {
      body: {
        ops: [
          { op: 'create', label: 'A', data: { n: 1 } },
          { op: 'create', label: 'A', data: { tags: [1, 'x'] } },
        ],
      },
    });
    expectPath(failed, ['ops', 1, 'data', 'tags', 1]);
    expect(failed.details?.op).toBe(1);
    const missing = await c.fails('POST /batch', 404, 'NOT_FOUND', {
      body: {
        ops: [
          { op: 'create', label: 'A', data: {} },
          { op: 'update', id: '00000000-0000-7000-8000-000000000000', data: { n: 1 } },
        ],
      },
    });
    expect(missing.details?.path?.slice(0, 2)).toEqual(['ops', 1]);
    expectPath(
      await c.fails('POST /batch', 400, 'INVALID', { body: { ops: [{ op: 'update', id: { $op: 0 }, data: {} }] } }),
      ['ops', 0, 'id'],
    );
    expectPath(await c.fails('POST /batch', 400, 'INVALID', { body: { ops: [] } }), ['ops']);
    expectPath(await c.fails('POST /batch', 400, 'INVALID', { body: { ops: [{ op: 'explode' }] } }), ['ops', 0, 'op']);
    const read = await createKey(request, c.project, { scope: 'read' });
    await c
      .with(bearer(read.key))
      .fails('POST /batch', 403, 'FORBIDDEN', { body: { ops: [{ op: 'create', label: 'A', data: {} }] } });
    expect((await c.ok('POST /records/search', { body: {} })).total).toBe(0);
  });
});
