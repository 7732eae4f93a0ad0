import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The reliability suite drives the production build the way a user runs it: `scripts/serve.mjs` as a
 * child process, on an embedded data folder or a PostgreSQL database of its own, over HTTP on loopback.
 * Everything here is plumbing; the scenarios (load, faults, bad input, isolation) assert the invariants.
 */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const MASTER_KEY = 'stress-master-key-0123456789abcdef';
export type BackendName = 'embedded' | 'postgres';

/** Where the suite makes its PostgreSQL databases (an admin connection; trust auth on this machine). */
export const PG_ADMIN_URL = process.env.STRESS_PG_ADMIN_URL ?? 'postgresql://root@127.0.0.1:5432/postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh PostgreSQL database for one scenario; `drop` removes it (terminating its connections). */
export async function createDatabase(
  prefix = 'engram_stress',
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined),
  };
}

/** One statement on the admin connection (database names here are generated, never input). */
export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** Terminates every backend connected to `database` except the caller's (pg_terminate_backend). */
export async function terminateBackends(database: string): Promise<number> {
  const res = await adminQuery(
    'SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()) t',
    [database],
  );
  return (res.rows[0] as { n: number }).n;
}

export type ServerOptions = {
  backend: BackendName;
  /** Embedded: the data folder (made fresh when absent). PostgreSQL: the database URL. */
  dataDir?: string;
  databaseUrl?: string;
  env?: Record<string, string>;
  /** Print the server's output as it comes (debugging). */
  echo?: boolean;
};

export type Server = {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the server printed so far. */
  output: () => string;
  /** SIGTERM and wait for exit (graceful shutdown); resolves to the exit code. */
  stop: () => Promise<number | null>;
  /** SIGKILL (a crash) and wait for the process to be gone. */
  kill: () => Promise<void>;
  exited: Promise<number | null>;
};

/** Starts the production server and waits until /api/health answers 200. Needs `npm run build` first. */
export async function startServer(opts: ServerOptions): Promise<Server> {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID')))
    throw new Error('No production build: run `npm run build` first');
  const port = await freePort();
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'engram-stress-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
    ENGRAM_MASTER_KEY: MASTER_KEY,
    ENGRAM_DATA_DIR: dataDir,
    ENGRAM_EMBEDDINGS_PROVIDER: 'fake',
    ENGRAM_LOG_LEVEL: 'warn',
    DATABASE_URL: opts.backend === 'postgres' ? (opts.databaseUrl ?? '') : '',
    ...opts.env,
  };
  if (opts.backend === 'postgres' && !env.DATABASE_URL)
    throw new Error('startServer: a postgres server needs databaseUrl');
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/serve.mjs')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
    if (opts.echo) process.stderr.write(d);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const code = await Promise.race([exited, new Promise<'pending'>((r) => setTimeout(() => r('pending'), 100))]);
    if (code !== 'pending') throw new Error(`The server exited (${code}) before it was healthy:\n${output}`);
    const res = await fetch(`${url}/api/health`).catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server was not healthy within 120 s:\n${output}`);
    }
  }
  return {
    url,
    port,
    dataDir,
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
