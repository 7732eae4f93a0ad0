import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { ScenarioResult } from './scenario';
import { adminQuery, createDatabase, startServer, type BackendName, type Server } from './server';

/**
 * Where one scenario keeps its data on one backend: a fresh embedded data folder, or a fresh PostgreSQL
 * database. Servers are started (and restarted after a kill) on the same storage; `dispose` stops what
 * is still running and removes the folder or drops the database, whatever the scenario's outcome.
 */
export type Storage = {
  backend: BackendName;
  /** Embedded: the data folder every server of this storage opens. */
  dataDir: string;
  /** PostgreSQL: the scenario's database (name for pg_stat_activity, url for direct SQL). */
  database: { name: string; url: string } | null;
  /** Starts a server on this storage. `name` labels its PostgreSQL connections (application_name). */
  start: (opts?: { env?: Record<string, string>; name?: string }) => Promise<Server>;
  /** PostgreSQL only: one statement on the scenario's database, outside any server. */
  sql: <T = any>(text: string, params?: unknown[]) => Promise<T[]>;
  dispose: () => Promise<void>;
};

/** Servers still running: killed when the suite exits early (an overrun, ^C), so none is left behind. */
const live = new Set<Server>();
process.once('exit', () => live.forEach((s) => s.child.kill('SIGKILL')));

/** `env`: settings for every server started on this storage (a start's own env adds to them). */
export async function openStorage(backend: BackendName, env: Record<string, string> = {}): Promise<Storage> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `engram-stress-${backend}-`));
  const database = backend === 'postgres' ? await createDatabase() : null;
  const servers: Server[] = [];
  return {
    backend,
    dataDir,
    database: database && { name: database.name, url: database.url },
    start: async (opts = {}) => {
      const url = database ? new URL(database.url) : null;
      if (url && opts.name) url.searchParams.set('application_name', opts.name);
      // PostgreSQL servers keep nothing in their folder but the master key: one folder each.
      const dir = database ? fs.mkdtempSync(path.join(dataDir, 'server-')) : dataDir;
      const server = await startServer({
        backend,
        dataDir: dir,
        databaseUrl: url?.toString(),
        env: { ...env, ...opts.env },
      });
      servers.push(server);
      live.add(server);
      void server.exited.then(() => live.delete(server));
      return server;
    },
    sql: async (text, params = []) => {
      if (!database) throw new Error('sql() needs the postgres backend');
      const c = new pg.Client({ connectionString: database.url });
      await c.connect();
      try {
        return (await c.query(text, params)).rows;
      } finally {
        await c.end();
      }
    },
    dispose: async () => {
      await Promise.all(servers.map((s) => s.kill()));
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Whether the PostgreSQL admin URL answers (bounded, so an unreachable host does not hang the suite). */
export async function postgresReachable(timeoutMs = 5_000): Promise<{ ok: true } | { ok: false; reason: string }> {
  const probe = adminQuery('SELECT 1').then(() => ({ ok: true as const }));
  const timeout = new Promise<{ ok: false; reason: string }>((r) =>
    setTimeout(() => r({ ok: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs).unref(),
  );
  return Promise.race([
    probe.catch((e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) })),
    timeout,
  ]);
}

/**
 * Runs a scenario body on fresh storage, timing it and disposing of the storage however it ends. The
 * body returns figures and failures; the result is what `npm run test:stress` prints.
 */
export async function onFreshStorage(
  scenario: string,
  backend: BackendName,
  body: (storage: Storage) => Promise<Omit<ScenarioResult, 'scenario' | 'backend' | 'seconds'>>,
  env: Record<string, string> = {},
): Promise<ScenarioResult> {
  const t0 = performance.now();
  const storage = await openStorage(backend, env);
  try {
    const r = await body(storage);
    return { scenario, backend, seconds: (performance.now() - t0) / 1000, ...r };
  } finally {
    await storage.dispose();
  }
}

/** The server's warn and error log lines, counted by message (its fields left out), for the figures. */
export function serverLog(...servers: Server[]): string {
  const counts = new Map<string, number>();
  for (const s of servers) {
    for (const line of s.output().split('\n')) {
      const m = /^\[engram\] (warn|error)\s+([^{]*)/.exec(line);
      if (m) counts.set(`${m[1]}: ${m[2]!.trim()}`, (counts.get(`${m[1]}: ${m[2]!.trim()}`) ?? 0) + 1);
    }
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join('; ') || 'no warnings';
}

/** The server's first error log lines in full (an internal error's stack), for a failure's report. */
export function errorLines(max: number, ...servers: Server[]): string[] {
  const lines = servers.flatMap((s) =>
    s
      .output()
      .split('\n')
      .filter((l) => l.startsWith('[engram] error')),
  );
  return lines.slice(0, max).map((l) => `server log: ${l.slice(0, 2000)}`);
}
