import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '@/server/domain/projects';
import type { ProjectDeps } from '@/server/domain/deps';
import { countLabels, createRecord, importJson, LIMITS, queryRecords } from '@/server/domain/records';
import type { Engram } from '@/server/engram';
import { backendName, onPostgres, startTestEngram, uniqueName } from '@/server/test/harness';

let engram: Engram;
beforeAll(async () => {
  engram = await startTestEngram();
});
afterAll(() => engram?.close());

async function project(): Promise<ProjectDeps> {
  const p = await createProject({ db: engram.db.prisma }, { name: uniqueName('merge') });
  return { db: engram.db.prisma, projectId: p.id };
}

type Row = { __id: string; [k: string]: unknown };
const find = async (deps: ProjectDeps, label: string, where: Record<string, unknown> = {}) =>
  (await queryRecords(deps, { labels: [label], where, limit: 1000 })).items as Row[];

describe(`mergeBy upserts at the per-write limit (${backendName})`, () => {
  it(`imports ${LIMITS.recordsPerWrite} records with mergeBy, then re-imports them merging every one`, async () => {
    const deps = await project();
    const N = LIMITS.recordsPerWrite;
    const docs = (v: number) => Array.from({ length: N }, (_, i) => ({ sku: `s${i}`, region: i % 7, v }));
    const fresh = await importJson(deps, { label: 'ITEM', data: docs(1), options: { mergeBy: ['sku', 'region'] } });
    expect(fresh).toMatchObject({ created: N, updated: 0 });
    const again = await importJson(deps, { label: 'ITEM', data: docs(2), options: { mergeBy: ['sku', 'region'] } });
    expect(again).toMatchObject({ created: 0, updated: N });
    expect(await countLabels(deps, { labels: ['ITEM'] })).toEqual({ ITEM: N });
    expect((await queryRecords(deps, { labels: ['ITEM'], where: { v: 1 }, limit: 1 })).total).toBe(0);
    const [last] = await find(deps, 'ITEM', { sku: `s${N - 1}` });
    expect(last).toMatchObject({ sku: `s${N - 1}`, region: (N - 1) % 7, v: 2 });
  }, 300_000);
});

describe(`mergeBy matches equal values only (${backendName})`, () => {
  it('a key value matches a record whose value is equal, not one whose value merely contains it', async () => {
    const deps = await project();
    const tags = await createRecord(deps, { label: 'K', data: { k: ['a', 'b'], n: 1 } });
    const pair = await createRecord(deps, { label: 'K', data: { k: ['b', 'a'], n: 2 } });
    const num = await createRecord(deps, { label: 'K', data: { k: 1, n: 3 } });
    const nul = await createRecord(deps, { label: 'K', data: { k: null, n: 4 } });
    const res = await importJson(deps, {
      label: 'K',
      data: [
        { k: 'a' },
        { k: ['a'] },
        { k: ['a', 'b'], m: 'tags' },
        { k: ['b', 'a'], m: 'pair' },
        { k: 1.0, m: 'num' },
        { k: null, m: 'null' },
        { k: '1' },
        { k: [1] },
      ],
      options: { mergeBy: ['k'] },
    });
    expect(res).toMatchObject({ created: 4, updated: 4 });
    const byN = new Map((await find(deps, 'K')).map((r) => [r.__id, r]));
    expect(byN.get(tags.__id)).toMatchObject({ n: 1, m: 'tags' });
    expect(byN.get(pair.__id)).toMatchObject({ n: 2, m: 'pair' });
    expect(byN.get(num.__id)).toMatchObject({ n: 3, m: 'num' });
    expect(byN.get(nul.__id)).toMatchObject({ n: 4, m: 'null' });
    expect(byN.size).toBe(8);
    // Another label's record with the same key is not a match.
    await importJson(deps, { label: 'OTHER', data: [{ k: 1 }], options: { mergeBy: ['k'] } });
    expect(await countLabels(deps, {})).toEqual({ K: 8, OTHER: 1 });
  });
});

describe.skipIf(!onPostgres)(`concurrent mergeBy writes (${backendName})`, () => {
  it('concurrent upserts of one key make one record', async () => {
    const deps = await project();
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        createRecord(deps, { label: 'U', data: { email: 'a@x', ['w' + i]: i }, options: { mergeBy: ['email'] } }),
      ),
    );
    const [only, ...rest] = await find(deps, 'U');
    expect(rest).toEqual([]);
    expect(
      Object.keys(only!)
        .filter((k) => k.startsWith('w'))
        .sort(),
    ).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7']);
  });

  it('imports sharing keys in opposite orders neither deadlock nor duplicate', async () => {
    const deps = await project();
    const keys = Array.from({ length: 200 }, (_, i) => ({ sku: `s${i}` }));
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled([
        importJson(deps, { label: 'P', data: keys.map((k) => ({ ...k, a: round })), options: { mergeBy: ['sku'] } }),
        importJson(deps, {
          label: 'P',
          data: [...keys].reverse().map((k) => ({ ...k, b: round })),
          options: { mergeBy: ['sku'] },
        }),
        importJson(deps, {
          label: 'P',
          data: [...keys.slice(100), ...keys.slice(0, 100)].map((k) => ({ ...k, c: round })),
          options: { mergeBy: ['sku'] },
        }),
      ]);
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
    }
    expect(await countLabels(deps, { labels: ['P'] })).toEqual({ P: 200 });
    expect((await queryRecords(deps, { labels: ['P'], where: { a: 2, b: 2, c: 2 }, limit: 1 })).total).toBe(200);
  });

  it('a large import and single upserts of the same keys at once make one record per key', async () => {
    const deps = await project();
    const N = 3_000;
    const big = importJson(deps, {
      label: 'Q',
      data: Array.from({ length: N }, (_, i) => ({ sku: `s${i}`, big: true })),
      options: { mergeBy: ['sku'] },
    });
    const small = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createRecord(deps, { label: 'Q', data: { sku: `s${i * 150}`, small: true }, options: { mergeBy: ['sku'] } }),
      ),
    );
    await Promise.all([big, small]);
    expect(await countLabels(deps, { labels: ['Q'] })).toEqual({ Q: N });
    expect((await queryRecords(deps, { labels: ['Q'], where: { big: true, small: true }, limit: 1 })).total).toBe(20);
  }, 120_000);
});
