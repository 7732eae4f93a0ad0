import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { httpClient, onPostgres, startTestEngram, uniqueName } from '@/server/test/harness';

/**
 * Several servers on one PostgreSQL: writes served by both, and requests to analyze now through either,
 * cause one pass for what they share, not one per server (the analysis row coordinates them).
 */
describe.skipIf(!onPostgres)('suggestion analysis across servers (postgres)', () => {
  let a: Engram;
  let b: Engram;
  beforeAll(async () => {
    a = await startTestEngram({ ENGRAM_SUGGEST_DEBOUNCE_MS: '300' });
    b = await startTestEngram({ ENGRAM_SUGGEST_DEBOUNCE_MS: '300' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  async function seeded() {
    const name = uniqueName('sugx');
    const apiA = httpClient(a);
    const apiB = httpClient(b);
    expect((await apiA.rest('POST', '/projects', { body: { name } })).status).toBe(201);
    const customers = Array.from({ length: 40 }, (_, i) => ({ id: `c-${i}`, name: `customer ${i}` }));
    const orders = Array.from({ length: 120 }, (_, i) => ({ id: `o-${i}`, customer_id: `c-${i % 40}`, total: i }));
    return { name, apiA, apiB, customers, orders };
  }

  const passes = () => a.suggestions.passesRun + b.suggestions.passesRun;
  const idle = () => Promise.all([a.suggestions.idle(), b.suggestions.idle()]);

  it('writes served by both servers cause one pass', async () => {
    const s = await seeded();
    await idle();
    const before = passes();
    await Promise.all([
      s.apiA.rest('POST', '/records/import/json', { project: s.name, body: { label: 'CUSTOMER', data: s.customers } }),
      s.apiB.rest('POST', '/records/import/json', { project: s.name, body: { label: 'ORDER', data: s.orders } }),
    ]);
    // Both debounce timers fire ~300 ms after their write; wait until both servers are done.
    await expect
      .poll(
        async () =>
          (await s.apiA.rest('GET', '/relationships/suggestions/analysis', { project: s.name })).body.data.status,
        { timeout: 20_000 },
      )
      .toBe('done');
    await new Promise((r) => setTimeout(r, 500)); // both timers have fired by now
    await idle();
    expect(passes() - before).toBe(1);
    const found = (await s.apiB.rest('GET', '/relationships/suggestions', { project: s.name })).body.data;
    expect(found.map((x: { source: { key: string } }) => x.source.key)).toContain('customer_id');
  });

  it('analyze-now through one server while the other runs a pass waits for a pass that started after it', async () => {
    const s = await seeded();
    await s.apiA.rest('POST', '/records/import/json', {
      project: s.name,
      body: { label: 'CUSTOMER', data: s.customers },
    });
    await s.apiA.rest('POST', '/records/import/json', { project: s.name, body: { label: 'ORDER', data: s.orders } });
    await idle();
    const before = { a: a.suggestions.passesRun, b: b.suggestions.passesRun };
    const first = a.suggestions.run(
      (await s.apiA.rest('GET', '/projects/current', { project: s.name })).body.data.project.id,
      'manual',
    );
    await first.started;
    const asked = Date.now();
    const viaB = await s.apiB.rest('POST', '/relationships/suggestions/analyze', {
      project: s.name,
      body: { wait: true },
    });
    expect(viaB.status).toBe(202);
    expect(viaB.body.data.status).toBe('done');
    expect(Date.parse(viaB.body.data.startedAt)).toBeGreaterThanOrEqual(asked - 1000);
    await first.finished;
    await idle();
    expect(a.suggestions.passesRun - before.a + (b.suggestions.passesRun - before.b)).toBe(2);
  });

  it('a pass whose server died (its lease lapsed) is taken over', async () => {
    const s = await seeded();
    const projectId = (await s.apiA.rest('GET', '/projects/current', { project: s.name })).body.data.project
      .id as string;
    await a.db.prisma.suggestionAnalysis.create({
      data: {
        projectId,
        status: 'running',
        trigger: 'writes',
        leaseOwner: 'gone:1:dead',
        leaseExpiresAt: new Date(Date.now() - 1000),
        requestedAt: new Date(Date.now() - 5000),
        startedAt: new Date(Date.now() - 5000),
      },
    });
    const before = passes();
    const res = await s.apiB.rest('POST', '/relationships/suggestions/analyze', {
      project: s.name,
      body: { wait: true },
    });
    expect(res.body.data.status).toBe('done');
    expect(passes() - before).toBe(1);
  });
});
