import { expect, test } from '@playwright/test';
import { asMaster, bearer, createKey, uniqueName } from '../../helpers/api';
import { E2E_DATABASE_KIND } from '../../helpers/env';
import { expectPath, freshProject, NO_SUCH_ID, type Client } from '../contract/contract';

/**
 * The /tx routes' contract. Serial (playwright.config.ts): on the embedded database an open transaction
 * holds the only connection, and only one may be open at a time. Every test ends what it opens.
 */
async function begin(c: Client, ttl = 20_000): Promise<string> {
  return (await c.ok('POST /tx', { body: { ttl } })).data.id as string;
}

test.describe('contract: transactions', () => {
  test('POST /tx opens (201, id, expiresAt = createdAt + ttl); ttl out of range 400 at path ttl; read key 403; no key 401', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-tx-begin');
    const tx = (await c.ok('POST /tx', { body: { ttl: 15_000 } })).data;
    try {
      expect(tx.ttlMs).toBe(15_000);
      expect(Date.parse(tx.expiresAt) - Date.parse(tx.createdAt)).toBe(15_000);
    } finally {
      await c.ok('POST /tx/{id}/rollback', { params: { id: tx.id } });
    }
    const byDefault = (await c.ok('POST /tx')).data;
    await c.ok('POST /tx/{id}/rollback', { params: { id: byDefault.id } });
    expect(byDefault.ttlMs).toBe(30_000);
    expectPath(await c.fails('POST /tx', 400, 'INVALID', { body: { ttl: 10 } }), ['ttl']);
    expectPath(await c.fails('POST /tx', 400, 'INVALID', { body: { ttl: 3_600_000 } }), ['ttl']);
    expectPath(await c.fails('POST /tx', 400, 'INVALID', { body: { ttl: 'soon' } }), ['ttl']);
    const read = await createKey(request, c.project, { scope: 'read' });
    await c.with(bearer(read.key)).fails('POST /tx', 403, 'FORBIDDEN', { body: {} });
    await c.with({}).fails('POST /tx', 401, 'UNAUTHORIZED', { body: {} });
  });

  test('GET /tx/{id} while open; 404 unknown or of another owner, 400 malformed, 409 with the reason once ended', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-tx-get');
    // Keys first: creating one is a write, which waits while the embedded database holds a transaction.
    const writer = await createKey(request, c.project, { scope: 'write' });
    const id = await begin(c);
    try {
      const got = (await c.ok('GET /tx/{id}', { params: { id } })).data;
      expect(got.id).toBe(id);
      expect(got.ttlMs).toBe(20_000);
      // Another owner (a key of the same project) does not see it.
      await c.with(bearer(writer.key)).fails('GET /tx/{id}', 404, 'NOT_FOUND', { params: { id } });
    } finally {
      await c.ok('POST /tx/{id}/commit', { params: { id } });
    }
    const ended = await c.fails('GET /tx/{id}', 409, 'CONFLICT', { params: { id } });
    expect(ended.details?.reason).toBe('committed');
    await c.fails('GET /tx/{id}', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } });
    expectPath(await c.fails('GET /tx/{id}', 400, 'INVALID', { params: { id: 'x' } }), ['id']);
  });

  test("GET /tx lists the project's open transactions with their owner (admin); a write key 403", async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-tx-list');
    const writer = await createKey(request, c.project, { scope: 'write' });
    const w = c.with(bearer(writer.key));
    const id = await begin(w);
    try {
      const list = await c.ok('GET /tx');
      expect(list.total).toBe(1);
      expect(list.data[0]).toMatchObject({ id, principal: `key:${writer.id}`, ttlMs: 20_000 });
      await w.fails('GET /tx', 403, 'FORBIDDEN');
      // Another project's listing does not show it.
      const other = c.with(asMaster(uniqueName('c-tx-nosuch')));
      await other.fails('GET /tx', 404, 'NOT_FOUND');
    } finally {
      // An admin may roll back any transaction of the project.
      expect((await c.ok('POST /tx/{id}/rollback', { params: { id } })).data).toEqual({ id, status: 'rolled back' });
    }
    expect((await c.ok('GET /tx')).total).toBe(0);
  });

  test('POST /tx/{id}/commit: repeated answers the same; after a rollback 409 rolled back; unknown 404; read key 403', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-tx-commit');
    const id = await begin(c);
    await c.inTx(id).ok('POST /records', { body: { label: 'C', data: { n: 1 } } });
    expect((await c.ok('POST /tx/{id}/commit', { params: { id } })).data).toEqual({ id, status: 'committed' });
    expect((await c.ok('POST /tx/{id}/commit', { params: { id } })).data).toEqual({ id, status: 'committed' });
    expect((await c.ok('POST /records/search', { body: { labels: ['C'] } })).total).toBe(1);
    const late = await c.fails('POST /tx/{id}/rollback', 409, 'CONFLICT', { params: { id } });
    expect(late.details?.reason).toBe('committed');

    const rolled = await begin(c);
    await c.ok('POST /tx/{id}/rollback', { params: { id: rolled } });
    const refused = await c.fails('POST /tx/{id}/commit', 409, 'CONFLICT', { params: { id: rolled } });
    expect(refused.details?.reason).toBe('rolled back');
    await c.fails('POST /tx/{id}/commit', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } });
    const read = await createKey(request, c.project, { scope: 'read' });
    await c.with(bearer(read.key)).fails('POST /tx/{id}/commit', 403, 'FORBIDDEN', { params: { id: rolled } });
  });

  test("POST /tx/{id}/rollback: repeated answers the same; a write key cannot end another owner's (404); unknown 404", async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-tx-rollback');
    const writer = await createKey(request, c.project, { scope: 'write' });
    const id = await begin(c);
    await c.inTx(id).ok('POST /records', { body: { label: 'R', data: { n: 1 } } });
    try {
      await c.with(bearer(writer.key)).fails('POST /tx/{id}/rollback', 404, 'NOT_FOUND', { params: { id } });
      await c.with(bearer(writer.key)).fails('POST /tx/{id}/commit', 404, 'NOT_FOUND', { params: { id } });
    } finally {
      expect((await c.ok('POST /tx/{id}/rollback', { params: { id } })).data).toEqual({ id, status: 'rolled back' });
    }
    expect((await c.ok('POST /tx/{id}/rollback', { params: { id } })).data).toEqual({ id, status: 'rolled back' });
    expect((await c.ok('POST /records/search', { body: { labels: ['R'] } })).total).toBe(0);
    await c.fails('POST /tx/{id}/rollback', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } });
    expectPath(await c.fails('POST /tx/{id}/rollback', 400, 'INVALID', { params: { id: 'nope' } }), ['id']);
  });

  test('PostgreSQL: two open transactions writing the same record: the later write is 409 serialization, its transaction still ends cleanly', async ({
    request,
  }) => {
    test.skip(E2E_DATABASE_KIND !== 'postgres', 'embedded: one transaction at a time');
    const c = await freshProject(request, 'c-tx-serial');
    const rec = (await c.ok('POST /records', { body: { label: 'S', data: { n: 0 } } })).data;
    const first = await begin(c);
    const second = await begin(c);
    try {
      // The second reads first, so its snapshot predates the first's commit (repeatable read).
      expect((await c.inTx(second).ok('GET /records/{id}', { params: { id: rec.__id } })).data.n).toBe(0);
      await c.inTx(first).ok('PATCH /records/{id}', { params: { id: rec.__id }, body: { data: { n: 1 } } });
      await c.ok('POST /tx/{id}/commit', { params: { id: first } });
      const lost = await c
        .inTx(second)
        .fails('PATCH /records/{id}', 409, 'CONFLICT', { params: { id: rec.__id }, body: { data: { n: 2 } } });
      expect(lost.details?.reason).toBe('serialization');
    } finally {
      await c.ok('POST /tx/{id}/rollback', { params: { id: second } });
    }
    expect((await c.ok('GET /records/{id}', { params: { id: rec.__id } })).data.n).toBe(1);
  });
});
