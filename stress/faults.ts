import fs from 'node:fs';
import path from 'node:path';
import { client, type Client } from './lib/client';
import type { Ledger } from './lib/ledger';
import { attempt, ok, sleep, waitFor } from './lib/ops';
import type { Scenario } from './lib/scenario';
import { terminateBackends, type Server } from './lib/server';
import { errorLines, onFreshStorage, serverLog, type Storage } from './lib/storage';
import { Workload, type Mix } from './lib/workload';

/**
 * Faults. crash (both backends): kill -9 in the middle of a 20,000-record import, then in the middle of
 * an open cross-call transaction with writes; after each restart on the same folder or database the
 * import is all or nothing, the transaction left nothing, the embedded lock was taken over, and every
 * earlier acknowledged write is intact. terminate (PostgreSQL): pg_terminate_backend of every server
 * connection, several times, under concurrent clients: in-flight requests answer 503 (never 500), no
 * acknowledged write is lost, and the server recovers without a restart.
 */
const LABEL = 'ITEM';
const IMPORT_LABEL = 'IMPORTED';
const IMPORT_SIZE = 20_000;
const MIX: Mix = { create: 30, update: 20, search: 15, semantic: 10, batch: 15 };
// No background suggestion analysis: the embedded import kill watches the WAL, which nothing else should write.
const QUIET = { ENGRAM_SUGGEST_DEBOUNCE_MS: '0' };

export const crash: Scenario = (backend, opts) =>
  onFreshStorage(
    'crash',
    backend,
    async (storage) => {
      const failures: string[] = [];
      const figures: Record<string, number | string> = {};
      let server = await storage.start();
      let api = client(server.url);
      await createIndex(api);

      // Earlier commits of every kind: creates, updates, batches, committed and rolled-back transactions, an import.
      const w = new Workload(api, { label: LABEL, tag: 'seed', mix: MIX, txPerSecond: 0 });
      await w.steps(0, Math.max(20, Math.round(60 * opts.scale)), 5);
      failures.push(...w.unexpectedErrors(() => false), ...w.violations);
      const size = Math.max(1000, Math.round(IMPORT_SIZE * opts.scale));
      const first = await importRecords(api, w.ledger, 'import-a', size, 1);
      if (!ok(first.answer))
        throw new Error(`the first import answered ${first.answer.status} ${first.answer.text.slice(0, 300)}`);
      figures[`import of ${size} (ms)`] = Math.round(first.answer.ms);

      // a. kill -9 during an import, once its transaction is writing. An import that committed before the
      // kill (it answered, or all of it is there) did not test the cut: it is tried again.
      let cutMidway = false;
      for (let round = 1; round <= 3 && !cutMidway; round++) {
        const batch = `import-b${round}`;
        const cut = await killDuringImport(storage, server, api, w.ledger, batch, size, round + 1);
        ({ server, api } = await restart(
          storage,
          server,
          backend,
          figures,
          failures,
          `restart after the import kill (attempt ${round})`,
        ));
        const present = await count(api, { batch });
        figures[`import kill ${round}`] = `${cut.how}; ${present} of ${size} present after restart`;
        if (present !== 0 && present !== size)
          failures.push(`${batch}: ${present} of ${size} records after a kill -9 during the import (all or nothing)`);
        cutMidway = cut.killedFirst && present === 0;
      }
      if (!cutMidway) failures.push('every import committed before its kill: the all-or-nothing check never cut one');
      failures.push(...(await verified(w.ledger, api, storage, 'after the import kill')));

      // b. kill -9 with a transaction open: three creates and an update of an earlier record inside.
      const open = await openTransactionWithWrites(api, w.ledger);
      failures.push(...open.failures);
      await server.kill();
      ({ server, api } = await restart(
        storage,
        server,
        backend,
        figures,
        failures,
        'restart after the transaction kill',
      ));
      figures['transaction at the kill'] = `${open.writes} writes acknowledged inside, not committed`;

      // Still a working server: a write lands, and everything holds.
      const after = new Workload(api, {
        label: LABEL,
        tag: 'after',
        partBase: 100,
        mix: MIX,
        txPerSecond: 0,
        ledger: w.ledger,
      });
      await after.steps(0, 10, 5);
      failures.push(...after.unexpectedErrors(() => false), ...after.violations);
      const verdict = await w.ledger.verify(api, { sql: storage.database ? storage.sql : undefined });
      failures.push(...verdict.failures.map((f) => `final: ${f}`));
      const exit = await server.stop();
      if (exit !== 0) failures.push(`graceful stop exited ${exit}`);
      return { figures: { ...figures, ...verdict.figures, 'server log (last)': serverLog(server) }, failures };
    },
    QUIET,
  );

export const terminate: Scenario = (backend, opts) =>
  onFreshStorage('terminate', backend, async (storage) => {
    const db = storage.database;
    if (!db) throw new Error('terminate runs on PostgreSQL only');
    const server = await storage.start();
    const api = client(server.url);
    await createIndex(api);
    const w = new Workload(api, { label: LABEL, tag: 'term', mix: MIX, txPerSecond: 2, txMaxOpen: 4 });
    const seconds = Math.max(8, 24 * opts.scale);
    const rounds = Math.max(3, Math.floor(seconds / 4) - 1);
    const terminated: number[] = [];
    const killer = (async () => {
      for (let k = 0; k < rounds; k++) {
        await sleep((seconds * 1000) / (rounds + 1));
        terminated.push(await terminateBackends(db.name));
      }
    })();
    const took = await w.run(20, seconds);
    await killer;

    // Recovered without a restart: health answers, and then writes succeed, every one of them.
    const t0 = performance.now();
    await waitFor('health 200 after the terminations', 15_000, async () =>
      ok(await attempt(() => api.call('GET', '/api/health'))) ? true : undefined,
    );
    const recoveredMs = performance.now() - t0;
    const after = new Workload(api, {
      label: LABEL,
      tag: 'after',
      partBase: 100,
      mix: { create: 1, update: 1, search: 1, semantic: 1, batch: 1 },
      txPerSecond: 0,
      ledger: w.ledger,
    });
    await after.steps(0, 20, 5);
    const verdict = await w.ledger.verify(api, { sql: storage.sql });
    const exit = await server.stop();

    // A cut connection: the request did not happen (503); a transaction whose connection died is aborted (409).
    const expected = (k: string) => k.startsWith('503 UNAVAILABLE') || k === '409 CONFLICT/aborted';
    const failures = [
      ...w.unexpectedErrors(expected),
      ...after.unexpectedErrors(() => false).map((f) => `after recovery: ${f}`),
      ...w.violations,
      ...after.violations,
      ...verdict.failures,
    ];
    if (terminated.every((n) => n === 0)) failures.push('pg_terminate_backend found no server connection to terminate');
    if (exit !== 0) failures.push(`graceful stop exited ${exit}`);
    if (failures.length) failures.push(...errorLines(3, server));
    return {
      figures: {
        clients: 20,
        'load seconds': Number(took.toFixed(1)),
        'connections terminated per round': terminated.join(', '),
        ...w.figures(took),
        '503 (the request did not happen)': w.errors.total((k) => k.startsWith('503')),
        '409 aborted (transaction lost its connection)': w.errors.get('409 CONFLICT/aborted'),
        '500 answers': w.errors.total((k) => k.startsWith('500')),
        'health 200 again after (ms)': Math.round(recoveredMs),
        'requests after recovery': `${after.tally.count((s) => s >= 200 && s < 300)} of ${after.tally.count()} ok`,
        ...verdict.figures,
        'server log': serverLog(server),
      },
      table: w.tally.table(),
      failures,
    };
  });

async function createIndex(api: Client): Promise<void> {
  const ix = await api.rest('POST', '/ai/indexes', { body: { label: LABEL, propertyName: 'text' } });
  if (ix.status !== 201) throw new Error(`creating the index answered ${ix.status} ${ix.text}`);
}

const importDocs = (batch: string, size: number, partBase: number) =>
  Array.from({ length: size }, (_, i) => ({
    token: `${batch}-${String(i).padStart(6, '0')}`,
    part: partBase * 1000 + Math.floor(i / 1000),
    batch,
    text: `imported note ${i} about ${batch}`,
    n: i,
  }));

/** One import request: answered, it acknowledges all its records; otherwise their outcome is unknown. */
async function importRecords(
  api: Client,
  ledger: Ledger,
  batch: string,
  size: number,
  partBase: number,
  answered: () => void = () => {},
) {
  const docs = importDocs(batch, size, partBase);
  const answer = await attempt(() =>
    api.rest('POST', '/records/import/json', { body: { label: IMPORT_LABEL, data: docs }, timeoutMs: 300_000 }),
  );
  const done = ok(answer) && answer.body.data.created === size;
  if (done) answered();
  for (const d of docs) {
    if (done) ledger.acknowledge(d.token, { label: IMPORT_LABEL, part: d.part, data: d });
    else ledger.unsure(d.token, IMPORT_LABEL, d.part);
  }
  return { answer, docs };
}

type ImportCut = { killedFirst: boolean; how: string };

/**
 * Sends an import and kill -9s the server once the import's transaction is writing (see importWriting).
 * An import that answered before the kill is acknowledged in the ledger like any other; otherwise its
 * records are of unknown outcome (the check is that they are all there or none is).
 */
async function killDuringImport(
  storage: Storage,
  server: Server,
  api: Client,
  ledger: Ledger,
  batch: string,
  size: number,
  partBase: number,
): Promise<ImportCut> {
  let answered = false;
  const t0 = performance.now();
  const writing = importWriting(storage, Date.now());
  const sent = importRecords(api, ledger, batch, size, partBase, () => (answered = true));
  const seen = await waitFor(
    'the import to write',
    120_000,
    async () => (answered ? false : (await writing()) ? true : undefined),
    10,
  );
  const killedFirst = !answered;
  const ms = Math.round(performance.now() - t0);
  await server.kill();
  await sent;
  const how = seen
    ? `killed ${ms} ms in, its transaction writing (${storage.database ? 'pg_stat_activity' : 'WAL'})`
    : `answered within ${ms} ms, before it was seen writing`;
  return { killedFirst, how: killedFirst ? how : `answered before the kill (${how})` };
}

/**
 * Whether the import's transaction is writing. PostgreSQL: a server backend with a transaction id
 * (it has written) running INSERT INTO record. Embedded (no view into PGlite): its WAL segments in
 * pgdata/pg_wal keep being written, without a pause over 150 ms, for 300 ms — a background ANALYZE
 * (the planner statistics keeper) writes one short burst, a 20,000-record import seconds of them.
 */
function importWriting(storage: Storage, since: number): () => Promise<boolean> {
  const db = storage.database;
  if (db) {
    return async () =>
      (
        await storage.sql(
          `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL AND query ILIKE '%INSERT INTO record%'`,
          [db.name],
        )
      ).length > 0;
  }
  const wal = path.join(storage.dataDir, 'pgdata', 'pg_wal');
  if (!fs.existsSync(wal)) throw new Error(`no WAL folder at ${wal}: the embedded layout changed`);
  let stamp = since;
  let runStart = 0;
  let lastAdvance = -Infinity;
  return async () => {
    const now = Math.max(
      0,
      ...fs
        .readdirSync(wal)
        .filter((f) => /^[0-9A-F]{24}$/.test(f))
        .map((f) => fs.statSync(path.join(wal, f)).mtimeMs),
    );
    const t = performance.now();
    if (now > stamp) {
      stamp = now;
      if (t - lastAdvance > 150) runStart = t;
      lastAdvance = t;
    }
    return t - lastAdvance <= 150 && lastAdvance - runStart >= 300;
  };
}

/** Starts the server again on the same storage; embedded: it must have taken the dead owner's lock over. */
async function restart(
  storage: Storage,
  dead: Server,
  backend: string,
  figures: Record<string, number | string>,
  failures: string[],
  what: string,
): Promise<{ server: Server; api: Client }> {
  await dead.kill();
  const t0 = performance.now();
  const server = await storage.start();
  figures[`${what} (ms)`] = Math.round(performance.now() - t0);
  if (backend === 'embedded') {
    const pid = dead.child.pid;
    const tookOver = new RegExp(`took over an abandoned data-folder lock.*"pid":${pid}\\b`).test(server.output());
    if (!tookOver)
      failures.push(
        `${what}: the server started without logging that it took over pid ${pid}'s lock:\n${server.output().slice(0, 1000)}`,
      );
  }
  return { server, api: client(server.url) };
}

async function count(api: Client, where: Record<string, unknown>): Promise<number> {
  const a = await api.rest('POST', '/records/search', { body: { labels: [IMPORT_LABEL], where, limit: 1 } });
  if (a.status !== 200) throw new Error(`counting ${JSON.stringify(where)} answered ${a.status} ${a.text}`);
  return a.body.total;
}

async function verified(ledger: Ledger, api: Client, storage: Storage, when: string): Promise<string[]> {
  const v = await ledger.verify(api, { sql: storage.database ? storage.sql : undefined });
  return v.failures.map((f) => `${when}: ${f}`);
}

/** begin, three creates and an update of an acknowledged record, all answered 2xx, left open. */
async function openTransactionWithWrites(api: Client, ledger: Ledger): Promise<{ writes: number; failures: string[] }> {
  const failures: string[] = [];
  const begin = await api.rest('POST', '/tx', { body: { ttl: 120_000 } });
  if (begin.status !== 201) return { writes: 0, failures: [`POST /tx answered ${begin.status} ${begin.text}`] };
  const tx = begin.body.data.id as string;
  let writes = 0;
  for (let k = 0; k < 3; k++) {
    const data = {
      token: `open-tx-${k}`,
      part: 900,
      client: -1,
      seq: k,
      text: `written in an open transaction ${k}`,
      n: k,
      v: 0,
    };
    ledger.forbid(data.token, LABEL, 900, 'written in a transaction open at the kill');
    const a = await api.rest('POST', '/records', { body: { label: LABEL, data }, tx });
    if (a.status === 201) writes++;
    else failures.push(`create inside the open transaction answered ${a.status} ${a.text.slice(0, 200)}`);
  }
  const [token, old] =
    [...ledger.acked].find(([t, w]) => w.label === LABEL && w.id && !ledger.unsureValues.has(t)) ?? [];
  if (token && old) {
    const a = await api.rest('PATCH', `/records/${old.id}`, {
      body: { data: { v: -1, text: 'changed in an open transaction' } },
      tx,
    });
    if (a.status === 200) writes++;
    else failures.push(`update inside the open transaction answered ${a.status} ${a.text.slice(0, 200)}`);
  }
  return { writes, failures };
}
