import { randomUUID } from 'node:crypto';
import { analysisRuns, auditEvents, installAudit, lastAuditId, type AuditEvent } from './lib/audit';
import { client, type Client } from './lib/client';
import { ok, waitFor } from './lib/ops';
import type { Scenario } from './lib/scenario';
import { onFreshStorage, serverLog, type Storage } from './lib/storage';

/**
 * Two servers on one PostgreSQL database (PostgreSQL only). Background work must happen once, not once
 * per process:
 * - backfill: an index created through server A while server B's worker is awake (B is kicked by an
 *   index of its own) is built by one worker: each record's vector written once, by one server, under
 *   one lease holder, with progress that only grows and ends ready with indexed = total = N;
 * - suggestion analysis: one analysis per trigger (an analyze request, a burst of writes through both
 *   servers), and never two analyses of one project at once.
 * Observed from outside: the REST API of both servers and row triggers on the database (lib/audit.ts).
 */
const DEBOUNCE_MS = 1_000;
const NAMES = ['stress-a', 'stress-b'] as const;

export const twoServers: Scenario = (backend, opts) =>
  onFreshStorage('two-servers', backend, async (storage) => {
    if (!storage.database) throw new Error('two-servers runs on PostgreSQL only');
    const env = { ENGRAM_SUGGEST_DEBOUNCE_MS: String(DEBOUNCE_MS) };
    const servers = await Promise.all(NAMES.map((name) => storage.start({ env, name })));
    const [a, b] = servers.map((s) => client(s.url)) as [Client, Client];
    const failures: string[] = [];
    const figures: Record<string, number | string> = {};

    const orders = Math.max(1000, Math.round(5000 * opts.scale));
    const customers = Math.ceil(orders / 10);
    await seed(a, orders, customers);
    // The import is a write: A analyzes once its debounce passes. That run is not one of the measured ones.
    await waitFor('the analysis the seeding triggered', 60_000, async () => {
      const r = await a.rest('GET', '/relationships/suggestions/analysis');
      return r.body?.data?.status === 'done' ? true : undefined;
    });
    await installAudit(storage);

    // Backfill: ORDER's index through A, then CUSTOMER's through B, whose worker then also looks at ORDER's.
    const mark = await lastAuditId(storage);
    const ixOrder = await a.rest('POST', '/ai/indexes', { body: { label: 'ORDER', propertyName: 'text' } });
    const ixCustomer = await b.rest('POST', '/ai/indexes', { body: { label: 'CUSTOMER', propertyName: 'text' } });
    if (ixOrder.status !== 201 || ixCustomer.status !== 201)
      throw new Error(`creating the indexes answered ${ixOrder.status} / ${ixCustomer.status}`);
    const expected = new Map<string, { label: string; n: number }>([
      [ixOrder.body.data.id, { label: 'ORDER', n: orders }],
      [ixCustomer.body.data.id, { label: 'CUSTOMER', n: customers }],
    ]);
    const polled = await pollIndexes([a, b], [...expected.keys()]);
    const events = await auditEvents(storage, 'embedding', mark);
    const leases = await auditEvents(storage, 'index', mark);
    for (const [id, { label, n }] of expected) {
      const check = await checkBackfill(
        storage,
        id,
        n,
        polled.get(id) ?? [],
        events.filter((e) => e.ref === id),
        leases.filter((e) => e.ref === id),
      );
      figures[`backfill ${label} (${n})`] = check.figure;
      failures.push(...check.failures.map((f) => `backfill of ${label}: ${f}`));
    }

    // Suggestion analysis, three triggers.
    figures['analysis: one analyze request to A'] = await trigger(
      storage,
      failures,
      'one analyze request to A',
      { most: 1 },
      () => a.rest('POST', '/relationships/suggestions/analyze', { body: { wait: true } }),
    );
    figures['analysis: a burst of writes through A and B'] = await trigger(
      storage,
      failures,
      'a burst of writes through both servers',
      { most: 1 },
      () =>
        Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? b : a).rest('POST', '/records', { body: { label: 'NOTE', data: { i, text: `note ${i}` } } }),
          ),
        ),
    );
    figures['analysis: analyze requests to A and B at once'] = await trigger(
      storage,
      failures,
      'analyze requests to both servers at once',
      { most: 2 },
      () =>
        Promise.all([a, b].map((s) => s.rest('POST', '/relationships/suggestions/analyze', { body: { wait: true } }))),
    );

    const exits = await Promise.all(servers.map((s) => s.stop()));
    if (exits.some((x) => x !== 0)) failures.push(`graceful stops exited ${exits.join(', ')}`);
    return { figures: { ...figures, 'server log': serverLog(...servers) }, failures };
  });

/** CUSTOMER records with uuid keys and ORDER records pointing at them (a rule for the analysis to find). */
async function seed(api: Client, orders: number, customers: number): Promise<void> {
  const cids = Array.from({ length: customers }, () => randomUUID());
  const data = {
    CUSTOMER: cids.map((cid, i) => ({ cid, text: `customer ${i} buys tea and coffee` })),
    ORDER: Array.from({ length: orders }, (_, i) => ({
      customer_id: cids[i % customers],
      n: i,
      text: `order ${i} of ${i % 7} items shipped`,
    })),
  };
  const r = await api.rest('POST', '/records/import/json', { body: { data }, timeoutMs: 300_000 });
  if (!ok(r)) throw new Error(`seeding answered ${r.status} ${r.text.slice(0, 300)}`);
}

type Sample = { server: number; status: string; indexed: number; total: number };

/** Both servers' view of the indexes, alternately, until every one is ready or failed. */
async function pollIndexes(apis: Client[], ids: string[]): Promise<Map<string, Sample[]>> {
  const seen = new Map<string, Sample[]>(ids.map((id) => [id, []]));
  await waitFor(
    'the backfills to finish',
    120_000,
    async () => {
      let finished = true;
      for (const [server, api] of apis.entries()) {
        const r = await api.rest('GET', '/ai/indexes');
        if (r.status !== 200) throw new Error(`GET /ai/indexes answered ${r.status} ${r.text}`);
        for (const ix of r.body.data) {
          seen.get(ix.id)?.push({ server, status: ix.status, indexed: ix.progress.indexed, total: ix.progress.total });
          if (seen.has(ix.id) && ix.status !== 'ready' && ix.status !== 'error') finished = false;
        }
      }
      return finished ? true : undefined;
    },
    50,
  );
  return seen;
}

async function checkBackfill(
  storage: Storage,
  id: string,
  n: number,
  polled: Sample[],
  writes: AuditEvent[],
  index: AuditEvent[],
) {
  const failures: string[] = [];
  const last = polled[polled.length - 1];
  if (last?.status !== 'ready' || last.indexed !== n || last.total !== n)
    failures.push(`ended ${JSON.stringify(last)}, expected ready with ${n} of ${n}`);
  const [{ rows }] = (await storage.sql('SELECT count(*)::int AS rows FROM embedding WHERE index_id = $1', [id])) as [
    { rows: number },
  ];
  if (rows !== n) failures.push(`${rows} embedding rows for ${n} records`);
  const perRecord = new Map<string, number>();
  for (const w of writes) perRecord.set(w.detail.record, (perRecord.get(w.detail.record) ?? 0) + 1);
  const rewritten = [...perRecord.values()].filter((k) => k > 1).length;
  if (rewritten)
    failures.push(
      `${rewritten} records had their vector written more than once (${writes.length} writes for ${perRecord.size} records)`,
    );
  const writers = [...new Set(writes.map((w) => w.app))];
  if (writers.length > 1) failures.push(`vectors written by ${writers.join(' and ')}: both servers embedded it`);
  const owners = [...new Set(index.map((e) => e.detail.owner).filter(Boolean))];
  if (owners.length > 1) failures.push(`${owners.length} lease holders (${owners.join(', ')})`);
  const backwards = (xs: number[]) => xs.filter((x, i) => i > 0 && x < xs[i - 1]!).length;
  const apiBack = backwards(polled.map((s) => s.indexed));
  const dbBack = backwards(index.map((e) => Number(e.detail.indexed)));
  if (apiBack || dbBack)
    failures.push(`progress went backwards ${apiBack} times as polled through the API, ${dbBack} times as written`);
  const steps = polled.map((s) => s.indexed).filter((x, i, xs) => x !== xs[i - 1]);
  const progress = `${steps[0]}→…→${steps[steps.length - 1]} in ${steps.length} steps over ${polled.length} polls of both servers`;
  return {
    figure: `${rows} rows; ${writes.length} vector writes by ${writers.join(', ') || 'nobody'}; ${owners.length} lease holder(s); progress ${progress}`,
    failures,
  };
}

/**
 * Fires a trigger and waits until analysis is quiet (no run open, nothing new for 2.5 debounce periods);
 * then counts the runs it caused. More than `most`, or two at once, is a failure.
 */
async function trigger(
  storage: Storage,
  failures: string[],
  what: string,
  limit: { most: number },
  fire: () => Promise<unknown>,
): Promise<string> {
  const mark = await lastAuditId(storage);
  const t0 = performance.now();
  const answers = [await fire()].flat() as { status: number; text: string }[];
  for (const r of answers)
    if (!ok(r as never)) failures.push(`${what}: a request answered ${r.status} ${r.text.slice(0, 200)}`);
  const events = await waitFor(
    `analysis to be quiet after ${what}`,
    60_000,
    async () => {
      const ev = await auditEvents(storage, 'analysis', mark);
      const { runs } = analysisRuns(ev);
      const lastAge = ev.length ? ev[ev.length - 1]!.ageMs : performance.now() - t0;
      // An end written in the same millisecond as another server's leaves no trace: a run never seen
      // ending does not hold the wait forever.
      return lastAge > 2.5 * DEBOUNCE_MS && (runs.every((r) => !r.open) || lastAge > 10_000) ? ev : undefined;
    },
    200,
  );
  const { runs, overlapping } = analysisRuns(events);
  if (runs.length === 0) failures.push(`${what}: no analysis ran`);
  if (runs.length > limit.most)
    failures.push(
      `${what}: ${runs.length} analyses ran (${runs.map((r) => `${r.app} ${r.trigger}`).join(', ')}), expected ${limit.most === 1 ? 'one' : `at most ${limit.most}`}`,
    );
  if (overlapping)
    failures.push(`${what}: ${overlapping} analyses of the project started while another server's was running`);
  return `${runs.length} run(s): ${runs.map((r) => `${r.app} ${r.trigger}`).join(', ') || 'none'}; ${overlapping} overlapping`;
}
