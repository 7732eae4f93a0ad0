import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { makeHandlers } from '@/server/http/handlers';
import { backendName, httpClient, onPostgres, startTestEngram, uniqueName } from '@/server/test/harness';

/**
 * The request path end to end through the real handlers: authentication before any input is read,
 * hostile inputs refused with a path, per-call transaction ids in tRPC batches, a savepoint per request
 * inside a cross-call transaction, and what may run while a transaction holds the embedded database.
 */
let engram: Engram;
let api: ReturnType<typeof httpClient>;
let handlers: ReturnType<typeof makeHandlers>;
const WAIT_MS = 600;

beforeAll(async () => {
  engram = await startTestEngram({
    ENGRAM_TX_WAIT_MS: String(WAIT_MS),
    ENGRAM_MAX_BODY_BYTES: '65536',
    ENGRAM_TX_MAX_OPEN: '3',
    ENGRAM_PG_POOL_MAX: '8',
  });
  api = httpClient(engram);
  handlers = makeHandlers(() => Promise.resolve(engram));
});
afterAll(() => engram?.close());

async function project() {
  const name = uniqueName('rp');
  expect((await api.rest('POST', '/projects', { body: { name } })).status).toBe(201);
  const call = (method: string, path: string, body?: unknown, tx?: string, token?: string) =>
    api.rest(method, path, {
      project: token ? undefined : name,
      token,
      body,
      headers: tx ? { 'x-transaction-id': tx } : {},
    });
  const begin = async (ttl = 20_000, token?: string) => {
    const res = await call('POST', '/tx', { ttl }, undefined, token);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id as string;
  };
  const count = async (label: string) =>
    (await call('POST', '/records/search', { labels: [label] })).body.total as number;
  const key = async (scope: 'read' | 'write' | 'admin') =>
    (await call('POST', '/keys', { name: `${scope}-key`, scope })).body.data as { id: string; key: string };
  return { name, call, begin, count, key };
}

const auth = () => ({ authorization: `Bearer ${engram.masterKey.key}` });

/** A body that never ends: whoever reads it waits forever. */
const endless = () =>
  new ReadableStream<Uint8Array>({
    start: (ctl) => ctl.enqueue(new TextEncoder().encode('{"label":"X","data":{"t":"')),
  });

describe(`request path (${backendName})`, () => {
  it('authenticates before reading the body: an unauthenticated endless body gets 401 (REST and tRPC)', async () => {
    const init = {
      method: 'POST',
      body: endless(),
      duplex: 'half',
      headers: { 'content-type': 'application/json' },
    } as RequestInit;
    const rest = await handlers.rest(new Request('http://t/api/v1/records', init));
    expect(rest.status).toBe(401);
    const trpc = await handlers.trpc(
      new Request('http://t/api/trpc/records.create', { ...init, body: endless() } as RequestInit),
    );
    expect(trpc.status).toBe(401);
  });

  it('cuts off a chunked body at the limit: 413 on both surfaces, nothing written', async () => {
    const p = await project();
    const big = JSON.stringify({ label: 'BIG', data: { t: 'x'.repeat(70_000) } });
    const chunked = () =>
      new ReadableStream<Uint8Array>({
        start(ctl) {
          const bytes = new TextEncoder().encode(big);
          for (let i = 0; i < bytes.length; i += 8192) ctl.enqueue(bytes.slice(i, i + 8192));
          ctl.close();
        },
      });
    const headers = { ...auth(), 'x-project-id': p.name, 'content-type': 'application/json' };
    const rest = await handlers.rest(
      new Request('http://t/api/v1/records', {
        method: 'POST',
        headers,
        body: chunked(),
        duplex: 'half',
      } as RequestInit),
    );
    expect(rest.status).toBe(413);
    expect((await rest.json()).error.code).toBe('LIMIT_EXCEEDED');
    const trpc = await handlers.trpc(
      new Request('http://t/api/trpc/records.create', {
        method: 'POST',
        headers,
        body: chunked(),
        duplex: 'half',
      } as RequestInit),
    );
    expect(trpc.status).toBe(413);
    expect((await trpc.json()).error.data.domain.code).toBe('LIMIT_EXCEEDED');
    expect(await p.count('BIG')).toBe(0);
  });

  it('reads the rest of a body cut off at the limit instead of cancelling it (a cancel reset the socket under the 413)', async () => {
    const p = await project();
    const headers = { ...auth(), 'x-project-id': p.name, 'content-type': 'application/json' };
    // 70 KB over a 64 KiB limit, in 8 KiB chunks: the stream reports whether it was read to its end or cancelled.
    const watched = () => {
      const bytes = new TextEncoder().encode(JSON.stringify({ label: 'BIG', data: { t: 'x'.repeat(140_000) } }));
      let at = 0;
      let cancelled = false;
      let ended: () => void = () => {};
      const end = new Promise<void>((resolve) => (ended = resolve));
      const body = new ReadableStream<Uint8Array>({
        pull(ctl) {
          if (at >= bytes.length) {
            ctl.close();
            ended();
            return;
          }
          ctl.enqueue(bytes.slice(at, (at += 8192)));
        },
        cancel() {
          cancelled = true;
          ended();
        },
      });
      return { body, end, cancelled: () => cancelled };
    };
    for (const [handler, url] of [
      [handlers.rest, 'http://t/api/v1/records'],
      [handlers.trpc, 'http://t/api/trpc/records.create'],
    ] as const) {
      const w = watched();
      const res = await handler(
        new Request(url, { method: 'POST', headers, body: w.body, duplex: 'half' } as RequestInit),
      );
      expect(res.status).toBe(413);
      await w.end;
      expect(w.cancelled()).toBe(false);
    }
    expect(await p.count('BIG')).toBe(0);
  });

  it('tRPC refuses a JSON body that is not UTF-8 (it was decoded to U+FFFD and stored), like REST', async () => {
    const p = await project();
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"label":"U8","data":{"t":"a'),
      0xff,
      ...new TextEncoder().encode('"}}'),
    ]);
    const headers = { ...auth(), 'x-project-id': p.name, 'content-type': 'application/json' };
    const trpc = await handlers.trpc(
      new Request('http://t/api/trpc/records.create', { method: 'POST', headers, body: bytes }),
    );
    expect(trpc.status).toBe(400);
    expect((await trpc.json()).error.data.domain.code).toBe('INVALID');
    const rest = await handlers.rest(new Request('http://t/api/v1/records', { method: 'POST', headers, body: bytes }));
    expect(rest.status).toBe(400);
    expect(await p.count('U8')).toBe(0);
  });

  it('tRPC refusals before any procedure (content type, batch size) are typed application/json', async () => {
    const p = await project();
    const headers = { ...auth(), 'x-project-id': p.name };
    const plain = await handlers.trpc(
      new Request('http://t/api/trpc/records.create', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/plain' },
        body: '{"label":"X"}',
      }),
    );
    expect(plain.status).toBe(415);
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await plain.json()).error.data.domain.code).toBe('INVALID');
    const batch = await handlers.trpc(
      new Request(`http://t/api/trpc/${Array(51).fill('projects.current').join(',')}?batch=1&input=%7B%7D`, {
        headers,
      }),
    );
    expect(batch.status).toBe(400);
    expect(batch.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await batch.json()).error.data.domain.code).toBe('INVALID');
  });

  it('a malformed session cookie does not fail a request that carries a key, and counts as no cookie', async () => {
    const p = await project();
    const withKey = await api.rest('POST', '/records/search', {
      project: p.name,
      body: {},
      headers: { cookie: 'engram_session=%E0%A4%A' },
    });
    expect(withKey.status).toBe(200);
    const cookieOnly = await api.rest('POST', '/records/search', {
      token: null,
      body: {},
      headers: { cookie: 'engram_session=%E0%A4%A' },
    });
    expect(cookieOnly.status).toBe(401);
  });

  it('__proto__ keys are refused with their path, and write or delete nothing', async () => {
    const p = await project();
    await p.call('POST', '/records', { label: 'P', data: { a: 1 } });
    const del = await p.call('POST', '/records/delete', JSON.parse('{"labels":["P"],"where":{"__proto__":{"a":1}}}'));
    expect(del.status).toBe(400);
    expect(del.body.error.details.path).toEqual(['where', '__proto__']);
    expect(await p.count('P')).toBe(1);
    const viaRaw = await api.rest('POST', '/records/delete', {
      project: p.name,
      rawBody: '{"labels":["P"],"where":{"__proto__":{"a":1}}}',
    });
    expect(viaRaw.status).toBe(400);
    const create = await api.rest('POST', '/records', {
      project: p.name,
      rawBody: '{"label":"P","data":{"b":1,"__proto__":{"x":1}}}',
    });
    expect(create.status).toBe(400);
    expect(create.body.error.details.path).toEqual(['data', '__proto__']);
    const trpc = await api.trpcMutation('records.create', JSON.parse('{"label":"P","data":{"__proto__":{"x":1}}}'), {
      project: p.name,
    });
    expect(trpc.status).toBe(400);
    expect(await p.count('P')).toBe(1);
    // In a query string too: it used to be dropped silently (a plain object's __proto__ setter).
    for (const query of ['__proto__=x', '__proto__=a&__proto__=b']) {
      const viaQuery = await api.rest('POST', `/records?${query}`, {
        project: p.name,
        body: { label: 'P', data: { q: 1 } },
      });
      expect(viaQuery.status, query).toBe(400);
      expect(viaQuery.body.error.details.path).toEqual(['__proto__']);
    }
    expect(await p.count('P')).toBe(1);
    // `constructor` is an ordinary property name.
    const ctor = await p.call('POST', '/records', { label: 'P', data: { constructor: 'ok' } });
    expect(ctor.status).toBe(201);
    expect(ctor.body.data.constructor).toBe('ok');
  });

  it('NUL and unpaired surrogates anywhere answer 400 with the path and write nothing', async () => {
    const p = await project();
    const cases: [string, string, unknown, (string | number)[]][] = [
      ['POST', '/records', { label: 'N', data: { 'a\u0000': 1 } }, ['data']],
      ['POST', '/records', { label: 'N', data: { a: 'x\u0000y' } }, ['data', 'a']],
      ['POST', '/records', { label: 'N', data: { a: '\ud800' } }, ['data', 'a']],
      ['POST', '/records', { label: 'N\udc00', data: { a: 1 } }, ['label']],
      ['POST', '/records/search', { labels: ['N'], where: { 'k\u0000': 1 } }, ['where']],
      [
        'POST',
        '/records/search',
        { labels: ['N'], where: { k: { $in: ['ok', 'x\ud83d'] } } },
        ['where', 'k', '$in', 1],
      ],
      ['POST', '/keys', { name: 'k\u0000', scope: 'read' }, ['name']],
      ['POST', '/ai/indexes', { label: 'N\u0000', propertyName: 'text' }, ['label']],
      ['POST', '/properties/values', { label: 'N', propertyName: 'a\ud800' }, ['propertyName']],
      ['POST', '/records/import/csv', { label: 'N', data: 'a,b\n1,\u0000' }, ['data']],
    ];
    for (const [method, path, body, where] of cases) {
      const res = await p.call(method, path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toBe('INVALID');
      expect(res.body.error.details.path).toEqual(where);
    }
    expect(await p.count('N')).toBe(0);
    expect((await p.call('GET', '/keys')).body.total).toBe(0);
  });

  it('refuses inputs nested deeper than the limit before any schema walks them', async () => {
    const p = await project();
    const depth = 5_000; // within the body limit of this engram (64 KiB)
    const where = '{"$not":'.repeat(depth) + '{"a":1}' + '}'.repeat(depth);
    const rest = await api.rest('POST', '/records/search', {
      project: p.name,
      rawBody: `{"labels":["D"],"where":${where}}`,
    });
    expect(rest.status).toBe(400);
    expect(rest.body.error.code).toBe('LIMIT_EXCEEDED');
    const arrays = await api.rest('POST', '/records', {
      project: p.name,
      rawBody: `{"label":"D","data":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    });
    expect(arrays.status).toBe(400);
    const trpc = await api.send(
      handlers.trpc,
      'GET',
      `/api/trpc/records.search?input=${encodeURIComponent(`{"labels":["D"],"where":${where}}`)}`,
      { project: p.name },
    );
    expect(trpc.status).toBe(400);
    expect(await p.count('D')).toBe(0);
  });

  it('tRPC batch: a transactionId in one call does not carry over to the next', async () => {
    const p = await project();
    const tx = await p.begin();
    const body = { 0: { transactionId: tx, label: 'B', data: { n: 1 } }, 1: { label: 'B', data: { n: 2 } } };
    const res = await api.send(handlers.trpc, 'POST', '/api/trpc/records.create,records.create?batch=1', {
      project: p.name,
      body,
    });
    const [inside, outside] = res.body as {
      result?: { data: { n: number } };
      error?: { data: { httpStatus: number } };
    }[];
    expect(inside!.result!.data.n).toBe(1);
    if (onPostgres) expect(outside!.result!.data.n).toBe(2);
    else expect(outside!.error!.data.httpStatus).toBe(503); // the embedded database is held by the transaction
    expect((await p.call('POST', `/tx/${tx}/rollback`)).status).toBe(200);
    const left = (await p.call('POST', '/records/search', { labels: ['B'] })).body.data.map((r: { n: number }) => r.n);
    expect(left).toEqual(onPostgres ? [2] : []);
  });

  it('a failed request inside a transaction rolls back to its savepoint; the transaction goes on', async () => {
    const p = await project();
    const tx = await p.begin();
    expect((await p.call('POST', '/records', { label: 'S', data: { n: 1 } }, tx)).status).toBe(201);
    expect((await p.call('POST', '/ai/indexes', { label: 'S', propertyName: 'text' }, tx)).status).toBe(201);
    const dup = await p.call('POST', '/ai/indexes', { label: 'S', propertyName: 'text' }, tx);
    expect(dup.status).toBe(409);
    const bad = await p.call('PATCH', '/records/01900000-0000-7000-8000-000000000000', { data: { n: 2 } }, tx);
    expect(bad.status).toBe(404);
    expect((await p.call('POST', '/records', { label: 'S', data: { n: 2 } }, tx)).status).toBe(201);
    expect((await p.call('POST', '/records/search', { labels: ['S'] }, tx)).body.total).toBe(2);
    expect((await p.call('POST', `/tx/${tx}/commit`)).body.data.status).toBe('committed');
    expect(await p.count('S')).toBe(2);
    expect((await p.call('GET', '/ai/indexes')).body.total).toBe(1);
  });

  it('commit and rollback are idempotent; other uses of an ended transaction say how it ended', async () => {
    const p = await project();
    const a = await p.begin();
    expect((await p.call('POST', `/tx/${a}/commit`)).status).toBe(200);
    expect((await p.call('POST', `/tx/${a}/commit`)).body.data.status).toBe('committed');
    const write = await p.call('POST', '/records', { label: 'I', data: {} }, a);
    expect(write.status).toBe(409);
    expect(write.body.error.details.reason).toBe('committed');
    const b = await p.begin();
    expect((await p.call('POST', `/tx/${b}/rollback`)).status).toBe(200);
    expect((await p.call('POST', `/tx/${b}/rollback`)).status).toBe(200);
    const commit = await p.call('POST', `/tx/${b}/commit`);
    expect(commit.status).toBe(409);
    expect(commit.body.error.details.reason).toBe('rolled back');
    expect((await p.call('POST', '/tx/00000000-0000-4000-8000-000000000000/commit')).status).toBe(404);
    const malformed = await p.call('POST', '/records/search', {}, 'not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.path).toEqual(['headers', 'x-transaction-id']);
  });

  it('calls that cannot run inside a transaction refuse one at once instead of waiting it out', async () => {
    const p = await project();
    const tx = await p.begin();
    for (const [method, path, body] of [
      ['GET', '/projects', undefined],
      ['POST', '/tx', {}],
      ['POST', '/relationships/suggestions/analyze', { wait: true }],
      ['GET', '/keys', undefined],
    ] as const) {
      const started = Date.now();
      const res = await p.call(method, path, body, tx);
      expect(res.status, path).toBe(400);
      expect(Date.now() - started).toBeLessThan(WAIT_MS);
    }
    expect((await p.call('POST', '/records', { label: 'R', data: {} }, tx)).status).toBe(201);
    expect((await p.call('POST', `/tx/${tx}/commit`)).status).toBe(200);
  });

  it('revoking a key rolls back its open transactions first, even one holding the embedded database', async () => {
    const p = await project();
    const key = await p.key('write');
    const tx = await p.begin(60_000, key.key);
    expect((await p.call('POST', '/records', { label: 'K', data: {} }, tx, key.key)).status).toBe(201);
    const started = Date.now();
    const revoked = await p.call('DELETE', `/keys/${key.id}`);
    expect(revoked.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(WAIT_MS);
    expect((await p.call('GET', `/tx/${tx}`, undefined, undefined, key.key)).status).toBe(401);
    expect(await p.count('K')).toBe(0);
  });

  it('concurrent begins never exceed the open-transaction limit', async () => {
    const p = await project();
    const results = await Promise.all(Array.from({ length: 8 }, () => p.call('POST', '/tx', { ttl: 20_000 })));
    const opened = results.filter((r) => r.status === 201).map((r) => r.body.data.id as string);
    const refused = results.filter((r) => r.status === 503);
    expect(opened.length).toBe(onPostgres ? 3 : 1);
    expect(opened.length + refused.length).toBe(8);
    expect(engram.transactions.size).toBe(opened.length);
    await Promise.all(opened.map((id) => p.call('POST', `/tx/${id}/rollback`)));
    expect(engram.transactions.size).toBe(0);
  });
});

describe.skipIf(onPostgres)('one transaction holding the embedded database', () => {
  it('other projects read on its connection; writes and its own project wait, then 503; admin reads work', async () => {
    const holder = await project();
    const other = await project();
    await other.call('POST', '/records', { label: 'O', data: { n: 1 } });
    const tx = await holder.begin(30_000);
    await holder.call('POST', '/records', { label: 'H', data: { n: 1 } }, tx);
    const started = Date.now();
    const read = await other.call('POST', '/records/search', { labels: ['O'] });
    expect(read.status).toBe(200);
    expect(read.body.total).toBe(1);
    expect((await other.call('GET', '/schema')).status).toBe(200);
    expect((await api.rest('GET', '/projects')).status).toBe(200);
    expect((await api.health()).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(WAIT_MS);
    // A read of the holder's project from outside would see uncommitted writes: it waits instead.
    const dirty = await holder.call('POST', '/records/search', { labels: ['H'] });
    expect(dirty.status).toBe(503);
    expect(dirty.body.error.details.reason).toBe('transaction-open');
    const write = await other.call('POST', '/records', { label: 'O', data: { n: 2 } });
    expect(write.status).toBe(503);
    expect((await holder.call('POST', `/tx/${tx}/commit`)).status).toBe(200);
    expect(await other.count('O')).toBe(1);
    expect(await holder.count('H')).toBe(1);
  });

  it('a request already on the connection finishes before a transaction opens', async () => {
    const p = await project();
    const rows = Array.from({ length: 3000 }, (_, i) => ({ i }));
    const importing = p.call('POST', '/records/import/json', { label: 'L', data: rows });
    await new Promise((r) => setTimeout(r, 5));
    const tx = await p.begin();
    expect((await importing).status).toBe(200);
    expect((await p.call('POST', '/records/search', { labels: ['L'], limit: 1 }, tx)).body.total).toBe(3000);
    await p.call('POST', `/tx/${tx}/rollback`);
  });
});

describe('health', () => {
  it('does not tell unauthenticated callers why the database failed', async () => {
    const own = await startTestEngram();
    const h = makeHandlers(() => Promise.resolve(own));
    await own.close();
    const res = await h.health(new Request('http://t/api/health'));
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'error', error: 'The database did not answer' });
    expect(JSON.stringify(body)).not.toMatch(/closed|pglite|pool|ECONN/i);
  });
});
