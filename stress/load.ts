import { client } from './lib/client';
import { ok } from './lib/ops';
import type { Scenario } from './lib/scenario';
import { errorLines, onFreshStorage, serverLog } from './lib/storage';
import { Workload, type Mix } from './lib/workload';

/**
 * Load: 50 concurrent clients for 60 s (× STRESS_SCALE) against one server, mixing creates, updates,
 * filtered searches, semantic searches on a managed index, batches and cross-call transactions; then
 * every acknowledged write is read back (and, on PostgreSQL, counted in SQL).
 *
 * Transactions are paced across the run, not drawn per request. On the embedded database an open
 * transaction holds the only connection: every write and every read of its project waits for it
 * (answering 503 transaction-open after ENGRAM_TX_WAIT_MS), and `begin` first waits for the requests
 * already running to finish. At 50 clients each transaction so pauses the whole server for a few hundred
 * milliseconds; 0.5 per second (30 a minute, a third rolled back), one at a time, keeps those pauses to
 * a minor share of the run, so it still measures concurrent writers, while giving enough rolled-back
 * transactions to check. PostgreSQL gives each transaction its own pooled connection and refuses more
 * than pool − 2 = 8 open (503 too-many-transactions, a limit the mix is designed to stay under): 2 per
 * second with at most 4 open (half the limit, half the pool) leaves the other clients the rest of it.
 */
const CLIENTS = 50;
const SECONDS = 60;
const MIX: Mix = { create: 25, update: 20, search: 20, semantic: 15, batch: 15 };
const TX_PER_SECOND = { embedded: 0.5, postgres: 2 } as const;
const TX_MAX_OPEN = { embedded: 1, postgres: 4 } as const;
const LABEL = 'ITEM';

export const load: Scenario = (backend, opts) =>
  onFreshStorage('load', backend, async (storage) => {
    const server = await storage.start();
    const api = client(server.url);
    const ix = await api.rest('POST', '/ai/indexes', { body: { label: LABEL, propertyName: 'text' } });
    if (ix.status !== 201) throw new Error(`creating the index answered ${ix.status} ${ix.text}`);

    const w = new Workload(api, {
      label: LABEL,
      tag: 'load',
      mix: MIX,
      txPerSecond: TX_PER_SECOND[backend],
      txMaxOpen: TX_MAX_OPEN[backend],
    });
    const seconds = await w.run(CLIENTS, SECONDS * opts.scale);
    const verdict = await w.ledger.verify(api, { sql: storage.database ? storage.sql : undefined });
    const health = await api.call('GET', '/api/health');
    const exit = await server.stop();

    // Embedded: a request that waited ENGRAM_TX_WAIT_MS for an open transaction is refused by design.
    const expected = (key: string) => backend === 'embedded' && key === '503 UNAVAILABLE/transaction-open';
    const failures = [...w.unexpectedErrors(expected), ...w.violations, ...verdict.failures];
    if (!ok(health)) failures.push(`health after the load answered ${health.status} ${health.text}`);
    if (exit !== 0) failures.push(`graceful stop exited ${exit}`);
    if (failures.length) failures.push(...errorLines(3, server));
    return {
      figures: {
        clients: CLIENTS,
        'load seconds': Number(seconds.toFixed(1)),
        'transactions (paced)': `${TX_PER_SECOND[backend]}/s, ≤ ${TX_MAX_OPEN[backend]} open`,
        ...w.figures(seconds),
        'expected 503 (transaction-open)': w.errors.get('503 UNAVAILABLE/transaction-open'),
        'unexpected 5xx': w.errors.total((k) => k.startsWith('5') && !expected(k)),
        ...verdict.figures,
        'server log': serverLog(server),
      },
      table: w.tally.table(),
      failures,
    };
  });
