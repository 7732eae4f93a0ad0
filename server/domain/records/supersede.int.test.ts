import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

/**
 * Deterministic supersede: `options.supersedes` (or any SUPERSEDES relationship) marks older records as
 * replaced, and `latestOnly` leaves them out of find, aggregations, export and search by meaning.
 */
let engram: Engram;
let api: ReturnType<typeof httpClient>;

beforeAll(async () => {
  engram = await startTestEngram();
  api = httpClient(engram);
});
afterAll(async () => engram?.close());

describe(`supersede and latestOnly (${backendName})`, () => {
  it('a create that supersedes: the edge is written with it; latestOnly leaves the old one out everywhere', async () => {
    const p = uniqueName('sup');
    expect((await api.rest('POST', '/projects', { body: { name: p } })).status).toBe(201);
    const index = (
      await api.rest('POST', '/ai/indexes', { project: p, body: { label: 'MEMORY', propertyName: 'text' } })
    ).body.data;
    const old = (
      await api.rest('POST', '/records', {
        project: p,
        body: { label: 'MEMORY', data: { user: 'alice', text: 'Alice lives in Paris' } },
      })
    ).body.data;
    const other = (
      await api.rest('POST', '/records', {
        project: p,
        body: { label: 'MEMORY', data: { user: 'alice', text: 'Alice likes tea' } },
      })
    ).body.data;
    const moved = await api.rest('POST', '/records', {
      project: p,
      body: {
        label: 'MEMORY',
        data: { user: 'alice', text: 'Alice lives in Oslo now' },
        options: { supersedes: old.__id },
      },
    });
    expect(moved.status).toBe(201);
    const rels = (await api.rest('GET', `/records/${old.__id}/relationships`, { project: p })).body.data;
    expect(rels).toEqual([
      expect.objectContaining({ direction: 'in', type: 'SUPERSEDES', otherId: moved.body.data.__id }),
    ]);

    const all = await api.rest('POST', '/records/search', { project: p, body: { labels: ['MEMORY'] } });
    expect(all.body.total).toBe(3);
    const latest = await api.rest('POST', '/records/search', {
      project: p,
      body: { labels: ['MEMORY'], where: { user: 'alice' }, latestOnly: true },
    });
    expect(latest.body.data.map((r: any) => r.text).sort()).toEqual(['Alice likes tea', 'Alice lives in Oslo now']);
    const counted = await api.rest('POST', '/records/search', {
      project: p,
      body: { labels: ['MEMORY'], latestOnly: true, select: { n: { $count: '*' } } },
    });
    expect(counted.body.data).toEqual([{ n: 2 }]);
    const csv = await api.rest('POST', '/records/export/csv', {
      project: p,
      body: { labels: ['MEMORY'], latestOnly: true },
    });
    expect(csv.body).not.toContain('Paris');

    expect((await api.rest('GET', `/ai/indexes/${index.id}`, { project: p })).body.data.status).toBe('ready');
    for (const mode of ['semantic', 'keyword', 'hybrid']) {
      const hits = await api.rest('POST', '/ai/search', {
        project: p,
        body: { labels: ['MEMORY'], propertyName: 'text', query: 'where does Alice live', mode, latestOnly: true },
      });
      expect(hits.status, JSON.stringify(hits.body)).toBe(200);
      expect(
        hits.body.data.map((h: any) => h.__id),
        mode,
      ).not.toContain(old.__id);
      const withOld = await api.rest('POST', '/ai/search', {
        project: p,
        body: { labels: ['MEMORY'], propertyName: 'text', query: 'where does Alice live', mode },
      });
      expect(
        withOld.body.data.map((h: any) => h.__id),
        mode,
      ).toContain(old.__id);
    }
    // A SUPERSEDES relationship made by hand counts the same.
    await api.rest('POST', `/relationships/${moved.body.data.__id}`, {
      project: p,
      body: { targetIds: other.__id, type: 'SUPERSEDES' },
    });
    const latest2 = await api.rest('POST', '/records/search', {
      project: p,
      body: { labels: ['MEMORY'], latestOnly: 'true' },
    });
    expect(latest2.body.data.map((r: any) => r.__id)).toEqual([moved.body.data.__id]);
  });

  it('refuses a missing or self target and writes nothing; upserts and batches may supersede', async () => {
    const p = uniqueName('sup2');
    await api.rest('POST', '/projects', { body: { name: p } });
    const a = (await api.rest('POST', '/records', { project: p, body: { label: 'N', data: { k: 'a' } } })).body.data;
    const missing = await api.rest('POST', '/records', {
      project: p,
      body: { label: 'N', data: { k: 'b' }, options: { supersedes: [a.__id, '01900000-0000-7000-8000-000000000000'] } },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.details.path).toEqual(['options', 'supersedes', 1]);
    expect((await api.rest('POST', '/records/search', { project: p, body: { labels: ['N'] } })).body.total).toBe(1);
    const bad = await api.rest('POST', '/records', {
      project: p,
      body: { label: 'N', data: { k: 'c' }, options: { supersedes: 'nope' } },
    });
    expect(bad.status).toBe(400);

    const up = await api.rest('POST', '/records', {
      project: p,
      body: { label: 'N', data: { k: 'a2', v: 1 }, options: { mergeBy: ['k'], supersedes: [a.__id] } },
    });
    expect(up.status).toBe(201);
    const batch = await api.rest('POST', '/batch', {
      project: p,
      body: { ops: [{ op: 'create', label: 'N', data: { k: 'a3' }, options: { supersedes: up.body.data.__id } }] },
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    const latest = await api.rest('POST', '/records/search', { project: p, body: { labels: ['N'], latestOnly: true } });
    expect(latest.body.data.map((r: any) => r.k)).toEqual(['a3']);
  });
});
