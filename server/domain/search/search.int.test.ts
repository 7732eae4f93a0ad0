import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction, type Tx } from '@/server/db';
import { searchByMeaning } from '@/server/domain/search';
import { createFakeEmbedder, type Embedder } from '@/server/domain/embeddings';
import { whereFor } from '@/server/domain/query';
import type { Engram } from '@/server/engram';
import { sql as S } from '@/server/db';
import { backendName, hnswBuilt, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';
import { sql as sqlText, type Sql } from '@/server/db/sql/compose';

/** A fake embedder that counts its calls and can be switched off (provider down). */
function countingEmbedder() {
  // Its own model name, so background workers of other test files sharing a PostgreSQL leave its indexes alone.
  const inner = createFakeEmbedder({ model: 'fake-counting' });
  const state = { calls: 0, texts: 0, down: false };
  const embedder: Embedder = {
    provider: inner.provider,
    model: inner.model,
    dimensions: inner.dimensions,
    async embed(texts) {
      if (state.down) {
        const { DomainError } = await import('@/server/errors');
        throw new DomainError('UNAVAILABLE', 'The embedding service at test is unavailable: down');
      }
      state.calls++;
      state.texts += texts.length;
      return inner.embed(texts);
    },
  };
  return { embedder, state };
}

let engram: Engram;
let api: ReturnType<typeof httpClient>;
const counting = countingEmbedder();
beforeAll(async () => {
  engram = await startTestEngram({ ENGRAM_EXACT_SEARCH_BELOW: '0' }, counting.embedder);
  api = httpClient(engram);
});
afterAll(() => engram?.close());

async function project() {
  const name = uniqueName('ai');
  const res = await api.rest('POST', '/projects', { body: { name } });
  const call = (method: string, path: string, body?: unknown) => api.rest(method, path, { project: name, body });
  return { name, id: res.body.data.id as string, call };
}

async function waitReady(call: (m: string, p: string) => Promise<{ body: any }>, id: string) {
  await engram.backfill.idle();
  for (let i = 0; i < 100; i++) {
    const ix = (await call('GET', `/ai/indexes/${id}`)).body.data;
    if (ix.status === 'ready' || ix.status === 'error') return ix;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('index not ready');
}

const search = async (p: Awaited<ReturnType<typeof project>>, body: Record<string, unknown>) => {
  const res = await p.call('POST', '/ai/search', { labels: ['MEMORY'], propertyName: 'text', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as {
    __id: string;
    __score: number;
    text: string;
    user: string;
    __scores?: Record<string, number>;
  }[];
};

describe(`embedding indexes (${backendName})`, () => {
  it('backfills existing records with progress, then answers searches by meaning', async () => {
    const p = await project();
    await p.call('POST', '/records/import/json', {
      label: 'MEMORY',
      data: Array.from({ length: 150 }, (_, i) => ({
        user: i % 2 ? 'alice' : 'bob',
        text: i === 7 ? 'alice prefers green tea in the morning' : `note ${i} about the quarterly budget`,
      })),
    });
    const created = await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      status: 'pending',
      source: 'managed',
      dimensions: 64,
      similarity: 'cosine',
    });
    const ix = await waitReady(p.call, created.body.data.id);
    expect(ix).toMatchObject({ status: 'ready', progress: { indexed: 150, total: 150 } });
    const hits = await search(p, { query: 'green tea', mode: 'semantic', limit: 3 });
    expect(hits[0]!.text).toBe('alice prefers green tea in the morning');
    expect(hits[0]!.__score).toBeGreaterThan(hits[1]!.__score);
    const dup = await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' });
    expect(dup.status).toBe(409);
    expect((await p.call('GET', '/ai/indexes')).body.total).toBe(1);
  });

  it('read-your-writes: a record is searchable as soon as its create returns; deleting it removes its vector', async () => {
    const p = await project();
    const ix = (await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' })).body.data;
    await waitReady(p.call, ix.id);
    const rec = (
      await p.call('POST', '/records', { label: 'MEMORY', data: { user: 'alice', text: 'the launch moved to friday' } })
    ).body.data;
    const hits = await search(p, { query: 'launch friday', mode: 'semantic' });
    expect(hits.map((h) => h.__id)).toEqual([rec.__id]);
    await p.call('DELETE', `/records/${rec.__id}`);
    expect(await search(p, { query: 'launch friday', mode: 'semantic' })).toEqual([]);
    const rows = await engram.db.prisma.$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM embedding WHERE index_id = ${ix.id}::uuid`;
    expect(rows[0]!.n).toBe(0);
  });

  it('unchanged text is not embedded again; changed text is', async () => {
    const p = await project();
    const ix = (await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' })).body.data;
    await waitReady(p.call, ix.id);
    const rec = (await p.call('POST', '/records', { label: 'MEMORY', data: { text: 'first words', n: 1 } })).body.data;
    const before = counting.state.texts;
    await p.call('PATCH', `/records/${rec.__id}`, { data: { n: 2 } });
    await p.call('PUT', `/records/${rec.__id}`, { data: { text: 'first words', n: 3 } });
    expect(counting.state.texts).toBe(before);
    await p.call('PATCH', `/records/${rec.__id}`, { data: { text: 'other words entirely' } });
    expect(counting.state.texts).toBe(before + 1);
    expect((await search(p, { query: 'other words', mode: 'semantic' }))[0]!.__id).toBe(rec.__id);
    await p.call('PUT', `/records/${rec.__id}`, { data: { n: 4 } });
    expect(await search(p, { query: 'other words', mode: 'semantic' })).toEqual([]);
  });

  it('where is applied exactly: another user never appears, traversal included', async () => {
    const p = await project();
    await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' });
    await p.call('POST', '/records/import/json', {
      label: 'MEMORY',
      data: [
        { user: 'alice', text: 'coffee with milk', owner: { name: 'alice' } },
        { user: 'bob', text: 'coffee with milk and sugar', owner: { name: 'bob' } },
        { user: 'bob', text: 'coffee coffee coffee', owner: { name: 'bob' } },
      ],
    });
    for (const mode of ['semantic', 'hybrid', 'keyword']) {
      const hits = await search(p, { query: 'coffee', mode, where: { user: 'alice' } });
      expect(
        hits.map((h) => h.user),
        mode,
      ).toEqual(['alice']);
      const viaOwner = await search(p, { query: 'coffee', mode, where: { owner: { name: 'alice' } } });
      expect(
        viaOwner.map((h) => h.user),
        mode,
      ).toEqual(['alice']);
    }
  });

  it('a filtered search matching 1% of records still returns limit rows (HNSW with iterative scan)', async () => {
    const p = await project();
    const data = Array.from({ length: 2000 }, (_, i) => ({
      user: i % 100 === 0 ? 'rare' : 'common',
      text: `memory ${i} about apples and pears ${i % 13}`,
    }));
    await p.call('POST', '/records/import/json', { label: 'MEMORY', data });
    const ix = (await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' })).body.data;
    await waitReady(p.call, ix.id);
    await hnswBuilt(engram, ix.id);
    await engram.db.prisma.$executeRaw`ANALYZE embedding`;
    const hits = await search(p, { query: 'apples and pears', mode: 'semantic', where: { user: 'rare' }, limit: 15 });
    expect(hits).toHaveLength(15);
    expect(hits.every((h) => h.user === 'rare')).toBe(true);
    const exact = await search(p, {
      query: 'apples and pears',
      mode: 'semantic',
      where: { user: 'rare' },
      limit: 15,
      exact: true,
    });
    // The same scores as exact search: the 15 nearest, up to which of several equally near records fill the last places.
    expect(hits.map((h) => h.__score.toFixed(6))).toEqual(exact.map((h) => h.__score.toFixed(6)));
  });

  it('filtered plans do not depend on statistics: exact goes from each candidate by key, ANN hashes the candidates', async () => {
    const p = await project();
    await p.call('POST', '/records/import/json', {
      label: 'MEMORY',
      data: Array.from({ length: 300 }, (_, i) => ({ user: `u${i % 3}`, text: `note ${i}` })),
    });
    const ix = (await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' })).body.data;
    await waitReady(p.call, ix.id);
    // No ANALYZE: the rows are newer than the table's statistics, as right after a write.
    const where = whereFor({}, { user: 'u1' }, ['where'])!;
    const candidates = S.embeddingSql.searchCandidates(S.compileFilter(p.id, ['MEMORY'], where));
    const q = (await engram.embedder.embed(['note']))[0]!;
    const explain = async (sql: S.Sql) =>
      (await engram.db.prisma.$queryRaw<Record<string, string>[]>(sqlText`EXPLAIN ${sql}`))
        .map((r) => Object.values(r)[0])
        .join('\n');
    const exact = await explain(
      S.embeddingSql.vectorSearch(
        p.id,
        { id: ix.id, dimensions: 64, similarity: 'cosine' },
        q,
        candidates,
        10,
        0,
        true,
      ),
    );
    expect(exact).toMatch(/Index Cond: .*record_id = r\.id/); // one key lookup per candidate
    const ann = await explain(
      S.embeddingSql.vectorSearch(
        p.id,
        { id: ix.id, dimensions: 64, similarity: 'cosine' },
        q,
        candidates,
        10,
        0,
        false,
      ),
    );
    expect(ann).toMatch(/hashed SubPlan/);
    const keyword = await explain(S.embeddingSql.keywordSearch(p.id, ix.id, 'note', candidates, 10, 0, false));
    expect(keyword).toMatch(/hashed SubPlan/);
  });

  it("a search inside the caller's transaction leaves its planner settings as they were", async () => {
    const p = await project();
    await p.call('POST', '/records/import/json', {
      label: 'MEMORY',
      data: Array.from({ length: 40 }, (_, i) => ({ user: `u${i % 2}`, text: `note ${i}` })),
    });
    const ix = (await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' })).body.data;
    await waitReady(p.call, ix.id);
    const settings = (tx: Tx) =>
      tx.$queryRaw<Record<string, string>[]>(
        sqlText`SELECT current_setting('enable_sort') AS sort, current_setting('work_mem') AS mem, current_setting('enable_nestloop') AS nestloop`,
      );
    await withTransaction(engram.db.prisma, async (tx) => {
      const before = await settings(tx);
      for (const where of [undefined, { user: 'u1' }]) {
        const found = await searchByMeaning(
          { db: tx, projectId: p.id, embedder: engram.embedder, exactSearchBelow: 0 },
          { labels: ['MEMORY'], propertyName: 'text', query: 'note', mode: 'hybrid', where },
        );
        expect(found.items.length).toBeGreaterThan(0);
      }
      expect(await settings(tx)).toEqual(before);
    });
  });

  it('by default a filter leaving few candidates is searched exactly, from each candidate', async () => {
    const p = await project();
    await p.call('POST', '/records/import/json', {
      label: 'MEMORY',
      data: Array.from({ length: 30 }, (_, i) => ({ user: `u${i % 3}`, text: `note ${i}` })),
    });
    const ix = (await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' })).body.data;
    await waitReady(p.call, ix.id);
    const sent: string[] = [];
    const db = new Proxy(engram.db.prisma, {
      get(target, prop, receiver) {
        if (prop === '$queryRaw') return (q: Sql) => (sent.push(q.sql), target.$queryRaw(q));
        return Reflect.get(target, prop, receiver);
      },
    });
    const found = await searchByMeaning(
      { db, projectId: p.id, embedder: engram.embedder, exactSearchBelow: 10_000 },
      { labels: ['MEMORY'], propertyName: 'text', query: 'note', mode: 'semantic', where: { user: 'u1' } },
    );
    expect(found.items.map((h) => h.user)).toEqual(Array(10).fill('u1'));
    expect(sent.some((q) => q.includes('CROSS JOIN LATERAL') && q.includes('<=>'))).toBe(true);
  });

  it('a batch embeds its texts in one call, before its transaction, and its records are searchable when it returns', async () => {
    const p = await project();
    const ix = (await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' })).body.data;
    await waitReady(p.call, ix.id);
    const calls = counting.state.calls;
    const ops = [
      ...Array.from({ length: 5 }, (_, i) => ({
        op: 'create',
        label: 'MEMORY',
        data: { user: 'batch', text: `batch memory number ${i}` },
      })),
      { op: 'update', id: { $op: 0 }, data: { text: 'batch memory rewritten' } },
    ];
    expect((await p.call('POST', '/batch', { ops })).status).toBe(200);
    expect(counting.state.calls - calls).toBe(1);
    const hits = await search(p, {
      query: 'batch memory rewritten',
      mode: 'semantic',
      where: { user: 'batch' },
      limit: 10,
    });
    expect(hits.map((h) => h.text).sort()).toEqual([
      'batch memory number 1',
      'batch memory number 2',
      'batch memory number 3',
      'batch memory number 4',
      'batch memory rewritten',
    ]);
  });

  it('EXPLAIN shows the HNSW index for an unfiltered search', async () => {
    const p = await project();
    await p.call('POST', '/records/import/json', {
      label: 'MEMORY',
      data: Array.from({ length: 1500 }, (_, i) => ({ text: `line ${i} of text ${i % 7}` })),
    });
    const ix = (await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' })).body.data;
    await waitReady(p.call, ix.id);
    await hnswBuilt(engram, ix.id);
    await engram.db.prisma.$executeRaw`ANALYZE embedding`;
    const q = await engram.embedder.embed(['line of text']);
    const sql = S.embeddingSql.vectorSearch(
      p.id,
      { id: ix.id, dimensions: 64, similarity: 'cosine' },
      q[0]!,
      null,
      10,
      0,
      false,
    );
    const plan = await engram.db.prisma.$queryRaw<{ 'QUERY PLAN': string }[]>(sqlText`EXPLAIN ${sql}`);
    const text = plan.map((r) => Object.values(r)[0]).join('\n');
    expect(text).toContain(`embedding_hnsw_${ix.id.replace(/-/g, '')}`);
  });

  it('hybrid shows each leg; keyword ranks by BM25', async () => {
    const p = await project();
    await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' });
    await p.call('POST', '/records/import/json', {
      label: 'MEMORY',
      data: [
        { text: 'the zebra crossed the road' },
        { text: 'a road trip to the coast' },
        { text: 'zebra zebra stripes' },
      ],
    });
    const keyword = await search(p, { query: 'zebra', mode: 'keyword' });
    expect(keyword.map((h) => h.text)).toEqual(['zebra zebra stripes', 'the zebra crossed the road']);
    const hybrid = await search(p, { query: 'zebra road', mode: 'hybrid' });
    expect(hybrid[0]!.__scores).toBeDefined();
    expect(hybrid.some((h) => h.__scores?.keyword !== undefined && h.__scores?.semantic !== undefined)).toBe(true);
    // Weights move the fusion toward one leg: all on one leg ranks as that leg does.
    const semantic = await search(p, { query: 'zebra road', mode: 'semantic' });
    const onlySemantic = await search(p, { query: 'zebra road', mode: 'hybrid', weights: { semantic: 1, keyword: 0 } });
    expect(onlySemantic.map((h) => h.__id)).toEqual(semantic.map((h) => h.__id));
    const keywordOnly = await search(p, { query: 'zebra road', mode: 'keyword' });
    const onlyKeyword = await search(p, { query: 'zebra road', mode: 'hybrid', weights: { semantic: 0, keyword: 1 } });
    expect(onlyKeyword.slice(0, keywordOnly.length).map((h) => h.__id)).toEqual(keywordOnly.map((h) => h.__id));
    const bad = await p.call('POST', '/ai/search', {
      labels: ['MEMORY'],
      propertyName: 'text',
      query: 'zebra',
      weights: { semantic: 0, keyword: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.path).toEqual(['weights']);
    const negative = await p.call('POST', '/ai/search', {
      labels: ['MEMORY'],
      propertyName: 'text',
      query: 'zebra',
      weights: { keyword: -1 },
    });
    expect(negative.body.error.details.path).toEqual(['weights', 'keyword']);
  });

  it('external indexes take vectors of the right length only', async () => {
    const p = await project();
    const ix = (
      await p.call('POST', '/ai/indexes', { label: 'DOC', propertyName: 'body', external: true, dimensions: 3 })
    ).body.data;
    expect(ix).toMatchObject({ source: 'external', status: 'ready', dimensions: 3 });
    const a = (
      await p.call('POST', '/records', {
        label: 'DOC',
        data: { body: 'a' },
        vectors: [{ propertyName: 'body', vector: [1, 0, 0] }],
      })
    ).body.data;
    const b = (await p.call('POST', '/records', { label: 'DOC', data: { body: 'b' } })).body.data;
    expect(
      (await p.call('POST', `/ai/indexes/${ix.id}/vectors`, { items: [{ recordId: b.__id, vector: [0, 1, 0] }] })).body
        .data,
    ).toEqual({ upserted: 1 });
    const near = await p.call('POST', '/ai/search', {
      labels: ['DOC'],
      propertyName: 'body',
      queryVector: [0.1, 0.9, 0],
      mode: 'semantic',
    });
    expect(near.body.data.map((h: { __id: string }) => h.__id)).toEqual([b.__id, a.__id]);
    const wrong = await p.call('POST', `/ai/indexes/${ix.id}/vectors`, {
      items: [{ recordId: a.__id, vector: [1, 2] }],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.path).toEqual(['items', 0, 'vector']);
    const nan = await p.call('POST', `/ai/indexes/${ix.id}/vectors`, {
      items: [{ recordId: a.__id, vector: [1, null, 2] }],
    });
    expect(nan.status).toBe(400);
    const badInline = await p.call('POST', '/records', {
      label: 'DOC',
      data: { body: 'c' },
      vectors: [{ propertyName: 'body', vector: [1] }],
    });
    expect(badInline.status).toBe(400);
    const text = await p.call('POST', '/ai/search', {
      labels: ['DOC'],
      propertyName: 'body',
      query: 'a',
      mode: 'semantic',
    });
    expect(text.status).toBe(400);
  });

  it('provider down: UNAVAILABLE, and nothing is written half-indexed', async () => {
    const p = await project();
    const ix = (await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' })).body.data;
    await waitReady(p.call, ix.id);
    counting.state.down = true;
    try {
      const res = await p.call('POST', '/records', { label: 'MEMORY', data: { text: 'will not be written' } });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('UNAVAILABLE');
      const imp = await p.call('POST', '/records/import/json', {
        label: 'MEMORY',
        data: [{ text: 'x' }, { text: 'y' }],
      });
      expect(imp.status).toBe(503);
      expect((await p.call('POST', '/records/search', { labels: ['MEMORY'] })).body.total).toBe(0);
      const q = await p.call('POST', '/ai/search', {
        labels: ['MEMORY'],
        propertyName: 'text',
        query: 'something new',
        mode: 'semantic',
      });
      expect(q.status).toBe(503);
      // Records of other labels do not need the embedder.
      expect((await p.call('POST', '/records', { label: 'OTHER', data: { text: 'fine' } })).status).toBe(201);
    } finally {
      counting.state.down = false;
    }
  });

  it('a failed backfill records its reason and resumes on retry', async () => {
    const p = await project();
    await p.call('POST', '/records/import/json', {
      label: 'MEMORY',
      data: Array.from({ length: 10 }, (_, i) => ({ text: `t${i}` })),
    });
    counting.state.down = true;
    const ix = (await p.call('POST', '/ai/indexes', { label: 'MEMORY', propertyName: 'text' })).body.data;
    const failed = await waitReady(p.call, ix.id);
    counting.state.down = false;
    expect(failed.status).toBe('error');
    expect(failed.error).toMatch(/unavailable/);
    await p.call('POST', `/ai/indexes/${ix.id}/retry`);
    expect(await waitReady(p.call, ix.id)).toMatchObject({
      status: 'ready',
      error: null,
      progress: { indexed: 10, total: 10 },
    });
  });
});
