import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

/**
 * System timestamps on every write path: `__createdAt` is set once, `__updatedAt` moves when a write
 * changes a record's properties and only then (a write that leaves them as they were, or a rule
 * linking the record, leaves it alone). Both are ISO-8601 in UTC with milliseconds.
 */
let engram: Engram;
let api: ReturnType<typeof httpClient>;
beforeAll(async () => {
  engram = await startTestEngram({ ENGRAM_SUGGEST_DEBOUNCE_MS: '0' });
  api = httpClient(engram);
});
afterAll(() => engram?.close());

type Rec = { __id: string; __createdAt: string; __updatedAt: string; [k: string]: unknown };
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function project() {
  const name = uniqueName('ts');
  expect((await api.rest('POST', '/projects', { body: { name } })).status).toBe(201);
  const call = (method: string, path: string, body?: unknown, tx?: string) =>
    api.rest(method, path, { project: name, body, headers: tx ? { 'x-transaction-id': tx } : {} });
  const get = async (id: string, tx?: string) => (await call('GET', `/records/${id}`, undefined, tx)).body.data as Rec;
  return { name, call, get };
}

/** Waits until the clock has passed `iso` by a millisecond or more, so the next write gets a later timestamp (timestamptz(3)). */
async function after(iso: string) {
  const t = Date.parse(iso);
  while (Date.now() <= t + 1) await new Promise((r) => setTimeout(r, 1));
}

describe(`system timestamps on writes (${backendName})`, () => {
  it('create sets both to the time of the write; get returns them unchanged', async () => {
    const p = await project();
    const before = Date.now();
    const rec = (await p.call('POST', '/records', { label: 'T', data: { a: 1 } })).body.data as Rec;
    const done = Date.now();
    expect(rec.__createdAt).toMatch(ISO_MS);
    expect(rec.__updatedAt).toBe(rec.__createdAt);
    // The database rounds to the millisecond.
    expect(Date.parse(rec.__createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(rec.__createdAt)).toBeLessThanOrEqual(done + 1);
    expect(await p.get(rec.__id)).toEqual(rec);
  });

  it('PATCH and PUT move updatedAt on a change and keep createdAt; the same values move nothing', async () => {
    const p = await project();
    const rec = (await p.call('POST', '/records', { label: 'T', data: { a: 1, b: 'x' } })).body.data as Rec;
    await after(rec.__createdAt);
    const same = (await p.call('PATCH', `/records/${rec.__id}`, { data: { a: 1 } })).body.data as Rec;
    expect([same.__createdAt, same.__updatedAt]).toEqual([rec.__createdAt, rec.__updatedAt]);

    const patched = (await p.call('PATCH', `/records/${rec.__id}`, { data: { a: 2 } })).body.data as Rec;
    expect(patched.__createdAt).toBe(rec.__createdAt);
    expect(Date.parse(patched.__updatedAt)).toBeGreaterThan(Date.parse(rec.__updatedAt));

    await after(patched.__updatedAt);
    const sameSet = (await p.call('PUT', `/records/${rec.__id}`, { data: { a: 2, b: 'x' } })).body.data as Rec;
    expect(sameSet.__updatedAt).toBe(patched.__updatedAt);
    const set = (await p.call('PUT', `/records/${rec.__id}`, { data: { z: true } })).body.data as Rec;
    expect(set.__createdAt).toBe(rec.__createdAt);
    expect(Date.parse(set.__updatedAt)).toBeGreaterThan(Date.parse(patched.__updatedAt));
    expect(await p.get(rec.__id)).toEqual(set);
  });

  it('mergeBy upserts (create and import) keep createdAt, and move updatedAt only when the merge changes something', async () => {
    const p = await project();
    const first = (
      await p.call('POST', '/records', {
        label: 'U',
        data: { email: 'a@x', plan: 'free' },
        options: { mergeBy: ['email'] },
      })
    ).body.data as Rec;
    await after(first.__createdAt);
    const same = (
      await p.call('POST', '/records', {
        label: 'U',
        data: { email: 'a@x', plan: 'free' },
        options: { mergeBy: ['email'] },
      })
    ).body.data as Rec;
    expect(same.__id).toBe(first.__id);
    expect(same.__updatedAt).toBe(first.__updatedAt);
    const changed = (
      await p.call('POST', '/records', {
        label: 'U',
        data: { email: 'a@x', plan: 'pro' },
        options: { mergeBy: ['email'] },
      })
    ).body.data as Rec;
    expect(changed.__createdAt).toBe(first.__createdAt);
    expect(Date.parse(changed.__updatedAt)).toBeGreaterThan(Date.parse(first.__updatedAt));

    await after(changed.__updatedAt);
    const imported = await p.call('POST', '/records/import/json', {
      label: 'U',
      data: [
        { email: 'a@x', plan: 'pro' },
        { email: 'b@x', plan: 'free' },
      ],
      options: { mergeBy: ['email'], returnResult: true },
    });
    expect(imported.body.data).toMatchObject({ created: 1, updated: 1 });
    const [a, b] = imported.body.data.records as Rec[];
    expect(a).toMatchObject({ __id: first.__id, __createdAt: first.__createdAt, __updatedAt: changed.__updatedAt });
    expect(b!.__updatedAt).toBe(b!.__createdAt);
    expect(Date.parse(b!.__createdAt)).toBeGreaterThan(Date.parse(changed.__updatedAt));

    await after(b!.__createdAt);
    const rewritten = await p.call('POST', '/records/import/json', {
      label: 'U',
      data: [{ email: 'b@x' }],
      options: { mergeBy: ['email'], mergeStrategy: 'rewrite', returnResult: true },
    });
    const [b2] = rewritten.body.data.records as Rec[];
    expect(b2).toMatchObject({ __id: b!.__id, __createdAt: b!.__createdAt });
    expect(b2).not.toHaveProperty('plan');
    expect(Date.parse(b2!.__updatedAt)).toBeGreaterThan(Date.parse(b!.__updatedAt));
  });

  it('imports stamp every record, children included; records of one statement share the instant', async () => {
    const p = await project();
    const res = await p.call('POST', '/records/import/json', {
      label: 'P',
      data: [{ n: 1, child: { c: 1 } }, { n: 2 }],
      options: { returnResult: true },
    });
    const recs = res.body.data.records as Rec[];
    expect(recs).toHaveLength(2);
    expect(new Set(recs.map((r) => r.__createdAt)).size).toBe(1);
    const children = (await p.call('POST', '/records/search', { labels: ['child'] })).body.data as Rec[];
    expect(children.map((c) => c.__createdAt)).toEqual([recs[0]!.__createdAt]);
    const csv = await p.call('POST', '/records/import/csv', {
      label: 'C',
      csv: 'a,b\n1,2\n',
      options: { returnResult: true },
    });
    expect(csv.body.data.records[0].__createdAt).toMatch(ISO_MS);
  });

  it('a batch stamps each op at its own statement: an update of an existing record moves it, an unchanged set does not', async () => {
    const p = await project();
    const old = (await p.call('POST', '/records', { label: 'B', data: { v: 1 } })).body.data as Rec;
    const keep = (await p.call('POST', '/records', { label: 'B', data: { v: 9 } })).body.data as Rec;
    await after(keep.__createdAt);
    const res = await p.call('POST', '/batch', {
      ops: [
        { op: 'create', label: 'B', data: { v: 2 } },
        { op: 'update', id: old.__id, data: { v: 3 } },
        { op: 'set', id: keep.__id, data: { v: 9 } },
        { op: 'upsert', label: 'B', data: { v: 3, w: 1 }, mergeBy: ['v'] },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [created, updated, unchanged, upserted] = (res.body.data.results as { result: Rec }[]).map((r) => r.result);
    expect(created!.__updatedAt).toBe(created!.__createdAt);
    expect(Date.parse(created!.__createdAt)).toBeGreaterThan(Date.parse(keep.__createdAt));
    expect(updated!.__createdAt).toBe(old.__createdAt);
    expect(Date.parse(updated!.__updatedAt)).toBeGreaterThan(Date.parse(old.__updatedAt));
    expect(unchanged).toMatchObject({ __createdAt: keep.__createdAt, __updatedAt: keep.__updatedAt });
    expect(upserted).toMatchObject({ __id: old.__id, __createdAt: old.__createdAt, w: 1 });
    expect(Date.parse(upserted!.__updatedAt)).toBeGreaterThanOrEqual(Date.parse(updated!.__updatedAt));
  });

  it('inside an open transaction, a later write is stamped later (the statement time, not the transaction start)', async () => {
    const p = await project();
    const tx = (await p.call('POST', '/tx', {})).body.data.id as string;
    let rec: Rec, changed: Rec;
    try {
      rec = (await p.call('POST', '/records', { label: 'X', data: { n: 1 } }, tx)).body.data as Rec;
      await after(rec.__createdAt);
      changed = (await p.call('PATCH', `/records/${rec.__id}`, { data: { n: 2 } }, tx)).body.data as Rec;
      expect(changed.__createdAt).toBe(rec.__createdAt);
      expect(Date.parse(changed.__updatedAt)).toBeGreaterThan(Date.parse(rec.__createdAt));
      expect((await p.call('POST', `/tx/${tx}/commit`)).status).toBe(200);
    } finally {
      // Embedded, an open transaction holds the only connection: never leave one to the next test.
      await p.call('POST', `/tx/${tx}/rollback`);
    }
    expect(await p.get(rec.__id)).toEqual(changed);
  });

  it('neighbors and semantic search return records with their timestamps', async () => {
    const p = await project();
    expect((await p.call('POST', '/ai/indexes', { label: 'NOTE', propertyName: 'text' })).status).toBe(201);
    await engram.backfill.idle();
    const a = (await p.call('POST', '/records', { label: 'NOTE', data: { text: 'green tea in the morning' } })).body
      .data as Rec;
    await after(a.__createdAt);
    const b = (await p.call('POST', '/records', { label: 'NOTE', data: { text: 'coffee after lunch' } })).body
      .data as Rec;
    await p.call('POST', `/relationships/${a.__id}`, { targetIds: [b.__id], type: 'NEXT' });
    const stamps = (r: Rec) => [r.__id, r.__createdAt, r.__updatedAt];
    const near = (await p.call('GET', `/records/${a.__id}/neighbors`)).body.data.nodes as Rec[];
    expect(near.map(stamps).sort()).toEqual([a, b].map(stamps).sort());
    const hits = await p.call('POST', '/ai/search', {
      labels: ['NOTE'],
      propertyName: 'text',
      query: 'green tea',
      mode: 'semantic',
    });
    expect(hits.status, JSON.stringify(hits.body)).toBe(200);
    expect((hits.body.data as Rec[]).map(stamps).sort()).toEqual([a, b].map(stamps).sort());
  });

  it('approving a rule, and a later write linked by it, leave the linked records’ timestamps alone', async () => {
    const p = await project();
    await p.call('POST', '/records/import/json', {
      label: 'CUSTOMER',
      data: Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: `customer ${i + 1}` })),
    });
    await p.call('POST', '/records/import/json', {
      label: 'ORDER',
      data: Array.from({ length: 120 }, (_, i) => ({ id: 1001 + i, customer_id: (i % 40) + 1 })),
    });
    const customer = (await p.call('POST', '/records/search', { labels: ['CUSTOMER'], where: { id: 7 } })).body
      .data[0] as Rec;
    const order = (await p.call('POST', '/records/search', { labels: ['ORDER'], where: { id: 1007 } })).body
      .data[0] as Rec;
    expect((await p.call('POST', '/relationships/suggestions/analyze', { wait: true })).status).toBe(202);
    const rule = (
      (await p.call('GET', '/relationships/suggestions')).body.data as { id: string; source: { key: string } }[]
    ).find((s) => s.source.key === 'customer_id')!;
    await after(order.__updatedAt);
    expect((await p.call('POST', `/relationships/suggestions/${rule.id}/approve`, {})).body.data.created).toBe(120);
    expect(await p.get(customer.__id)).toEqual(customer);
    expect(await p.get(order.__id)).toEqual(order);

    const later = (await p.call('POST', '/records', { label: 'ORDER', data: { id: 2000, customer_id: 7 } })).body
      .data as Rec;
    const rels = (await p.call('GET', `/records/${later.__id}/relationships`)).body.data as { otherId: string }[];
    expect(rels.map((r) => r.otherId)).toEqual([customer.__id]);
    expect(await p.get(customer.__id)).toEqual(customer);
  });
});
