import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql as S, withSettings } from '@/server/db';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';
import { sql as sqlText } from '@/server/db/sql/compose';

let engram: Engram;
let api: ReturnType<typeof httpClient>;
beforeAll(async () => {
  engram = await startTestEngram({ ENGRAM_SUGGEST_DEBOUNCE_MS: '0' });
  api = httpClient(engram);
});
afterAll(() => engram?.close());

type Suggestion = {
  id: string;
  source: { label: string; key: string };
  target: { label: string; key: string };
  type: string;
  confidence: number;
  status: string;
  edges: number;
  evidence: Record<string, unknown>;
};

async function project(client = api) {
  const name = uniqueName('sug');
  expect((await client.rest('POST', '/projects', { body: { name } })).status).toBe(201);
  const call = (method: string, path: string, body?: unknown) => client.rest(method, path, { project: name, body });
  const create = async (label: string, data: Record<string, unknown>) => {
    const res = await call('POST', '/records', { label, data });
    expect(res.status).toBe(201);
    return res.body.data.__id as string;
  };
  const importJson = async (label: string, data: Record<string, unknown>[]) =>
    expect((await call('POST', '/records/import/json', { label, data })).status).toBe(200);
  const analyze = async () => {
    const res = await call('POST', '/relationships/suggestions/analyze', { wait: true });
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'done', trigger: 'manual' });
    return res.body.data;
  };
  const list = async (status = 'suggested'): Promise<Suggestion[]> =>
    (await call('GET', `/relationships/suggestions?status=${status}`)).body.data;
  const edges = async (type?: string) =>
    (await call('POST', '/relationships/search', type ? { where: { type }, limit: 1000 } : { limit: 1000 })).body;
  const rels = async (id: string) =>
    (await call('GET', `/records/${id}/relationships`)).body.data as {
      direction: string;
      type: string;
      otherId: string;
    }[];
  return { name, call, create, importJson, analyze, list, edges, rels };
}

/** orders → customers (customer_id), tickets → users (assignee holds the email), categories → categories (parent_id), and a decoy: ages that overlap the numeric ids. */
async function seed(p: Awaited<ReturnType<typeof project>>) {
  await p.importJson(
    'CUSTOMER',
    Array.from({ length: 40 }, (_, i) => ({
      id: i + 1,
      name: `customer ${i + 1}`,
      city: ['Lisbon', 'Oslo', 'Lima'][i % 3],
    })),
  );
  await p.importJson(
    'ORDER',
    Array.from({ length: 120 }, (_, i) => ({ id: 1001 + i, customer_id: (i % 40) + 1, total: 10 + ((i * 7) % 90) })),
  );
  await p.importJson(
    'USER',
    Array.from({ length: 25 }, (_, i) => ({ email: `user${i}@example.com`, name: `user ${i}`, age: 20 + i })),
  );
  await p.importJson(
    'TICKET',
    Array.from({ length: 60 }, (_, i) => ({
      title: `ticket ${i}`,
      assignee: `user${i % 25}@example.com`,
      priority: (i % 3) + 1,
    })),
  );
  await p.importJson(
    'CATEGORY',
    Array.from({ length: 30 }, (_, i) => ({
      id: i + 1,
      name: `category ${i + 1}`,
      ...(i > 0 ? { parent_id: Math.floor((i + 1) / 2) } : {}),
    })),
  );
}

const rule = (s: Suggestion) => `${s.source.label}.${s.source.key} -> ${s.target.label}.${s.target.key}`;

describe(`relationship suggestions (${backendName})`, () => {
  it('finds the references from names and values, not the decoy, and changes nothing before approval', async () => {
    const p = await project();
    await seed(p);
    const analysis = await p.analyze();
    expect(analysis.found).toBe(3);
    expect(analysis.progress.done).toBe(analysis.progress.total);
    const found = await p.list();
    expect(found.map(rule).sort()).toEqual([
      'CATEGORY.parent_id -> CATEGORY.id',
      'ORDER.customer_id -> CUSTOMER.id',
      'TICKET.assignee -> USER.email',
    ]);
    const byRule = new Map(found.map((s) => [rule(s), s]));
    const orders = byRule.get('ORDER.customer_id -> CUSTOMER.id')!;
    expect(orders).toMatchObject({ type: 'CUSTOMER', status: 'suggested', edges: 0 });
    expect(orders.confidence).toBeGreaterThan(0.85);
    expect(orders.evidence).toMatchObject({
      matched: 120,
      examined: 120,
      coverage: 1,
      uniqueness: 1,
      name: { score: 1 },
    });
    expect((orders.evidence.samples as unknown[]).length).toBe(5);
    expect(byRule.get('TICKET.assignee -> USER.email')).toMatchObject({
      type: 'ASSIGNEE',
      evidence: { name: { score: 0 }, values: { kind: 'email' } },
    });
    expect(byRule.get('CATEGORY.parent_id -> CATEGORY.id')).toMatchObject({
      type: 'PARENT',
      evidence: { matched: 29 },
    });
    // The decoy: every age is a customer id too, but small numbers with no name behind them are not suggested.
    expect(found.some((s) => s.source.key === 'age')).toBe(false);
    // Suggestions are proposals: the graph has not changed.
    expect((await p.edges()).total).toBe(0);
    // Analysis is repeatable: the same rules, no duplicates.
    await p.analyze();
    expect((await p.list()).map((s) => s.id).sort()).toEqual(found.map((s) => s.id).sort());
  });

  it('approval creates every edge in one go, is harmless twice, and links records written later', async () => {
    const p = await project();
    await seed(p);
    await p.analyze();
    const s = (await p.list()).find((x) => x.source.key === 'customer_id')!;
    const preview = await p.call('GET', `/relationships/suggestions/${s.id}/preview`);
    expect(preview.body.data).toMatchObject({ create: 120, existing: 0 });
    expect(preview.body.data.samples[0]).toMatchObject({ source: { label: 'ORDER' }, target: { label: 'CUSTOMER' } });

    const approved = await p.call('POST', `/relationships/suggestions/${s.id}/approve`, { type: 'PLACED_BY' });
    expect(approved.status).toBe(200);
    expect(approved.body.data).toMatchObject({
      created: 120,
      suggestion: { status: 'approved', type: 'PLACED_BY', edges: 120 },
    });
    const all = await p.edges('PLACED_BY');
    expect(all.total).toBe(120);
    expect(all.data[0]).toMatchObject({ sourceLabel: 'ORDER', targetLabel: 'CUSTOMER', origin: `suggestion:${s.id}` });
    // Each order points at the customer with its customer_id.
    const order7 = (await p.call('POST', '/records/search', { labels: ['ORDER'], where: { id: 1007 } })).body.data[0];
    const customer7 = (await p.call('POST', '/records/search', { labels: ['CUSTOMER'], where: { id: 7 } })).body
      .data[0];
    expect(await p.rels(order7.__id)).toEqual([
      expect.objectContaining({ direction: 'out', type: 'PLACED_BY', otherId: customer7.__id }),
    ]);

    const again = await p.call('POST', `/relationships/suggestions/${s.id}/approve`, {});
    expect(again.body.data).toMatchObject({ created: 0, suggestion: { status: 'approved', type: 'PLACED_BY' } });
    const otherType = await p.call('POST', `/relationships/suggestions/${s.id}/approve`, { type: 'OTHER' });
    expect(otherType.status).toBe(409);
    expect((await p.edges()).total).toBe(120);
    expect((await p.list('approved')).map((x) => [x.id, x.edges])).toEqual([[s.id, 120]]);
    // Counting and removing a rule's edges can use the partial index on rule-made edges.
    const projectId = (await p.call('GET', '/projects/current')).body.data.project.id as string;
    for (const q of [
      S.suggestionSql.countRuleEdges(projectId, [s.id]),
      S.suggestionSql.deleteRuleEdges(projectId, s.id),
    ]) {
      const plan = await withSettings(engram.db.prisma, { enable_seqscan: 'off' }, (tx) =>
        tx.$queryRaw<Record<string, string>[]>(sqlText`EXPLAIN ${q}`),
      );
      expect(plan.map((r) => Object.values(r)[0]).join('\n')).toContain('relationship_origin_idx');
    }

    // Later writes: a new order is linked on create (number or its string form); a customer created
    // after its orders picks them up; a changed key moves the edge.
    const newOrder = await p.create('ORDER', { id: 2001, customer_id: 5 });
    const customer5 = (await p.call('POST', '/records/search', { labels: ['CUSTOMER'], where: { id: 5 } })).body.data[0]
      .__id;
    expect((await p.rels(newOrder)).map((r) => r.otherId)).toEqual([customer5]);
    const stringOrder = await p.create('ORDER', { id: 2002, customer_id: '5' });
    expect((await p.rels(stringOrder)).map((r) => r.otherId)).toEqual([customer5]);
    const early = await p.create('ORDER', { id: 2003, customer_id: 99 });
    expect(await p.rels(early)).toEqual([]);
    const late = await p.create('CUSTOMER', { id: 99, name: 'customer 99' });
    expect((await p.rels(early)).map((r) => r.otherId)).toEqual([late]);
    expect((await p.call('PATCH', `/records/${newOrder}`, { data: { customer_id: 99 } })).status).toBe(200);
    expect((await p.rels(newOrder)).map((r) => r.otherId)).toEqual([late]);
    // An update that leaves the keys alone leaves the rule's edges alone (properties set on one survive).
    await p.call('POST', `/relationships/${order7.__id}`, {
      targetIds: [customer7.__id],
      type: 'PLACED_BY',
      properties: { note: 'vip' },
    });
    expect((await p.call('PATCH', `/records/${customer7.__id}`, { data: { name: 'renamed' } })).status).toBe(200);
    expect((await p.call('PATCH', `/records/${order7.__id}`, { data: { total: 1 } })).status).toBe(200);
    expect(await p.rels(order7.__id)).toEqual([
      expect.objectContaining({ otherId: customer7.__id, properties: { note: 'vip' } }),
    ]);
    // A bulk import (the hash-join path) is linked too.
    await p.importJson(
      'ORDER',
      Array.from({ length: 600 }, (_, i) => ({ id: 3000 + i, customer_id: (i % 40) + 1 })),
    );
    expect((await p.edges('PLACED_BY')).total).toBe(120 + 2 + 1 + 600);
  });

  it('a rejected rule is never suggested again; withdrawing removes the rule and, when asked, its edges', async () => {
    const p = await project();
    await seed(p);
    await p.analyze();
    const found = await p.list();
    const tickets = found.find((x) => x.source.key === 'assignee')!;
    const rejected = await p.call('POST', `/relationships/suggestions/${tickets.id}/reject`);
    expect(rejected.body.data).toMatchObject({ status: 'rejected' });
    await p.importJson('TICKET', [{ title: 'one more', assignee: 'user3@example.com' }]);
    await p.analyze();
    expect((await p.list()).some((x) => x.source.key === 'assignee')).toBe(false);
    expect((await p.list('rejected')).map((x) => x.id)).toEqual([tickets.id]);
    expect((await p.edges()).total).toBe(0);

    const parents = found.find((x) => x.source.key === 'parent_id')!;
    expect((await p.call('POST', `/relationships/suggestions/${parents.id}/approve`)).body.data.created).toBe(29);
    expect((await p.call('POST', `/relationships/suggestions/${parents.id}/reject`)).status).toBe(409);
    const kept = await p.call('DELETE', `/relationships/suggestions/${parents.id}`);
    expect(kept.body.data).toEqual({ deleted: true, edgesDeleted: 0 });
    expect((await p.edges('PARENT')).total).toBe(29);
    // Withdrawn: later writes are not linked any more.
    const orphan = await p.create('CATEGORY', { id: 31, name: 'category 31', parent_id: 1 });
    expect(await p.rels(orphan)).toEqual([]);

    const orders = found.find((x) => x.source.key === 'customer_id')!;
    await p.call('POST', `/relationships/suggestions/${orders.id}/approve`);
    const gone = await p.call('DELETE', `/relationships/suggestions/${orders.id}?deleteEdges=true`);
    expect(gone.body.data).toEqual({ deleted: true, edgesDeleted: 120 });
    expect((await p.edges('CUSTOMER')).total).toBe(0);
    expect((await p.edges('PARENT')).total).toBe(29);
    expect((await p.call('GET', `/relationships/suggestions/${orders.id}`)).status).toBe(404);
  });

  it('finds references to record ids and links them, whatever the case of the id', async () => {
    const p = await project();
    const people = await Promise.all(Array.from({ length: 8 }, (_, i) => p.create('PERSON', { name: `person ${i}` })));
    await p.importJson(
      'NOTE',
      Array.from({ length: 24 }, (_, i) => ({ text: `note ${i}`, author_id: people[i % 8] })),
    );
    await p.analyze();
    const [s] = await p.list();
    expect(s).toMatchObject({
      source: { label: 'NOTE', key: 'author_id' },
      target: { label: 'PERSON', key: '$id' },
      type: 'AUTHOR',
      evidence: { matched: 24, values: { kind: 'uuid' } },
    });
    expect((await p.call('POST', `/relationships/suggestions/${s!.id}/approve`)).body.data.created).toBe(24);
    const upper = await p.create('NOTE', { text: 'later', author_id: people[3]!.toUpperCase() });
    expect((await p.rels(upper)).map((r) => r.otherId)).toEqual([people[3]]);
  });

  it('keeps projects apart and validates input', async () => {
    const a = await project();
    const b = await project();
    await seed(a);
    await a.analyze();
    const s = (await a.list())[0]!;
    expect(await b.list()).toEqual([]);
    expect((await b.call('GET', `/relationships/suggestions/${s.id}`)).status).toBe(404);
    expect((await b.call('POST', `/relationships/suggestions/${s.id}/approve`)).status).toBe(404);
    expect((await b.call('DELETE', `/relationships/suggestions/${s.id}?deleteEdges=true`)).status).toBe(404);
    expect((await b.call('GET', '/relationships/suggestions/analysis')).body.data).toMatchObject({ status: 'idle' });
    expect((await a.edges()).total).toBe(0);

    const badId = await a.call('POST', '/relationships/suggestions/not-a-uuid/approve');
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.path).toEqual(['id']);
    for (const type of ['', '   ', 'A\u0001B', 'x'.repeat(129)]) {
      const badType = await a.call('POST', `/relationships/suggestions/${s.id}/approve`, { type });
      expect(badType.status, JSON.stringify(type)).toBe(400);
      expect(badType.body.error.details.path).toEqual(['type']);
    }
    expect((await a.call('GET', '/relationships/suggestions?status=maybe')).status).toBe(400);
    expect((await a.call('POST', '/relationships/suggestions/analyze', { wait: 'yes' })).status).toBe(400);
    expect((await a.list())[0]).toMatchObject({ status: 'suggested' });
    expect((await a.edges()).total).toBe(0);
  });

  it('"analyze now" during a running analysis waits for a pass that sees the latest data', async () => {
    const p = await project();
    await p.importJson(
      'CUSTOMER',
      Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `c${i}` })),
    );
    await p.importJson(
      'ORDER',
      Array.from({ length: 50 }, (_, i) => ({ id: 100 + i, customer_id: (i % 20) + 1 })),
    );
    const first = await p.call('POST', '/relationships/suggestions/analyze', {});
    expect(first.status).toBe(202);
    expect(first.body.data.status).toBe('running');
    await p.importJson(
      'USER',
      Array.from({ length: 10 }, (_, i) => ({ email: `u${i}@example.com` })),
    );
    await p.importJson(
      'TICKET',
      Array.from({ length: 30 }, (_, i) => ({ title: `t${i}`, assignee: `u${i % 10}@example.com` })),
    );
    await p.analyze();
    expect((await p.list()).map(rule).sort()).toEqual([
      'ORDER.customer_id -> CUSTOMER.id',
      'TICKET.assignee -> USER.email',
    ]);
  });

  it('analyzes in the background after writes (debounced)', async () => {
    const bg = await startTestEngram({ ENGRAM_SUGGEST_DEBOUNCE_MS: '50' });
    try {
      const p = await project(httpClient(bg));
      await p.importJson(
        'CUSTOMER',
        Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `c${i}` })),
      );
      await p.importJson(
        'ORDER',
        Array.from({ length: 30 }, (_, i) => ({ id: 100 + i, customer_id: (i % 10) + 1 })),
      );
      let analysis = (await p.call('GET', '/relationships/suggestions/analysis')).body.data;
      for (let i = 0; i < 200 && analysis.status !== 'done'; i++) {
        await bg.suggestions.idle();
        await new Promise((r) => setTimeout(r, 25));
        analysis = (await p.call('GET', '/relationships/suggestions/analysis')).body.data;
      }
      expect(analysis).toMatchObject({ status: 'done', trigger: 'writes', found: 1 });
      expect((await p.list()).map(rule)).toEqual(['ORDER.customer_id -> CUSTOMER.id']);
      expect((await p.edges()).total).toBe(0);
    } finally {
      await bg.close();
    }
  });
});
