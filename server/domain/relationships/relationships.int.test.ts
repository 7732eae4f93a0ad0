import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

let engram: Engram;
let api: ReturnType<typeof httpClient>;
beforeAll(async () => {
  engram = await startTestEngram();
  api = httpClient(engram);
});
afterAll(() => engram?.close());

async function project() {
  const name = uniqueName('rel');
  expect((await api.rest('POST', '/projects', { body: { name } })).status).toBe(201);
  const call = (method: string, path: string, body?: unknown) => api.rest(method, path, { project: name, body });
  const make = async (label: string, data: Record<string, unknown>) =>
    (await call('POST', '/records', { label, data })).body.data.__id as string;
  return { call, make };
}

describe(`relationships (${backendName})`, () => {
  it('attaches out and in, once per type and pair; re-attaching replaces properties', async () => {
    const p = await project();
    const alice = await p.make('PERSON', { name: 'alice' });
    const bob = await p.make('PERSON', { name: 'bob' });
    const acme = await p.make('COMPANY', { name: 'acme' });
    const res = await p.call('POST', `/relationships/${alice}`, {
      targetIds: [acme],
      type: 'WORKS_AT',
      properties: { since: 2020 },
    });
    expect(res.body.data).toEqual({ attached: 1 });
    await p.call('POST', `/relationships/${alice}`, { targetIds: acme, type: 'WORKS_AT', properties: { since: 2021 } });
    await p.call('POST', `/relationships/${alice}`, { targetIds: [bob], type: 'KNOWS', direction: 'in' });
    await p.call('POST', `/relationships/${alice}`, { targetIds: [bob] });

    const all = await p.call('POST', '/relationships/search', {});
    expect(all.body.total).toBe(3);
    const works = await p.call('POST', '/relationships/search', { where: { type: 'WORKS_AT' } });
    expect(works.body.data).toEqual([
      {
        sourceId: alice,
        sourceLabel: 'PERSON',
        targetId: acme,
        targetLabel: 'COMPANY',
        type: 'WORKS_AT',
        properties: { since: 2021 },
        origin: 'manual',
      },
    ]);
    const knows = await p.call('POST', '/relationships/search', { where: { type: { $in: ['KNOWS'] } } });
    expect(knows.body.data[0]).toMatchObject({ sourceId: bob, targetId: alice });
    const fromAlice = await p.call('POST', '/relationships/search', {
      source: { where: { name: 'alice' } },
      target: { labels: ['PERSON'] },
    });
    expect(fromAlice.body.data.map((e: { type: string }) => e.type)).toEqual(['RELATED_TO']);
  });

  it('refuses unknown targets and bad input without writing anything', async () => {
    const p = await project();
    const a = await p.make('A', {});
    const b = await p.make('A', {});
    const ghost = '01900000-0000-7000-8000-00000000abcd';
    const res = await p.call('POST', `/relationships/${a}`, { targetIds: [b, ghost], type: 'T' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain(ghost);
    expect((await p.call('POST', '/relationships/search', {})).body.total).toBe(0);
    const bad = await p.call('POST', `/relationships/${a}`, { targetIds: [b], type: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.path).toEqual(['type']);
    const tooMany = await p.call('POST', `/relationships/${a}`, { targetIds: Array.from({ length: 1001 }, () => b) });
    expect(tooMany.status).toBe(400);
    const nested = await p.call('POST', `/relationships/${a}`, { targetIds: [b], properties: { x: { y: 1 } } });
    expect(nested.status).toBe(400);
  });

  it('end filters obey the server hop limit (ENGRAM_MAX_HOPS)', async () => {
    const low = await startTestEngram({ ENGRAM_MAX_HOPS: '2' });
    try {
      const name = uniqueName('hops');
      const client = httpClient(low);
      await client.rest('POST', '/projects', { body: { name } });
      const search = (hops: number) =>
        client.rest('POST', '/relationships/search', {
          project: name,
          body: { source: { where: { A: { $relation: { hops } } } } },
        });
      expect((await search(2)).status).toBe(200);
      const tooFar = await search(3);
      expect(tooFar.status).toBe(400);
      expect(tooFar.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED' });
      expect(tooFar.body.error.details.path).toEqual(['source', 'where', 'A', '$relation', 'hops']);
    } finally {
      await low.close();
    }
  });

  it('detaches by type and direction', async () => {
    const p = await project();
    const a = await p.make('N', { i: 1 });
    const b = await p.make('N', { i: 2 });
    await p.call('POST', `/relationships/${a}`, { targetIds: [b], type: 'X' });
    await p.call('POST', `/relationships/${a}`, { targetIds: [b], type: 'Y' });
    await p.call('POST', `/relationships/${b}`, { targetIds: [a], type: 'X' });
    expect((await p.call('PUT', `/relationships/${a}`, { targetIds: [b], types: ['Y'] })).body.data).toEqual({
      detached: 1,
    });
    expect((await p.call('PUT', `/relationships/${a}`, { targetIds: [b], direction: 'both' })).body.data).toEqual({
      detached: 2,
    });
    expect((await p.call('POST', '/relationships/search', {})).body.total).toBe(0);
  });

  it("detach from a record that does not exist, or is another project's, is NOT_FOUND like attach", async () => {
    const p = await project();
    const other = await project();
    const mine = await p.make('N', { i: 1 });
    const theirs = await other.make('N', { i: 2 });
    for (const source of ['01900000-0000-7000-8000-000000000000', theirs]) {
      const res = await p.call('PUT', `/relationships/${source}`, { targetIds: [mine] });
      expect(res.status).toBe(404);
      expect(res.body.error.details).toMatchObject({ path: ['sourceId'], got: source });
    }
  });

  it('neighbors: breadth-first to the given depth, filtered by type, bounded with a truncation flag', async () => {
    const p = await project();
    const root = await p.make('R', { n: 0 });
    const hop1 = await p.make('R', { n: 1 });
    const hop2 = await p.make('R', { n: 2 });
    const hop3 = await p.make('R', { n: 3 });
    await p.call('POST', `/relationships/${root}`, { targetIds: [hop1], type: 'NEXT' });
    await p.call('POST', `/relationships/${hop1}`, { targetIds: [hop2], type: 'NEXT' });
    await p.call('POST', `/relationships/${hop3}`, { targetIds: [hop2], type: 'OTHER' });
    const d1 = (await p.call('GET', `/records/${root}/neighbors`)).body.data;
    expect(d1.nodes.map((n: { n: number }) => n.n).sort()).toEqual([0, 1]);
    expect(d1.edges).toHaveLength(1);
    const d3 = (await p.call('GET', `/records/${root}/neighbors?depth=3`)).body.data;
    expect(d3.nodes.map((n: { n: number }) => n.n).sort()).toEqual([0, 1, 2, 3]);
    expect(d3.edges).toHaveLength(3);
    const typed = (await p.call('GET', `/records/${root}/neighbors?depth=3&types=NEXT`)).body.data;
    expect(typed.nodes.map((n: { n: number }) => n.n).sort()).toEqual([0, 1, 2]);
    const fan = await p.make('HUB', {});
    const leaves = (
      await p.call('POST', '/records/import/json', {
        label: 'LEAF',
        data: Array.from({ length: 30 }, (_, i) => ({ i })),
        options: { returnResult: true },
      })
    ).body.data.records;
    await p.call('POST', `/relationships/${fan}`, { targetIds: leaves.map((l: { __id: string }) => l.__id) });
    const bounded = (await p.call('GET', `/records/${fan}/neighbors?limit=10`)).body.data;
    expect(bounded.nodes).toHaveLength(10);
    expect(bounded.truncated).toBe(true);
    expect((await p.call('GET', `/records/${root}/neighbors?depth=4`)).status).toBe(400);
  });

  it("the drawer lists a record's relationships both ways", async () => {
    const p = await project();
    const a = await p.make('A', {});
    const b = await p.make('B', {});
    await p.call('POST', `/relationships/${a}`, { targetIds: [b], type: 'LIKES' });
    const ofB = (await p.call('GET', `/records/${b}/relationships`)).body.data;
    expect(ofB).toEqual([{ direction: 'in', type: 'LIKES', otherId: a, otherLabel: 'A', properties: {} }]);
    // The id is case-insensitive, like the record's other routes.
    expect((await p.call('GET', `/records/${b.toUpperCase()}/relationships`)).body.data).toEqual(ofB);
    const lonely = await p.make('A', {});
    expect(await p.call('GET', `/records/${lonely}/relationships`)).toMatchObject({ status: 200, body: { data: [] } });
  });

  it('a record that does not exist (or is in another project) is 404 on its relationships and neighbors, like on GET', async () => {
    const p = await project();
    const other = await project();
    const theirs = await other.make('A', {});
    const ghost = '01900000-0000-7000-8000-00000000abcd';
    for (const id of [ghost, theirs]) {
      for (const route of ['', '/relationships', '/neighbors']) {
        const res = await p.call('GET', `/records/${id}${route}`);
        expect(res.status, `GET /records/{id}${route}`).toBe(404);
        expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', details: { path: ['id'], got: id } });
      }
    }
    const mine = await p.make('A', {});
    await p.call('DELETE', `/records/${mine}`);
    expect((await p.call('GET', `/records/${mine}/relationships`)).status).toBe(404);
  });
});
