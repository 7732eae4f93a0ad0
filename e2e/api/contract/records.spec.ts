import { expect, test } from '@playwright/test';
import { bearer, createKey } from '../../helpers/api';
import { expectPath, freshProject, NO_SUCH_ID } from './contract';

test.describe('contract: records', () => {
  test('POST /records: plain, nested (children linked HAS_<KEY> or options.relationshipType), typed output', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-create');
    const plain = (
      await c.ok('POST /records', {
        body: {
          label: 'MEMORY',
          data: { text: 'likes tea', importance: 3, done: false, at: '2026-01-02', tags: ['a', 'b'], gone: null },
        },
      })
    ).data;
    expect(plain).toMatchObject({
      __label: 'MEMORY',
      text: 'likes tea',
      importance: 3,
      done: false,
      at: '2026-01-02',
      tags: ['a', 'b'],
      gone: null,
    });
    expect(plain.__proptypes).toEqual({
      text: 'string',
      importance: 'number',
      done: 'boolean',
      at: 'datetime',
      tags: 'string[]',
      gone: 'null',
    });
    expect(plain.__createdAt).toBe(plain.__updatedAt);

    const parent = (
      await c.ok('POST /records', {
        body: {
          label: 'USER',
          data: { name: 'ann', address: { city: 'Oslo' }, pets: [{ name: 'rex' }, { name: 'tom' }] },
        },
      })
    ).data;
    expect(parent.__proptypes).toEqual({ name: 'string' });
    const rels = (await c.ok('GET /records/{id}/relationships', { params: { id: parent.__id } })).data;
    expect(rels.map((r: { type: string; otherLabel: string }) => `${r.type}->${r.otherLabel}`).sort()).toEqual([
      'HAS_ADDRESS->address',
      'HAS_PETS->pets',
      'HAS_PETS->pets',
    ]);

    const typed = (
      await c.ok('POST /records', {
        body: { label: 'DOC', data: { title: 't', part: { n: 1 } }, options: { relationshipType: 'CONTAINS' } },
      })
    ).data;
    const typedRels = (await c.ok('GET /records/{id}/relationships', { params: { id: typed.__id } })).data;
    expect(typedRels).toEqual([expect.objectContaining({ direction: 'out', type: 'CONTAINS', otherLabel: 'part' })]);
  });

  test('POST /records: mergeBy upserts (append merges, rewrite replaces); explicit properties override inference', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-merge');
    const first = (
      await c.ok('POST /records', {
        body: { label: 'U', data: { email: 'a@x.io', n: 1, keep: 'yes' }, options: { mergeBy: ['email'] } },
      })
    ).data;
    const second = (
      await c.ok('POST /records', {
        body: { label: 'U', data: { email: 'a@x.io', n: 2 }, options: { mergeBy: ['email'] } },
      })
    ).data;
    expect(second).toMatchObject({ __id: first.__id, email: 'a@x.io', n: 2, keep: 'yes' });
    const third = (
      await c.ok('POST /records', {
        body: {
          label: 'U',
          data: { email: 'a@x.io', n: 3 },
          options: { mergeBy: ['email'], mergeStrategy: 'rewrite' },
        },
      })
    ).data;
    expect(third.__id).toBe(first.__id);
    expect(third).not.toHaveProperty('keep');
    expect((await c.ok('POST /records/search', { body: { labels: ['U'] } })).total).toBe(1);
    expectPath(
      await c.fails('POST /records', 400, 'INVALID', {
        body: { label: 'U', data: { n: 1 }, options: { mergeBy: ['email'] } },
      }),
      ['data', 0, 'email'],
    );

    const explicit = (
      await c.ok('POST /records', {
        body: {
          label: 'T',
          properties: [
            { name: 'code', type: 'string', value: '007' },
            { name: 'when', type: 'datetime', value: '2026-03-04T05:06:07Z' },
            { name: 'n', type: 'number', value: 5 },
          ],
        },
      })
    ).data;
    expect(explicit.__proptypes).toEqual({ code: 'string', when: 'datetime', n: 'number' });
    expect(explicit.code).toBe('007');
    expectPath(
      await c.fails('POST /records', 400, 'INVALID', {
        body: { label: 'T', properties: [{ name: 'n', type: 'number', value: 'abc' }] },
      }),
      ['properties', 0, 'value'],
    );
  });

  test('POST /records errors: mixed array 400 at its path, data and properties together 400, read key 403, no key 401', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-create-err');
    const mixed = await c.fails('POST /records', 400, 'INVALID', { body: { label: 'M', data: { tags: [1, 'a'] } } });
    expectPath(mixed, ['data', 'tags', 1]);
    expectPath(await c.fails('POST /records', 400, 'INVALID', { body: { label: 'M', data: {}, properties: [] } }), [
      'data',
    ]);
    expectPath(await c.fails('POST /records', 400, 'INVALID', { body: { label: '', data: {} } }), ['label']);
    // An unknown key is named by its own path, not by the object holding it.
    expectPath(await c.fails('POST /records', 400, 'INVALID', { body: { label: 'M', data: {}, colour: 'red' } }), [
      'colour',
    ]);
    expectPath(
      await c.fails('POST /records', 400, 'INVALID', { body: { label: 'M', data: {}, options: { mergeby: ['a'] } } }),
      ['options', 'mergeby'],
    );
    const read = await createKey(request, c.project, { scope: 'read' });
    await c.with(bearer(read.key)).fails('POST /records', 403, 'FORBIDDEN', { body: { label: 'M', data: {} } });
    await c.with({}).fails('POST /records', 401, 'UNAUTHORIZED', { body: { label: 'M', data: {} } });
    expect((await c.ok('POST /records/search', { body: {} })).total).toBe(0);
  });

  test('GET /records/{id}: the record; unknown 404, malformed id 400 at path id, another project 404', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-get');
    const other = await freshProject(request, 'c-get-other');
    const rec = (await c.ok('POST /records', { body: { label: 'A', data: { n: 1 } } })).data;
    const got = (await c.ok('GET /records/{id}', { params: { id: rec.__id } })).data;
    expect(got).toEqual(rec);
    await c.fails('GET /records/{id}', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } });
    expectPath(await c.fails('GET /records/{id}', 400, 'INVALID', { params: { id: 'nope' } }), ['id']);
    await other.fails('GET /records/{id}', 404, 'NOT_FOUND', { params: { id: rec.__id } });
  });

  test('PATCH /records/{id} merges; PUT replaces; both 404 on unknown ids and 400 on a non-object data', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-update');
    const rec = (await c.ok('POST /records', { body: { label: 'A', data: { a: 1, b: 'x' } } })).data;
    const patched = (
      await c.ok('PATCH /records/{id}', { params: { id: rec.__id }, body: { data: { b: 'y', c: true } } })
    ).data;
    expect(patched).toMatchObject({ __id: rec.__id, a: 1, b: 'y', c: true });
    expect(patched.__proptypes).toEqual({ a: 'number', b: 'string', c: 'boolean' });
    expect(Date.parse(patched.__updatedAt)).toBeGreaterThanOrEqual(Date.parse(rec.__updatedAt));
    expect(patched.__createdAt).toBe(rec.__createdAt);

    const put = (await c.ok('PUT /records/{id}', { params: { id: rec.__id }, body: { data: { z: 9 } } })).data;
    expect(put.__proptypes).toEqual({ z: 'number' });
    expect(put).not.toHaveProperty('a');
    expect((await c.ok('GET /records/{id}', { params: { id: rec.__id } })).data).toEqual(put);

    for (const op of ['PATCH /records/{id}', 'PUT /records/{id}'] as const) {
      await c.fails(op, 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID }, body: { data: { a: 1 } } });
      expectPath(await c.fails(op, 400, 'INVALID', { params: { id: rec.__id }, body: { data: 'x' } }), ['data']);
      expectPath(await c.fails(op, 400, 'INVALID', { params: { id: rec.__id }, body: { data: { bad: [true, 1] } } }), [
        'data',
        'bad',
        1,
      ]);
      expectPath(await c.fails(op, 400, 'INVALID', { params: { id: rec.__id }, body: { data: {}, zzz: 1 } }), ['zzz']);
    }
    const read = await createKey(request, c.project, { scope: 'read' });
    await c
      .with(bearer(read.key))
      .fails('PATCH /records/{id}', 403, 'FORBIDDEN', { params: { id: rec.__id }, body: { data: { a: 2 } } });
    await c
      .with(bearer(read.key))
      .fails('PUT /records/{id}', 403, 'FORBIDDEN', { params: { id: rec.__id }, body: { data: { a: 2 } } });
  });

  test('DELETE /records/{id}: its relationships go; cascade=true takes the nested children too; 404 after', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-delete');
    const keep = (await c.ok('POST /records', { body: { label: 'P', data: { name: 'keep', kid: { n: 1 } } } })).data;
    const gone = (
      await c.ok('POST /records', { body: { label: 'P', data: { name: 'gone', kid: { n: 2 }, more: [{ n: 3 }] } } })
    ).data;

    expect((await c.ok('DELETE /records/{id}', { params: { id: keep.__id } })).data).toEqual({ deleted: 1 });
    // Without cascade the child stays, unlinked.
    expect((await c.ok('POST /records/search', { body: { labels: ['kid'], where: { n: 1 } } })).total).toBe(1);
    expect((await c.ok('POST /relationships/search', { body: { source: { labels: ['P'] } } })).total).toBe(2);

    expect(
      (await c.ok('DELETE /records/{id}', { params: { id: gone.__id }, query: { cascade: 'true' } })).data,
    ).toEqual({ deleted: 3 });
    expect((await c.ok('POST /labels/search', { body: {} })).data).toEqual({ kid: 1 });
    await c.fails('GET /records/{id}', 404, 'NOT_FOUND', { params: { id: gone.__id } });
    await c.fails('DELETE /records/{id}', 404, 'NOT_FOUND', { params: { id: gone.__id } });
    expectPath(
      await c.fails('DELETE /records/{id}', 400, 'INVALID', { params: { id: keep.__id }, query: { cascade: 'maybe' } }),
      ['cascade'],
    );
  });
});
