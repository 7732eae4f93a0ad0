import { expect, test } from '@playwright/test';
import { asMaster, bearer, createKey, createProject, expectStatus, uniqueName } from '../../helpers/api';
import { NO_SUCH_ID } from './contract';
import {
  errorOf,
  resultOf,
  TRPC,
  trpcBatchMutation,
  trpcBatchQuery,
  trpcFails,
  trpcMutation,
  trpcOk,
  trpcQuery,
  type TrpcEnvelope,
} from './trpc';

test.describe('contract: tRPC over HTTP', () => {
  test('queries as GET ?input=, mutations as POST; results match the OpenAPI schema of the same procedure', async ({
    request,
  }) => {
    const p = await createProject(request, 'c-trpc');
    const h = asMaster(p.id);
    const created = await trpcOk(
      await trpcMutation(request, 'records.create', { label: 'T', data: { name: 'ann', kid: { n: 1 } } }, h),
      'records.create',
    );
    expect(created).toMatchObject({ __label: 'T', name: 'ann', __proptypes: { name: 'string' } });
    const got = await trpcOk(await trpcQuery(request, 'records.get', { id: created.__id }, h), 'records.get');
    expect(got).toEqual(created);
    const found = await trpcOk(await trpcQuery(request, 'records.search', { labels: ['kid'] }, h), 'records.search');
    expect(found.total).toBe(1);
    expect(found.items[0]).toMatchObject({ n: 1 });
    const patched = await trpcOk(
      await trpcMutation(request, 'records.update', { id: created.__id, data: { age: 3 } }, h),
      'records.update',
    );
    expect(patched).toMatchObject({ name: 'ann', age: 3 });
    const schema = await trpcOk(await trpcQuery(request, 'schema.get', undefined, h), 'schema.get');
    expect(schema.labels.map((l: { name: string }) => l.name).sort()).toEqual(['T', 'kid']);
    // A tRPC-only procedure: the console's records browser.
    const listed = await trpcOk(await trpcQuery(request, 'records.find', { labels: ['T'] }, h), 'records.find');
    expect(listed.items.map((r: { __id: string }) => r.__id)).toEqual([created.__id]);
    // Raw REST routes answer tRPC with their fields.
    const md = await trpcOk(await trpcQuery(request, 'schema.markdown', {}, h), 'schema.markdown');
    expect(md.markdown).toContain('## T');
  });

  test('error shape: error.data.domain carries code, message, details.path; httpStatus matches the status', async ({
    request,
  }) => {
    const p = await createProject(request, 'c-trpc-err');
    const h = asMaster(p.id);
    const invalid = await trpcFails(
      await trpcMutation(request, 'records.create', { label: 'T', data: { tags: [1, 'x'] } }, h),
      'records.create',
      400,
      'INVALID',
    );
    expect(invalid.details?.path).toEqual(['data', 'tags', 1]);
    const strict = await trpcFails(
      await trpcQuery(request, 'records.get', { id: 'nope' }, h),
      'records.get',
      400,
      'INVALID',
    );
    expect(strict.details?.path).toEqual(['id']);
    const missing = await trpcFails(
      await trpcQuery(request, 'records.get', { id: NO_SUCH_ID }, h),
      'records.get',
      404,
      'NOT_FOUND',
    );
    expect(missing.details?.path).toEqual(['id']);
    const name = uniqueName('c-trpc-dup');
    await trpcOk(await trpcMutation(request, 'projects.create', { name }, asMaster()), 'projects.create');
    await trpcFails(
      await trpcMutation(request, 'projects.create', { name }, asMaster()),
      'projects.create',
      409,
      'CONFLICT',
    );
    await trpcFails(await trpcQuery(request, 'records.search', {}, {}), 'records.search', 401, 'UNAUTHORIZED');
    const read = await createKey(request, p, { scope: 'read' });
    await trpcFails(
      await trpcMutation(request, 'records.create', { label: 'T', data: {} }, bearer(read.key)),
      'records.create',
      403,
      'FORBIDDEN',
    );
    expect(
      (await trpcOk(await trpcQuery(request, 'records.search', {}, bearer(read.key)), 'records.search')).total,
    ).toBe(0);
    // The wrong method and an unknown procedure keep the shape.
    const wrong = await trpcFails(
      await trpcQuery(request, 'records.create', { label: 'T', data: {} }, h),
      'records.create',
      405,
      'INVALID',
    );
    expect(wrong.message).toMatch(/mutation/);
    await trpcFails(await trpcMutation(request, 'records.search', {}, h), 'records.search', 405, 'INVALID');
    await trpcFails(await trpcQuery(request, 'records.nope', {}, h), 'records.nope', 404, 'NOT_FOUND');
    const ctype = await request.post(`${TRPC}/records.create`, {
      headers: { ...h, 'content-type': 'text/plain' },
      data: JSON.stringify({ label: 'T', data: {} }),
    });
    expect(ctype.status()).toBe(415);
    expect(
      ((await ctype.json()) as TrpcEnvelope & { error: { data: { domain: { code: string } } } }).error.data.domain.code,
    ).toBe('INVALID');
  });

  test('batches: queries by GET, mutations by POST, each call answered on its own (207 when they differ); more than 50 calls refused', async ({
    request,
  }) => {
    const p = await createProject(request, 'c-trpc-batch');
    const h = asMaster(p.id);
    const made = await trpcBatchMutation(
      request,
      [
        ['records.create', { label: 'B', data: { n: 1 } }],
        ['records.create', { label: 'B', data: { n: 2 } }],
      ],
      h,
    );
    await expectStatus(made, 200);
    const [one, two] = (await made.json()) as TrpcEnvelope[];
    const a = await resultOf(one!, 'records.create');
    const b = await resultOf(two!, 'records.create');
    expect([a.n, b.n]).toEqual([1, 2]);

    const read = await trpcBatchQuery(
      request,
      [
        ['records.get', { id: a.__id }],
        ['records.search', { labels: ['B'], orderBy: { n: 'desc' } }],
        ['labels.search', {}],
      ],
      h,
    );
    await expectStatus(read, 200);
    const [got, search, labels] = (await read.json()) as TrpcEnvelope[];
    expect((await resultOf(got!, 'records.get')).__id).toBe(a.__id);
    expect((await resultOf(search!, 'records.search')).items.map((r: { n: number }) => r.n)).toEqual([2, 1]);
    expect(await resultOf(labels!, 'labels.search')).toEqual({ B: 2 });

    const mixed = await trpcBatchMutation(
      request,
      [
        ['records.create', { label: 'B', data: { n: 3 } }],
        ['records.create', { label: '', data: {} }],
      ],
      h,
    );
    expect(mixed.status()).toBe(207);
    const [ok, failed] = (await mixed.json()) as TrpcEnvelope[];
    expect((await resultOf(ok!, 'records.create')).n).toBe(3);
    expect((await errorOf(failed!, 'records.create', 400, 'INVALID')).details?.path).toEqual(['label']);
    // The failed call did not undo the other: calls of a batch are separate requests.
    expect(
      (await trpcOk(await trpcQuery(request, 'records.search', { labels: ['B'] }, h), 'records.search')).total,
    ).toBe(3);

    const many = await trpcBatchQuery(
      request,
      Array.from({ length: 51 }, () => ['labels.search', {}] as [string, unknown]),
      h,
    );
    expect(many.status()).toBe(400);
    const body = (await many.json()) as TrpcEnvelope | TrpcEnvelope[];
    const first = (Array.isArray(body) ? body[0] : body) as { error: { data: { domain: { code: string } } } };
    expect(first.error.data.domain.code).toBe('INVALID');
  });
});
