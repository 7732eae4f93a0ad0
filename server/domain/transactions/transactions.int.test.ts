import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, onPostgres, startTestEngram, uniqueName } from '@/server/test/harness';

let engram: Engram;
let api: ReturnType<typeof httpClient>;
beforeAll(async () => {
  engram = await startTestEngram({ ENGRAM_TX_WAIT_MS: '400' });
  api = httpClient(engram);
});
afterAll(() => engram?.close());

async function project() {
  const name = uniqueName('tx');
  await api.rest('POST', '/projects', { body: { name } });
  const call = (method: string, path: string, body?: unknown, tx?: string) =>
    api.rest(method, path, { project: name, body, headers: tx ? { 'x-transaction-id': tx } : {} });
  const begin = async (ttl?: number) => {
    const res = await call('POST', '/tx', ttl ? { ttl } : {});
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id as string;
  };
  return { name, call, begin };
}

describe(`transactions across calls (${backendName})`, () => {
  it('commit: writes are visible inside at once, outside only after commit', async () => {
    const p = await project();
    const tx = await p.begin();
    const rec = (await p.call('POST', '/records', { label: 'T', data: { n: 1 } }, tx)).body.data;
    expect((await p.call('GET', `/records/${rec.__id}`, undefined, tx)).body.data.n).toBe(1);
    const outside = await p.call('GET', `/records/${rec.__id}`);
    if (onPostgres) expect(outside.status).toBe(404);
    else {
      // One connection: the request outside waits for the transaction, then gives up saying why.
      expect(outside.status).toBe(503);
      expect(outside.body.error.message).toMatch(/transaction is open/);
    }
    expect((await p.call('POST', `/tx/${tx}/commit`)).body.data).toEqual({ id: tx, status: 'committed' });
    expect((await p.call('GET', `/records/${rec.__id}`)).body.data.n).toBe(1);
    // Ended transactions say how they ended; repeating the commit is harmless.
    const ended = await p.call('GET', `/tx/${tx}`);
    expect(ended.status).toBe(409);
    expect(ended.body.error.details.reason).toBe('committed');
    expect((await p.call('POST', `/tx/${tx}/commit`)).body.data).toEqual({ id: tx, status: 'committed' });
    expect((await p.call('POST', `/tx/${tx}/rollback`)).status).toBe(409);
  });

  it('rollback leaves nothing; an unknown id is 404; another key cannot use it', async () => {
    const p = await project();
    const key = (await api.rest('POST', '/keys', { project: p.name, body: { name: 'other', scope: 'write' } })).body
      .data.key;
    const tx = await p.begin();
    await p.call('POST', '/records/import/json', { label: 'R', data: [{ a: 1 }, { a: 2 }] }, tx);
    expect((await p.call('POST', '/records/search', { labels: ['R'] }, tx)).body.total).toBe(2);
    const foreign = await api.rest('POST', '/records/search', {
      token: key,
      body: {},
      headers: { 'x-transaction-id': tx },
    });
    expect(foreign.status).toBe(404);
    expect((await p.call('POST', `/tx/${tx}/rollback`)).body.data.status).toBe('rolled back');
    expect((await p.call('POST', '/records/search', { labels: ['R'] })).body.total).toBe(0);
    expect((await p.call('GET', `/tx/01900000-0000-7000-8000-000000000000`)).status).toBe(404);
  });

  it('a TTL that passes rolls back; the id then answers 409 expired', async () => {
    const p = await project();
    const tx = await p.begin(1000);
    await p.call('POST', '/records', { label: 'E', data: { x: 1 } }, tx);
    await new Promise((r) => setTimeout(r, 1400));
    const late = await p.call('POST', '/records', { label: 'E', data: { x: 2 } }, tx);
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'expired' } });
    expect((await p.call('POST', '/records/search', { labels: ['E'] })).body.total).toBe(0);
    expect((await p.call('POST', '/tx', { ttl: 10 })).status).toBe(400);
  });

  it('read-your-writes inside a transaction includes semantic search', async () => {
    const p = await project();
    const ix = (await p.call('POST', '/ai/indexes', { label: 'M', propertyName: 'text' })).body.data;
    await engram.backfill.idle();
    expect((await p.call('GET', `/ai/indexes/${ix.id}`)).body.data.status).toBe('ready');
    const tx = await p.begin();
    const rec = (
      await p.call('POST', '/records', { label: 'M', data: { text: 'the blue umbrella is in the hall' } }, tx)
    ).body.data;
    const inside = await p.call(
      'POST',
      '/ai/search',
      { labels: ['M'], propertyName: 'text', query: 'blue umbrella', mode: 'semantic' },
      tx,
    );
    expect(inside.body.data.map((h: { __id: string }) => h.__id)).toEqual([rec.__id]);
    await p.call('POST', `/tx/${tx}/rollback`);
    const after = await p.call('POST', '/ai/search', {
      labels: ['M'],
      propertyName: 'text',
      query: 'blue umbrella',
      mode: 'semantic',
    });
    expect(after.body.data).toEqual([]);
  });

  it.skipIf(!onPostgres)('N concurrent transactions incrementing one property end at exactly N', async () => {
    const p = await project();
    const rec = (await p.call('POST', '/records', { label: 'C', data: { n: 0 } })).body.data;
    const N = 6;
    const increment = async () => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const tx = await p.begin();
        const cur = await p.call('GET', `/records/${rec.__id}`, undefined, tx);
        const upd = await p.call('PATCH', `/records/${rec.__id}`, { data: { n: cur.body.data.n + 1 } }, tx);
        if (upd.status === 200 && (await p.call('POST', `/tx/${tx}/commit`)).status === 200) return attempt;
        await p.call('POST', `/tx/${tx}/rollback`);
        expect(upd.body.error?.details?.reason ?? 'serialization').toBe('serialization');
      }
      throw new Error('never committed');
    };
    await Promise.all(Array.from({ length: N }, increment));
    expect((await p.call('GET', `/records/${rec.__id}`)).body.data.n).toBe(N);
  });

  it.skipIf(onPostgres)('embedded: a second transaction waits for the first, then fails UNAVAILABLE', async () => {
    const p = await project();
    const tx = await p.begin();
    const second = await p.call('POST', '/tx', {});
    expect(second.status).toBe(503);
    await p.call('POST', `/tx/${tx}/commit`);
    const third = await p.begin();
    await p.call('POST', `/tx/${third}/commit`);
  });
});

describe(`atomic batches (${backendName})`, () => {
  it('runs ops in order in one transaction, with references to records created earlier', async () => {
    const p = await project();
    const res = await p.call('POST', '/batch', {
      ops: [
        { op: 'create', label: 'USER', data: { name: 'ann' } },
        { op: 'create', label: 'NOTE', data: { text: 'hello' } },
        { op: 'attach', sourceId: { $op: 0 }, targetIds: [{ $op: 1 }], type: 'WROTE' },
        { op: 'update', id: { $op: 1 }, data: { text: 'hello again' } },
        { op: 'upsert', label: 'USER', data: { name: 'ann', plan: 'pro' }, mergeBy: ['name'] },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const results = res.body.data.results;
    expect(results.map((r: { op: string }) => r.op)).toEqual(['create', 'create', 'attach', 'update', 'upsert']);
    expect(results[4].result.__id).toBe(results[0].result.__id);
    expect(results[4].result.plan).toBe('pro');
    const rels = await p.call('GET', `/records/${results[0].result.__id}/relationships`);
    expect(rels.body.data).toEqual([
      expect.objectContaining({ direction: 'out', type: 'WROTE', otherId: results[1].result.__id }),
    ]);
  });

  it('a failing op rolls back the whole batch and names its index and reason', async () => {
    const p = await project();
    const res = await p.call('POST', '/batch', {
      ops: [
        { op: 'create', label: 'A', data: { n: 1 } },
        { op: 'create', label: 'A', data: { n: 2 } },
        { op: 'create', label: 'A', data: { tags: ['x', 1] } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID', details: { op: 2, path: ['ops', 2, 'data', 'tags', 1] } });
    expect(res.body.error.message).toMatch(/^Op 2 \(create\) failed, nothing was written/);
    expect((await p.call('POST', '/records/search', { labels: ['A'] })).body.total).toBe(0);
    const missing = await p.call('POST', '/batch', {
      ops: [
        { op: 'create', label: 'A', data: {} },
        { op: 'delete', id: '01900000-0000-7000-8000-000000000000' },
      ],
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.details.op).toBe(1);
    const badRef = await p.call('POST', '/batch', { ops: [{ op: 'update', id: { $op: 3 }, data: {} }] });
    expect(badRef.status).toBe(400);
    expect((await p.call('POST', '/records/search', { labels: ['A'] })).body.total).toBe(0);
  });

  it("checks each op's fields with its own route's schema (the batch schema checks only the op's shape), failing as that op", async () => {
    const p = await project();
    const first = { op: 'create', label: 'A', data: { n: 1 } };
    const second = { op: 'create', label: 'B', data: { n: 2 } };
    const cases: [unknown, (string | number)[]][] = [
      [{ op: 'create', label: 'A', data: { n: 3 }, options: { mergeBy: ['n'], bogus: true } }, ['ops', 2, 'options']],
      [
        { op: 'create', label: 'A', data: { n: 3 }, vectors: [{ propertyName: 'v', vector: [] }] },
        ['ops', 2, 'vectors', 0, 'vector'],
      ],
      [{ op: 'upsert', label: 'A', data: { n: 3 }, mergeBy: ['__n'] }, ['ops', 2, 'options', 'mergeBy', 0]],
      [{ op: 'upsert', label: 'A'.repeat(129), data: { n: 3 }, mergeBy: ['n'] }, ['ops', 2, 'label']],
      [{ op: 'attach', sourceId: { $op: 0 }, targetIds: [{ $op: 1 }], type: 'BAD\u0001TYPE' }, ['ops', 2, 'type']],
      [{ op: 'attach', sourceId: { $op: 0 }, targetIds: { $op: 1 }, type: '   ' }, ['ops', 2, 'type']],
      [
        { op: 'detach', sourceId: { $op: 0 }, targetIds: [{ $op: 1 }], types: ['OK', 'x'.repeat(300)] },
        ['ops', 2, 'types'],
      ],
    ];
    for (const [op, path] of cases) {
      const res = await p.call('POST', '/batch', { ops: [first, second, op] });
      expect(res.status, JSON.stringify({ op, body: res.body })).toBe(400);
      expect(res.body.error.code).toBe('INVALID');
      expect(res.body.error.details.op).toBe(2);
      expect(res.body.error.details.path.slice(0, path.length)).toEqual(path);
      expect(res.body.error.message).toMatch(/^Op 2 \((create|upsert|attach|detach)\) failed, nothing was written/);
    }
    expect((await p.call('POST', '/records/search', {})).body.total).toBe(0);
  });
});

describe(`transaction administration (${backendName})`, () => {
  it('an admin lists open transactions and rolls one back, even while it holds the embedded database', async () => {
    const p = await project();
    const key = (await api.rest('POST', '/keys', { project: p.name, body: { name: 'agent', scope: 'write' } })).body
      .data;
    const begun = await api.rest('POST', '/tx', { token: key.key, body: { ttl: 60_000 } });
    const tx = begun.body.data.id as string;
    await api.rest('POST', '/records', {
      token: key.key,
      body: { label: 'X', data: { n: 1 } },
      headers: { 'x-transaction-id': tx },
    });
    const listed = await p.call('GET', '/tx');
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: tx, principal: `key:${key.id}`, ttlMs: 60_000 })]);
    const forbidden = await api.rest('GET', '/tx', { token: key.key });
    expect(forbidden.status).toBe(403);
    expect((await p.call('POST', `/tx/${tx}/rollback`)).body.data.status).toBe('rolled back');
    const late = await api.rest('POST', `/tx/${tx}/commit`, { token: key.key });
    expect(late.status).toBe(409);
    expect(late.body.error.details.reason).toBe('rolled back');
    expect((await p.call('POST', '/records/search', { labels: ['X'] })).body.total).toBe(0);
  });
});

describe(`tRPC names the transaction in the input (${backendName})`, () => {
  it('transactionId in a tRPC input runs the call on that transaction', async () => {
    const p = await project();
    const tx = await p.begin();
    const made = await api.trpcMutation(
      'records.create',
      { label: 'TR', data: { v: 1 }, transactionId: tx },
      { project: p.name },
    );
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const inside = await api.trpcQuery('records.find', { labels: ['TR'], transactionId: tx }, { project: p.name });
    expect(inside.body.result.data.total).toBe(1);
    await p.call('POST', `/tx/${tx}/rollback`);
    const after = await api.trpcQuery('records.find', { labels: ['TR'] }, { project: p.name });
    expect(after.body.result.data.total).toBe(0);
  });
});
