import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql as S, withTransaction, type Tx } from '@/server/db';
import type { ProjectDeps } from '@/server/domain/deps';
import { createRecord, importJson } from '@/server/domain/records';
import { approveSuggestion, deleteSuggestion } from '@/server/domain/suggestions';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, onPostgres, startTestEngram, uniqueName } from '@/server/test/harness';

/**
 * Approving or withdrawing a rule while records of its labels are being written: no interleaving may
 * leave a record unlinked or an edge of a withdrawn rule behind. On PostgreSQL each race is provoked
 * by holding one side's transaction open until the other is seen waiting for it (pg_locks). Embedded
 * PGlite has one connection, so nothing interleaves there; the rest runs on both.
 */
let engram: Engram;
let api: ReturnType<typeof httpClient>;
beforeAll(async () => {
  engram = await startTestEngram({ ENGRAM_SUGGEST_DEBOUNCE_MS: '600000' });
  api = httpClient(engram);
});
afterAll(() => engram?.close());

type Edge = { direction: string; type: string; otherId: string };
const EVIDENCE = {
  matched: 0,
  examined: 0,
  sampled: 0,
  coverage: 0,
  uniqueness: 1,
  name: { score: 1, reason: 'test' },
  values: { kind: 'integer', score: 1 },
  samples: [],
};

async function project(labels: { source: string; target: string } = { source: 'ORDER', target: 'CUSTOMER' }) {
  const name = uniqueName('race');
  const created = await api.rest('POST', '/projects', { body: { name } });
  expect(created.status).toBe(201);
  const projectId = created.body.data.id as string;
  const deps: ProjectDeps = { db: engram.db.prisma, projectId };
  const call = (method: string, path: string, body?: unknown, tx?: string) =>
    api.rest(method, path, { project: name, body, headers: tx ? { 'x-transaction-id': tx } : {} });
  const { source, target } = labels;
  await importJson(deps, {
    label: target,
    data: Array.from({ length: 5 }, (_, i) => ({ id: i + 1, name: `c${i + 1}` })),
  });
  const customers = new Map<number, string>();
  for (const r of (await call('POST', '/records/search', { labels: [target] })).body.data) customers.set(r.id, r.__id);
  // The rule analysis would propose; made directly so the test controls when it exists.
  const rule = await engram.db.prisma.suggestion.create({
    data: {
      projectId,
      id: randomUUID(),
      sourceLabel: source,
      sourceKey: 'customer_id',
      targetLabel: target,
      targetKey: 'id',
      type: 'PLACED_BY',
      confidence: 0.9,
      evidence: EVIDENCE,
      status: 'suggested',
    },
  });
  const rels = async (id: string) =>
    ((await call('GET', `/records/${id}/relationships`)).body.data as Edge[]).map(
      (e) => `${e.direction} ${e.type} ${e.otherId}`,
    );
  const ruleEdges = async () =>
    (await call('POST', '/relationships/search', { where: { type: 'PLACED_BY' }, limit: 1000 })).body.total as number;
  const approve = () => call('POST', `/relationships/suggestions/${rule.id}/approve`, {});
  const withdraw = () => call('DELETE', `/relationships/suggestions/${rule.id}?deleteEdges=true`);
  const begin = async () => (await call('POST', '/tx', { ttl: 60_000 })).body.data.id as string;
  /** Resolves once some transaction waits for the label's rule lock (false after `ms`: the code did not wait). */
  const waitForWaiter = async (label: string, ms = 5_000) => {
    for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
      const [w] = await engram.db.prisma.$queryRaw<{ n: number }[]>(S.suggestionSql.ruleLockWaiters(projectId, label));
      if (w!.n > 0) return true;
    }
    return false;
  };
  return {
    name,
    projectId,
    deps,
    call,
    customers,
    rule,
    rels,
    ruleEdges,
    approve,
    withdraw,
    begin,
    waitForWaiter,
    source,
    target,
  };
}

/** Runs `fn` in a read-committed transaction and keeps it open until `release` is called. */
function heldOpen<T>(fn: (tx: Tx) => Promise<T>) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let ready!: (v: T) => void;
  const done = new Promise<T>((r) => (ready = r));
  const committed = withTransaction(engram.db.prisma, async (tx) => {
    ready(await fn(tx));
    await released;
  });
  return { done, release, committed };
}

describe.skipIf(!onPostgres)(`approval and writes at the same time (${backendName})`, () => {
  it('a write in flight when approval starts is linked once approval returns', async () => {
    const p = await project();
    const w = heldOpen((tx) => createRecord({ ...p.deps, db: tx }, { label: 'ORDER', data: { n: 1, customer_id: 3 } }));
    const order = await w.done;
    const approval = p.approve();
    const waited = await p.waitForWaiter('ORDER');
    w.release();
    await w.committed;
    const res = await approval;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(waited).toBe(true);
    expect(await p.rels(order.__id)).toEqual([`out PLACED_BY ${p.customers.get(3)}`]);
  });

  it('a write in an open /tx transaction when approval starts is linked once approval returns', async () => {
    const p = await project();
    const tx = await p.begin();
    const order = (await p.call('POST', '/records', { label: 'ORDER', data: { customer_id: 2 } }, tx)).body.data;
    const approval = p.approve();
    expect(await p.waitForWaiter('ORDER')).toBe(true);
    expect((await p.call('POST', `/tx/${tx}/commit`)).status).toBe(200);
    expect((await approval).status).toBe(200);
    expect(await p.rels(order.__id)).toEqual([`out PLACED_BY ${p.customers.get(2)}`]);
  });

  it('a write that starts while approval runs waits for it and is linked', async () => {
    const p = await project();
    const a = heldOpen((tx) => approveSuggestion({ ...p.deps, db: tx }, { id: p.rule.id }));
    expect((await a.done).suggestion.status).toBe('approved');
    const write = p.call('POST', '/records', { label: 'ORDER', data: { customer_id: 4 } });
    const waited = await p.waitForWaiter('ORDER');
    a.release();
    await a.committed;
    const order = await write;
    expect(order.status).toBe(201);
    expect(waited).toBe(true);
    expect(await p.rels(order.body.data.__id)).toEqual([`out PLACED_BY ${p.customers.get(4)}`]);
  });

  it('a /tx transaction whose snapshot predates the approval gets 409 serialization, and its retry is linked', async () => {
    const p = await project();
    const tx = await p.begin();
    expect((await p.call('POST', '/records/search', { labels: ['ORDER'] }, tx)).status).toBe(200); // takes the snapshot
    expect((await p.approve()).status).toBe(200);
    const stale = await p.call('POST', '/records', { label: 'ORDER', data: { customer_id: 5 } }, tx);
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'serialization' } });
    await p.call('POST', `/tx/${tx}/rollback`);
    const retry = await p.begin();
    const order = (await p.call('POST', '/records', { label: 'ORDER', data: { customer_id: 5 } }, retry)).body.data;
    expect((await p.call('POST', `/tx/${retry}/commit`)).status).toBe(200);
    expect(await p.rels(order.__id)).toEqual([`out PLACED_BY ${p.customers.get(5)}`]);
  });

  it('withdrawing with deleteEdges removes the edges of a write in flight too', async () => {
    const p = await project();
    expect((await p.approve()).status).toBe(200);
    const w = heldOpen((tx) => createRecord({ ...p.deps, db: tx }, { label: 'ORDER', data: { customer_id: 1 } }));
    await w.done;
    const withdrawal = p.withdraw();
    const waited = await p.waitForWaiter('ORDER');
    w.release();
    await w.committed;
    const res = await withdrawal;
    expect(res.body.data).toEqual({ deleted: true, edgesDeleted: 1 });
    expect(waited).toBe(true);
    expect(await p.ruleEdges()).toBe(0);
  });

  it('a /tx transaction whose snapshot predates a withdrawal gets 409 instead of linking by the withdrawn rule', async () => {
    const p = await project();
    expect((await p.approve()).status).toBe(200);
    const tx = await p.begin();
    expect((await p.call('POST', '/records/search', { labels: ['ORDER'] }, tx)).status).toBe(200);
    expect((await p.withdraw()).body.data).toEqual({ deleted: true, edgesDeleted: 0 });
    const stale = await p.call('POST', '/records', { label: 'ORDER', data: { customer_id: 5 } }, tx);
    expect(stale.status).toBe(409);
    await p.call('POST', `/tx/${tx}/rollback`);
    expect(await p.ruleEdges()).toBe(0);
  });

  it('an upsert that locks a record while approval waits for another write does not deadlock with it', async () => {
    // Approval takes the labels' locks in key order; with the written label first it holds that one while
    // it waits for a writer of the other. An upsert of the written label then locks its record and waits
    // for approval, and approval's edge to that record must not wait for the upsert's row lock.
    let labels = { source: 'ORDER', target: 'CUSTOMER' };
    let p = await project(labels);
    for (let i = 0; ; i++) {
      const order = async (l: string) =>
        (await engram.db.prisma.$queryRaw<{ k: number }[]>(S.suggestionSql.ruleLockOrder(p.projectId, l)))[0]!.k;
      if ((await order(labels.source)) < (await order(labels.target))) break;
      labels = { source: `ORDER${i}`, target: 'CUSTOMER' };
      p = await project(labels);
    }
    const existing = await createRecord(p.deps, { label: p.source, data: { sku: 'a', customer_id: 1 } });
    const holdsTarget = heldOpen((tx) => createRecord({ ...p.deps, db: tx }, { label: p.target, data: { id: 9 } }));
    await holdsTarget.done;
    const approval = p.approve();
    expect(await p.waitForWaiter(p.target)).toBe(true);
    const upsert = p.call('POST', '/records', {
      label: p.source,
      data: { sku: 'a', customer_id: 2 },
      options: { mergeBy: ['sku'] },
    });
    expect(await p.waitForWaiter(p.source)).toBe(true);
    holdsTarget.release();
    await holdsTarget.committed;
    const [a, u] = await Promise.all([approval, upsert]);
    expect([a.status, u.status], JSON.stringify([a.body, u.body])).toEqual([200, 201]);
    expect(u.body.data.__id).toBe(existing.__id);
    expect(await p.rels(existing.__id)).toEqual([`out PLACED_BY ${p.customers.get(2)}`]);
  });

  it('approval waits a bounded time for a transaction that keeps its labels, then answers 503', async () => {
    const p = await project();
    const tx = await p.begin();
    await p.call('POST', '/records', { label: 'ORDER', data: { customer_id: 1 } }, tx);
    const started = Date.now();
    const res = await p.approve();
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/ORDER or CUSTOMER records/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    await p.call('POST', `/tx/${tx}/rollback`);
    expect((await p.approve()).status).toBe(200);
  }, 30_000);
});

describe(`rule decisions and transactions (${backendName})`, () => {
  it('approve and withdraw inside a /tx transaction: refused when it is repeatable read, and the transaction stays usable', async () => {
    const p = await project();
    const tx = await p.begin();
    const order = (await p.call('POST', '/records', { label: 'ORDER', data: { customer_id: 1 } }, tx)).body.data;
    const approved = await p.call('POST', `/relationships/suggestions/${p.rule.id}/approve`, {}, tx);
    const withdrawn = await p.call('DELETE', `/relationships/suggestions/${p.rule.id}`, undefined, tx);
    if (onPostgres) {
      for (const res of [approved, withdrawn]) {
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({
          code: 'INVALID',
          details: { path: ['transactionId'], got: 'repeatable read' },
        });
      }
    } else {
      // The embedded adapter opens /tx transactions read committed (one connection: nothing interleaves),
      // so there they are allowed and link what the transaction wrote.
      expect([approved.status, withdrawn.status]).toEqual([200, 200]);
      expect(approved.body.data.created).toBe(1);
    }
    expect((await p.call('POST', `/tx/${tx}/commit`)).status).toBe(200);
    if (onPostgres) {
      expect((await p.call('GET', `/relationships/suggestions/${p.rule.id}`)).body.data.status).toBe('suggested');
      expect((await p.approve()).body.data.created).toBe(1);
      expect(await p.rels(order.__id)).toEqual([`out PLACED_BY ${p.customers.get(1)}`]);
    }
  });

  it('inside a read-committed transaction of the caller, approval and later writes still link', async () => {
    const p = await project();
    await withTransaction(engram.db.prisma, async (tx) => {
      const deps = { ...p.deps, db: tx };
      const early = await createRecord(deps, { label: 'ORDER', data: { customer_id: 1 } });
      expect((await approveSuggestion(deps, { id: p.rule.id })).created).toBe(1);
      const late = await createRecord(deps, { label: 'ORDER', data: { customer_id: 2 } });
      return [early, late];
    });
    expect(await p.ruleEdges()).toBe(2);
    expect(await deleteSuggestion(p.deps, { id: p.rule.id, deleteEdges: true })).toEqual({
      deleted: true,
      edgesDeleted: 2,
    });
  });

  it('a re-import that moves more edges than PostgreSQL has bind parameters for', async () => {
    const p = await project();
    const N = 33_000; // two parameters per moved record would pass 65,535
    await importJson(p.deps, {
      label: 'ORDER',
      data: Array.from({ length: N }, (_, i) => ({ sku: `s${i}`, customer_id: 1 })),
    });
    expect((await p.approve()).body.data.created).toBe(N);
    const res = await importJson(p.deps, {
      label: 'ORDER',
      data: Array.from({ length: N }, (_, i) => ({ sku: `s${i}`, customer_id: 2 })),
      options: { mergeBy: ['sku'] },
    });
    expect(res).toMatchObject({ created: 0, updated: N });
    const byTarget = await p.call('POST', '/relationships/search', {
      where: { type: 'PLACED_BY' },
      target: { where: { id: 2 } },
      limit: 1,
    });
    expect(byTarget.body.total).toBe(N);
    expect(await p.ruleEdges()).toBe(N);
  }, 300_000);
});
