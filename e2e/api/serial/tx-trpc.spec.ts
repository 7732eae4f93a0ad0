import { expect, test, type APIRequestContext } from '@playwright/test';
import { REST } from '../../helpers/api';
import { E2E_DATABASE_KIND } from '../../helpers/env';
import { freshProject, NO_SUCH_ID, type Client } from '../contract/contract';
import {
  errorOf,
  resultOf,
  trpcBatchMutation,
  trpcBatchQuery,
  trpcFails,
  trpcMutation,
  trpcOk,
  trpcQuery,
  type TrpcEnvelope,
} from '../contract/trpc';
import { AFTER, BEFORE, expectSnapshot, makeWorld, snapshot, TEA, type World } from './world';

/**
 * One transaction across tRPC calls: `transactionId` in each call's input, per call (in a batch only
 * the calls that name it run in it). Serial, like the REST ones (see tx-rest.spec.ts).
 */
const postgres = E2E_DATABASE_KIND === 'postgres';

function caller(request: APIRequestContext, c: Client, transactionId?: string) {
  const withTx = (input: object) => (transactionId ? { ...input, transactionId } : input);
  return {
    query: async (proc: string, input: object) =>
      trpcOk(await trpcQuery(request, proc, withTx(input), c.headers), proc),
    mutate: async (proc: string, input: object) =>
      trpcOk(await trpcMutation(request, proc, withTx(input), c.headers), proc),
    queryFails: async (proc: string, input: object, status: number, code: string) =>
      trpcFails(await trpcQuery(request, proc, withTx(input), c.headers), proc, status, code),
    mutateFails: async (proc: string, input: object, status: number, code: string) =>
      trpcFails(await trpcMutation(request, proc, withTx(input), c.headers), proc, status, code),
  };
}

async function begin(request: APIRequestContext, c: Client, ttl = 30_000): Promise<string> {
  const tx = await trpcOk(await trpcMutation(request, 'tx.begin', { ttl }, c.headers), 'tx.begin');
  expect(tx.ttlMs).toBe(ttl);
  return tx.id as string;
}

async function writeEverything(request: APIRequestContext, c: Client, w: World, txId: string) {
  const t = caller(request, c, txId);
  const r = await t.mutate('records.create', { label: 'NEW', data: { name: 'r', part: { n: 1 } } });
  expect(await t.mutate('records.update', { id: w.x, data: { patched: true } })).toMatchObject({ patched: true, v: 1 });
  expect((await t.mutate('records.set', { id: w.y, data: { name: 'y', only: 'this' } })).__proptypes).toEqual({
    name: 'string',
    only: 'string',
  });
  expect(await t.mutate('records.delete', { id: w.z })).toEqual({ deleted: 1 });
  expect(await t.mutate('relationships.attach', { sourceId: r.__id, targetIds: w.t1, type: 'NEW_LINK' })).toEqual({
    attached: 1,
  });
  expect(await t.mutate('relationships.detach', { sourceId: w.x, targetIds: [w.t1] })).toEqual({ detached: 1 });
  expect(await t.mutate('records.importJson', { label: 'J', data: [{ n: 1 }, { n: 2 }] })).toMatchObject({
    created: 2,
  });
  expect(await t.mutate('records.importCsv', { label: 'CSV', csv: 'a,b\n1,x\n2,y\n' })).toMatchObject({ created: 2 });
  const batch = await t.mutate('batch.run', {
    ops: [
      { op: 'create', label: 'BATCH', data: { n: 1 } },
      { op: 'attach', sourceId: { $op: 0 }, targetIds: r.__id, type: 'BATCH_LINK' },
    ],
  });
  expect(batch.results).toHaveLength(2);
  expect(
    (await t.mutate('ai.indexes.create', { label: 'NEW', propertyName: 'vec', external: true, dimensions: 2 })).source,
  ).toBe('external');
  expect((await t.mutate('ai.indexes.delete', { id: w.ext })).id).toBe(w.ext);
  await t.mutate('records.create', { label: 'NOTE', data: { text: TEA } });

  // Queries by GET with the transactionId in ?input= see the writes, search by meaning included.
  const meaning = await t.query('ai.search', {
    labels: ['NOTE'],
    propertyName: 'text',
    query: 'a cup of tea',
    mode: 'semantic',
  });
  expect(meaning.items.map((n: { text: string }) => n.text)).toEqual([TEA, 'bob rides his bicycle to work']);
  expect((await t.query('records.search', { labels: ['NEW', 'J', 'CSV', 'BATCH'] })).total).toBe(6);
  expect((await t.query('records.get', { id: w.x })).patched).toBe(true);
  await t.queryFails('records.get', { id: w.z }, 404, 'NOT_FOUND');
  expect(await t.query('labels.search', {})).toEqual(AFTER.labels);
  expectSnapshot(await snapshot(c.inTx(txId)), AFTER, 'inside, through REST');
}

test.describe('tRPC: one transaction across calls (transactionId)', () => {
  test('every kind of write inside; commit keeps them; outside saw nothing before (PostgreSQL)', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-txt-commit');
    const w = await makeWorld(c);
    const id = await begin(request, c);
    try {
      await writeEverything(request, c, w, id);
      if (postgres) expect(await caller(request, c).query('labels.search', {})).toEqual(BEFORE.labels);
      expect(await trpcOk(await trpcMutation(request, 'tx.commit', { id }, c.headers), 'tx.commit')).toEqual({
        id,
        status: 'committed',
      });
    } finally {
      await request.post(`${REST}/tx/${id}/rollback`, { headers: c.headers });
    }
    expectSnapshot(await snapshot(c), AFTER, 'after commit');
    expect(await trpcOk(await trpcMutation(request, 'tx.commit', { id }, c.headers), 'tx.commit')).toEqual({
      id,
      status: 'committed',
    });
    const late = await trpcFails(
      await trpcMutation(request, 'tx.rollback', { id }, c.headers),
      'tx.rollback',
      409,
      'CONFLICT',
    );
    expect(late.details?.reason).toBe('committed');
  });

  test('rollback: every kind of write is gone; repeated it answers the same; commit afterwards is 409 rolled back', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-txt-rollback');
    const w = await makeWorld(c);
    const id = await begin(request, c);
    try {
      await writeEverything(request, c, w, id);
    } finally {
      expect(await trpcOk(await trpcMutation(request, 'tx.rollback', { id }, c.headers), 'tx.rollback')).toEqual({
        id,
        status: 'rolled back',
      });
    }
    expectSnapshot(await snapshot(c), BEFORE, 'after rollback');
    expect(await trpcOk(await trpcMutation(request, 'tx.rollback', { id }, c.headers), 'tx.rollback')).toEqual({
      id,
      status: 'rolled back',
    });
    expect(
      (await trpcFails(await trpcMutation(request, 'tx.commit', { id }, c.headers), 'tx.commit', 409, 'CONFLICT'))
        .details?.reason,
    ).toBe('rolled back');
    expect(
      (await caller(request, c, id).mutateFails('records.create', { label: 'LATE', data: {} }, 409, 'CONFLICT')).details
        ?.reason,
    ).toBe('rolled back');
  });

  test('expiry: after the TTL, calls naming it answer 409 expired (error.data.domain), nothing was written', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-txt-expiry');
    const id = await begin(request, c, 1_000);
    const t = caller(request, c, id);
    await t.mutate('records.create', { label: 'EXP', data: { n: 1 } });
    await expect
      .poll(async () => (await trpcQuery(request, 'tx.get', { id }, c.headers)).status(), {
        timeout: 10_000,
        intervals: [100],
      })
      .toBe(409);
    expect((await t.mutateFails('records.create', { label: 'EXP', data: {} }, 409, 'CONFLICT')).details?.reason).toBe(
      'expired',
    );
    expect((await t.queryFails('records.search', {}, 409, 'CONFLICT')).details?.reason).toBe('expired');
    expect(
      (await trpcFails(await trpcMutation(request, 'tx.commit', { id }, c.headers), 'tx.commit', 409, 'CONFLICT'))
        .details?.reason,
    ).toBe('expired');
    expect(await trpcOk(await trpcMutation(request, 'tx.rollback', { id }, c.headers), 'tx.rollback')).toEqual({
      id,
      status: 'rolled back',
    });
    expect((await caller(request, c).query('records.search', { labels: ['EXP'] })).total).toBe(0);
  });

  test('a failing call inside rolls back only itself; a malformed or unknown transactionId is refused; the rest commits', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-txt-savepoint');
    const id = await begin(request, c);
    const t = caller(request, c, id);
    try {
      await t.mutate('records.create', { label: 'S', data: { name: 'a' } });
      expect(
        (await t.mutateFails('records.create', { label: 'S', data: { bad: [1, 'x'] } }, 400, 'INVALID')).details?.path,
      ).toEqual(['data', 'bad', 1]);
      await t.queryFails('records.get', { id: NO_SUCH_ID }, 404, 'NOT_FOUND');
      await t.mutateFails(
        'batch.run',
        {
          ops: [
            { op: 'create', label: 'S', data: { name: 'batch' } },
            { op: 'delete', id: NO_SUCH_ID },
          ],
        },
        404,
        'NOT_FOUND',
      );
      expect(
        (
          await trpcFails(
            await trpcMutation(request, 'records.create', { label: 'S', data: {}, transactionId: 'nope' }, c.headers),
            'records.create',
            400,
            'INVALID',
          )
        ).details?.path,
      ).toEqual(['transactionId']);
      await trpcFails(
        await trpcMutation(request, 'records.create', { label: 'S', data: {}, transactionId: NO_SUCH_ID }, c.headers),
        'records.create',
        404,
        'NOT_FOUND',
      );
      expect((await t.mutateFails('tx.begin', {}, 400, 'INVALID')).details?.path).toEqual([
        'headers',
        'x-transaction-id',
      ]);
      await t.mutate('records.create', { label: 'S', data: { name: 'b' } });
      await trpcOk(await trpcMutation(request, 'tx.commit', { id }, c.headers), 'tx.commit');
    } finally {
      await request.post(`${REST}/tx/${id}/rollback`, { headers: c.headers });
    }
    const names = (
      await caller(request, c).query('records.search', { labels: ['S'], orderBy: { name: 'asc' } })
    ).items.map((r: { name: string }) => r.name);
    expect(names).toEqual(['a', 'b']);
  });

  test('a batch where one call names the transaction: only that call runs in it', async ({ request }) => {
    const c = await freshProject(request, 'c-txt-batch');
    const id = await begin(request, c);
    try {
      await caller(request, c, id).mutate('records.create', { label: 'IN', data: { n: 1 } });
      // Two reads of the same label: the one naming the transaction sees its write; the other does not
      // run in it (PostgreSQL: it sees nothing yet; embedded: it waits for the database and gives up).
      const reads = await trpcBatchQuery(
        request,
        [
          ['records.search', { labels: ['IN'], transactionId: id }],
          ['records.search', { labels: ['IN'] }],
        ],
        c.headers,
      );
      const [inside, outside] = (await reads.json()) as TrpcEnvelope[];
      expect((await resultOf(inside!, 'records.search')).total).toBe(1);
      if (postgres) {
        expect(reads.status()).toBe(200);
        expect((await resultOf(outside!, 'records.search')).total).toBe(0);
      } else {
        expect(reads.status()).toBe(207);
        expect((await errorOf(outside!, 'records.search', 503, 'UNAVAILABLE')).details?.reason).toBe(
          'transaction-open',
        );
      }
      if (postgres) {
        // Writes: the call without the id commits on its own, so it outlives the rollback.
        const writes = await trpcBatchMutation(
          request,
          [
            ['records.create', { label: 'IN', data: { n: 2 }, transactionId: id }],
            ['records.create', { label: 'OUT', data: { n: 3 } }],
          ],
          c.headers,
        );
        expect(writes.status()).toBe(200);
        const [a, b] = (await writes.json()) as TrpcEnvelope[];
        expect((await resultOf(a!, 'records.create')).n).toBe(2);
        expect((await resultOf(b!, 'records.create')).n).toBe(3);
      }
    } finally {
      await trpcOk(await trpcMutation(request, 'tx.rollback', { id }, c.headers), 'tx.rollback');
    }
    const left = await caller(request, c).query('labels.search', {});
    expect(left).toEqual(postgres ? { OUT: 1 } : {});
  });
});
