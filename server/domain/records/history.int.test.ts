import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

/**
 * History (migration 0010) through the HTTP handlers: every write path appends versions with the
 * operation and the caller, in the same transaction as the change (a rolled-back write leaves none);
 * reads as of a time; restore; relationship events.
 */
let engram: Engram;
let api: ReturnType<typeof httpClient>;

beforeAll(async () => {
  engram = await startTestEngram();
  api = httpClient(engram);
});
afterAll(async () => engram?.close());

async function project() {
  const name = uniqueName('hist');
  const res = await api.rest('POST', '/projects', { body: { name } });
  expect(res.status).toBe(201);
  return { name, id: res.body.data.id as string };
}

const history = async (p: string, id: string, token?: string) => {
  const res = await api.rest('GET', `/records/${id}/history`, { project: p, token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { data: any[]; total: number };
};
const tick = () => new Promise((r) => setTimeout(r, 5));

describe(`history (${backendName})`, () => {
  it('create, PATCH, PUT, DELETE: one version each, newest first, with operation, actor and time', async () => {
    const { name: p } = await project();
    const created = (await api.rest('POST', '/records', { project: p, body: { label: 'NOTE', data: { a: 1 } } })).body
      .data;
    await tick();
    await api.rest('PATCH', `/records/${created.__id}`, { project: p, body: { data: { b: 'x' } } });
    // An update that changes nothing is not a version.
    await api.rest('PATCH', `/records/${created.__id}`, { project: p, body: { data: { b: 'x' } } });
    await tick();
    await api.rest('PUT', `/records/${created.__id}`, { project: p, body: { data: { c: true } } });
    await tick();
    expect((await api.rest('DELETE', `/records/${created.__id}`, { project: p })).status).toBe(200);

    const h = await history(p, created.__id);
    expect(h.total).toBe(4);
    expect(h.data.map((v) => [v.version, v.change, v.operation, v.actor])).toEqual([
      [4, 'delete', 'records.delete', 'master'],
      [3, 'update', 'records.set', 'master'],
      [2, 'update', 'records.update', 'master'],
      [1, 'create', 'records.create', 'master'],
    ]);
    expect(h.data.map((v) => v.data)).toEqual([null, { c: true }, { a: 1, b: 'x' }, { a: 1 }]);
    expect(h.data[2].types).toEqual({ a: 'number', b: 'string' });
    expect(h.data[3].at).toBe(created.__createdAt);
    const times = h.data.map((v) => Date.parse(v.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Paged.
    const page = await api.rest('GET', `/records/${created.__id}/history?limit=2&skip=1`, { project: p });
    expect(page.body.data.map((v: any) => v.version)).toEqual([3, 2]);
    expect(page.body.total).toBe(4);
  });

  it('imports, upserts, batches, delete by query and cascades are versions too, named by their operation', async () => {
    const { name: p } = await project();
    const imp = await api.rest('POST', '/records/import/json', {
      project: p,
      body: {
        label: 'PERSON',
        data: [{ email: 'a@x', n: 1, address: { city: 'Oslo' } }],
        options: { returnResult: true },
      },
    });
    const person = imp.body.data.records.find((r: any) => r.__label === 'PERSON');
    const [child] = (await api.rest('GET', `/records/${person.__id}/relationships`, { project: p })).body.data;
    const address = { __id: child.otherId as string };
    await api.rest('POST', '/records', {
      project: p,
      body: { label: 'PERSON', data: { email: 'a@x', n: 2 }, options: { mergeBy: ['email'] } },
    });
    await api.rest('POST', '/batch', {
      project: p,
      body: { ops: [{ op: 'update', id: person.__id, data: { n: 3 } }] },
    });
    const csv = await api.rest('POST', '/records/import/csv', {
      project: p,
      body: { label: 'ROW', csv: 'k\n1\n', options: { returnResult: true } },
    });
    await api.rest('POST', '/records/delete', { project: p, body: { labels: ['PERSON'], where: { email: 'a@x' } } });

    expect((await history(p, person.__id)).data.map((v) => [v.change, v.operation])).toEqual([
      ['delete', 'records.deleteMany'],
      ['update', 'batch.run'],
      ['update', 'records.create'],
      ['create', 'records.importJson'],
    ]);
    expect((await history(p, address.__id)).data.map((v) => v.operation)).toEqual(['records.importJson']);
    expect((await history(p, csv.body.data.records[0].__id)).data[0]).toMatchObject({
      change: 'create',
      operation: 'records.importCsv',
      data: { k: 1 },
    });
  });

  it('a cross-call transaction: committed writes are versions with the transaction’s caller; rolled back, none', async () => {
    const { name: p } = await project();
    const key = (await api.rest('POST', '/keys', { project: p, body: { name: 'w', scope: 'write' } })).body.data;
    const tx = (await api.rest('POST', '/tx', { token: key.key, body: { ttl: 10_000 } })).body.data;
    const rec = (
      await api.rest('POST', '/records', {
        token: key.key,
        headers: { 'x-transaction-id': tx.id },
        body: { label: 'T', data: { v: 1 } },
      })
    ).body.data;
    await api.rest('PATCH', `/records/${rec.__id}`, {
      token: key.key,
      headers: { 'x-transaction-id': tx.id },
      body: { data: { v: 2 } },
    });
    expect((await api.rest('POST', `/tx/${tx.id}/commit`, { token: key.key })).status).toBe(200);
    expect((await history(p, rec.__id)).data.map((v) => [v.version, v.operation, v.actor])).toEqual([
      [2, 'records.update', `key:${key.id}`],
      [1, 'records.create', `key:${key.id}`],
    ]);

    const undone = (await api.rest('POST', '/tx', { token: key.key })).body.data;
    const gone = (
      await api.rest('POST', '/records', {
        token: key.key,
        headers: { 'x-transaction-id': undone.id },
        body: { label: 'T', data: { v: 9 } },
      })
    ).body.data;
    await api.rest('PATCH', `/records/${rec.__id}`, {
      token: key.key,
      headers: { 'x-transaction-id': undone.id },
      body: { data: { v: 3 } },
    });
    await api.rest('POST', `/tx/${undone.id}/rollback`, { token: key.key });
    expect((await api.rest('GET', `/records/${gone.__id}/history`, { project: p })).status).toBe(404);
    expect((await history(p, rec.__id)).total).toBe(2);

    // A batch that fails leaves no versions either.
    const failed = await api.rest('POST', '/batch', {
      project: p,
      body: {
        ops: [
          { op: 'update', id: rec.__id, data: { v: 4 } },
          { op: 'update', id: '01900000-0000-7000-8000-000000000000', data: {} },
        ],
      },
    });
    expect(failed.status).toBe(404);
    expect((await history(p, rec.__id)).total).toBe(2);
  });

  it('reads as of a time: the version in force then, 404 before the record existed and after its deletion', async () => {
    const { name: p } = await project();
    const rec = (await api.rest('POST', '/records', { project: p, body: { label: 'DOC', data: { title: 'one' } } }))
      .body.data;
    await tick();
    const v1Time = new Date().toISOString();
    await tick();
    await api.rest('PUT', `/records/${rec.__id}`, { project: p, body: { data: { title: 'two', n: 2 } } });
    await tick();
    const v2Time = new Date().toISOString();
    await tick();
    await api.rest('DELETE', `/records/${rec.__id}`, { project: p });

    const at1 = await api.rest('GET', `/records/${rec.__id}?asOf=${encodeURIComponent(v1Time)}`, { project: p });
    expect(at1.status).toBe(200);
    expect(at1.body.data).toMatchObject({ __id: rec.__id, __label: 'DOC', title: 'one', __createdAt: rec.__createdAt });
    expect(at1.body.data.n).toBeUndefined();
    const at2 = await api.rest('GET', `/records/${rec.__id}?asOf=${encodeURIComponent(v2Time)}`, { project: p });
    expect(at2.body.data).toMatchObject({
      title: 'two',
      n: 2,
      __proptypes: { title: 'string', n: 'number' },
      __createdAt: rec.__createdAt,
    });
    expect((await api.rest('GET', `/records/${rec.__id}?asOf=2000-01-01`, { project: p })).status).toBe(404);
    expect(
      (
        await api.rest('GET', `/records/${rec.__id}?asOf=${encodeURIComponent(new Date().toISOString())}`, {
          project: p,
        })
      ).status,
    ).toBe(404);
    const bad = await api.rest('GET', `/records/${rec.__id}?asOf=yesterday`, { project: p });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.path).toEqual(['asOf']);
  });

  it('restore: an existing record gets a version’s properties back; a deleted one comes back with its id', async () => {
    const { name: p } = await project();
    const rec = (
      await api.rest('POST', '/records', { project: p, body: { label: 'DOC', data: { title: 'one', keep: 1 } } })
    ).body.data;
    await api.rest('PUT', `/records/${rec.__id}`, { project: p, body: { data: { title: 'two' } } });
    const restored = await api.rest('POST', `/records/${rec.__id}/restore`, { project: p, body: { version: 1 } });
    expect(restored.status).toBe(200);
    expect(restored.body.data).toMatchObject({ __id: rec.__id, title: 'one', keep: 1 });
    await api.rest('DELETE', `/records/${rec.__id}`, { project: p });
    expect((await api.rest('GET', `/records/${rec.__id}`, { project: p })).status).toBe(404);
    const back = await api.rest('POST', `/records/${rec.__id}/restore`, { project: p, body: { version: 2 } });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.data).toMatchObject({ __id: rec.__id, __label: 'DOC', title: 'two' });
    expect((await history(p, rec.__id)).data.map((v) => [v.version, v.change, v.operation])).toEqual([
      [5, 'create', 'records.restore'],
      [4, 'delete', 'records.delete'],
      [3, 'update', 'records.restore'],
      [2, 'update', 'records.set'],
      [1, 'create', 'records.create'],
    ]);
    const ofDelete = await api.rest('POST', `/records/${rec.__id}/restore`, { project: p, body: { version: 4 } });
    expect(ofDelete.status).toBe(400);
    expect((await api.rest('POST', `/records/${rec.__id}/restore`, { project: p, body: { version: 99 } })).status).toBe(
      404,
    );
  });

  it('relationship changes are events: attach, re-attach with new properties, detach, cascade on delete', async () => {
    const { name: p } = await project();
    const a = (await api.rest('POST', '/records', { project: p, body: { label: 'A', data: { n: 1 } } })).body.data;
    const b = (await api.rest('POST', '/records', { project: p, body: { label: 'B', data: { n: 2 } } })).body.data;
    await api.rest('POST', `/relationships/${a.__id}`, { project: p, body: { targetIds: b.__id, type: 'LINKS' } });
    await api.rest('POST', `/relationships/${a.__id}`, {
      project: p,
      body: { targetIds: b.__id, type: 'LINKS', properties: { w: 2 } },
    });
    await api.rest('PUT', `/relationships/${a.__id}`, { project: p, body: { targetIds: b.__id } });
    await api.rest('POST', `/relationships/${a.__id}`, { project: p, body: { targetIds: b.__id, type: 'AGAIN' } });
    await api.rest('DELETE', `/records/${b.__id}`, { project: p });
    const res = await api.rest('GET', `/records/${a.__id}/relationship-history`, { project: p });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const events = [
      ...(res.body.data as {
        change: string;
        type: string;
        operation: string;
        actor: string;
        direction: string;
        otherId: string;
      }[]),
    ].reverse();
    expect(res.body.total).toBe(5);
    expect(events.map((e) => [e.change, e.type, e.operation])).toEqual([
      ['attach', 'LINKS', 'relationships.attach'],
      ['update', 'LINKS', 'relationships.attach'],
      ['detach', 'LINKS', 'relationships.detach'],
      ['attach', 'AGAIN', 'relationships.attach'],
      ['detach', 'AGAIN', 'records.delete'],
    ]);
    expect(events.every((e) => e.direction === 'out' && e.otherId === b.__id)).toBe(true);
    // The other end sees the same events, from its side; the deleted record keeps them.
    const fromB = await api.rest('GET', `/records/${b.__id}/relationship-history?limit=2`, { project: p });
    expect(fromB.body.total).toBe(5);
    expect(fromB.body.data.map((e: { direction: string; change: string }) => [e.direction, e.change])).toEqual([
      ['in', 'detach'],
      ['in', 'attach'],
    ]);
    expect(
      (await api.rest('GET', '/records/01900000-0000-7000-8000-000000000000/relationship-history', { project: p }))
        .status,
    ).toBe(404);
    expect(events.every((e) => e.actor === 'master')).toBe(true);
  });
});
