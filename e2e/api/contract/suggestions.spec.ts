import { expect, test } from '@playwright/test';
import { bearer, createKey } from '../../helpers/api';
import { expectPath, freshProject, NO_SUCH_ID, type Client } from './contract';

/** Orders reference customers by customer_id; tickets reference users by their email. */
async function seed(c: Client) {
  const data = {
    CUSTOMER: Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: `customer ${i + 1}` })),
    ORDER: Array.from({ length: 120 }, (_, i) => ({
      id: 1001 + i,
      customer_id: (i % 40) + 1,
      total: 10 + ((i * 7) % 90),
    })),
    USER: Array.from({ length: 25 }, (_, i) => ({ email: `user${i}@example.com`, name: `user ${i}` })),
    TICKET: Array.from({ length: 60 }, (_, i) => ({ title: `ticket ${i}`, assignee: `user${i % 25}@example.com` })),
  };
  await c.ok('POST /records/import/json', { body: { data } });
}

const rule = (s: { source: { label: string; key: string }; target: { label: string; key: string } }) =>
  `${s.source.label}.${s.source.key} -> ${s.target.label}.${s.target.key}`;

test.describe('contract: relationship suggestions', () => {
  test('analyze (202) → list → get → preview → approve (edges made, harmless twice) → reject → delete with its edges', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-suggest');
    const idle = (await c.ok('GET /relationships/suggestions/analysis')).data;
    expect(idle).toMatchObject({ status: 'idle', trigger: null, found: 0 });
    await seed(c);

    const analysis = (await c.ok('POST /relationships/suggestions/analyze', { body: { wait: true } })).data;
    expect(analysis).toMatchObject({ status: 'done', trigger: 'manual', found: 2, error: null });
    expect(analysis.progress.done).toBe(analysis.progress.total);
    expect((await c.ok('GET /relationships/suggestions/analysis')).data).toMatchObject({ status: 'done', found: 2 });

    const list = await c.ok('GET /relationships/suggestions');
    expect(list.total).toBe(2);
    expect(list.data.map(rule).sort()).toEqual(['ORDER.customer_id -> CUSTOMER.id', 'TICKET.assignee -> USER.email']);
    expect(list.data[0].confidence).toBeGreaterThanOrEqual(list.data[1].confidence);
    const orders = list.data.find((s: { source: { key: string } }) => s.source.key === 'customer_id');
    const tickets = list.data.find((s: { source: { key: string } }) => s.source.key === 'assignee');

    const got = (await c.ok('GET /relationships/suggestions/{id}', { params: { id: orders.id } })).data;
    expect(got).toEqual(orders);
    expect(got.evidence.matched).toBe(got.evidence.examined);
    const preview = (await c.ok('GET /relationships/suggestions/{id}/preview', { params: { id: orders.id } })).data;
    expect(preview).toMatchObject({ create: 120, existing: 0 });
    expect(preview.samples[0]).toMatchObject({ source: { label: 'ORDER' }, target: { label: 'CUSTOMER' } });
    expect((await c.ok('POST /relationships/search', { body: {} })).total).toBe(0);

    const approved = (
      await c.ok('POST /relationships/suggestions/{id}/approve', {
        params: { id: orders.id },
        body: { type: 'PLACED_BY' },
      })
    ).data;
    expect(approved.created).toBe(120);
    expect(approved.suggestion).toMatchObject({ id: orders.id, status: 'approved', type: 'PLACED_BY', edges: 120 });
    expect(
      (await c.ok('POST /relationships/suggestions/{id}/approve', { params: { id: orders.id } })).data.created,
    ).toBe(0);
    const edges = await c.ok('POST /relationships/search', { body: { where: { type: 'PLACED_BY' }, limit: 1 } });
    expect(edges.total).toBe(120);
    expect(edges.data[0]).toMatchObject({
      sourceLabel: 'ORDER',
      targetLabel: 'CUSTOMER',
      origin: `suggestion:${orders.id}`,
    });
    expect(
      (await c.ok('GET /relationships/suggestions', { query: { status: 'approved' } })).data.map(
        (s: { id: string }) => s.id,
      ),
    ).toEqual([orders.id]);

    const rejected = (await c.ok('POST /relationships/suggestions/{id}/reject', { params: { id: tickets.id } })).data;
    expect(rejected).toMatchObject({ id: tickets.id, status: 'rejected' });
    expect(rejected.decidedAt).not.toBeNull();
    expect((await c.ok('GET /relationships/suggestions')).total).toBe(0);

    const removed = (
      await c.ok('DELETE /relationships/suggestions/{id}', {
        params: { id: orders.id },
        query: { deleteEdges: 'true' },
      })
    ).data;
    expect(removed).toEqual({ deleted: true, edgesDeleted: 120 });
    expect((await c.ok('POST /relationships/search', { body: {} })).total).toBe(0);
    await c.fails('GET /relationships/suggestions/{id}', 404, 'NOT_FOUND', { params: { id: orders.id } });
  });

  test('suggestion errors: unknown ids 404 on every route, bad inputs 400 at their paths, read key 403 on decisions, no key 401', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-suggest-err');
    const none = { params: { id: NO_SUCH_ID } };
    await c.fails('GET /relationships/suggestions/{id}', 404, 'NOT_FOUND', none);
    await c.fails('GET /relationships/suggestions/{id}/preview', 404, 'NOT_FOUND', none);
    await c.fails('POST /relationships/suggestions/{id}/approve', 404, 'NOT_FOUND', none);
    await c.fails('POST /relationships/suggestions/{id}/reject', 404, 'NOT_FOUND', none);
    await c.fails('DELETE /relationships/suggestions/{id}', 404, 'NOT_FOUND', none);

    expectPath(await c.fails('GET /relationships/suggestions', 400, 'INVALID', { query: { status: 'maybe' } }), [
      'status',
    ]);
    expectPath(await c.fails('POST /relationships/suggestions/analyze', 400, 'INVALID', { body: { wait: 'yes' } }), [
      'wait',
    ]);
    expectPath(await c.fails('GET /relationships/suggestions/{id}', 400, 'INVALID', { params: { id: 'x' } }), ['id']);
    expectPath(
      await c.fails('POST /relationships/suggestions/{id}/approve', 400, 'INVALID', {
        params: { id: NO_SUCH_ID },
        body: { type: '' },
      }),
      ['type'],
    );

    const read = await createKey(request, c.project, { scope: 'read' });
    const r = c.with(bearer(read.key));
    expect((await r.ok('GET /relationships/suggestions')).total).toBe(0);
    await r.fails('POST /relationships/suggestions/analyze', 403, 'FORBIDDEN', { body: {} });
    await r.fails('POST /relationships/suggestions/{id}/approve', 403, 'FORBIDDEN', none);
    await r.fails('POST /relationships/suggestions/{id}/reject', 403, 'FORBIDDEN', none);
    await r.fails('DELETE /relationships/suggestions/{id}', 403, 'FORBIDDEN', none);
    await c.with({}).fails('GET /relationships/suggestions/analysis', 401, 'UNAUTHORIZED');
    await c.with({}).fails('GET /relationships/suggestions/{id}/preview', 401, 'UNAUTHORIZED', none);

    // Without wait the analysis answers at once (202) with its progress.
    const started = (await c.ok('POST /relationships/suggestions/analyze')).data;
    expect(['running', 'done']).toContain(started.status);
  });
});
