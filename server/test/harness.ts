import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from '@/server/db';
import { readEnv } from '@/server/env';
import { startEngram, type Engram } from '@/server/engram';
import { makeHandlers } from '@/server/http/handlers';
import { createFakeEmbedder, type Embedder } from '@/server/domain/embeddings';

/**
 * Integration tests run against a real database: an in-memory PGlite by default, or the PostgreSQL in
 * DATABASE_URL (shared by parallel test files; each test seeds its own project).
 */
export const onPostgres = Boolean(process.env.DATABASE_URL);
export const backendName = onPostgres ? 'postgres' : 'embedded';

/** Tests embed with the deterministic fake unless they pass another embedder. */
export async function startTestEngram(
  extraEnv: Record<string, string> = {},
  embedder: Embedder = createFakeEmbedder(),
): Promise<Engram> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-test-'));
  const env = readEnv({
    DATABASE_URL: process.env.DATABASE_URL ?? '',
    ENGRAM_DATA_DIR: dataDir,
    ENGRAM_MASTER_KEY: `test-master-${randomBytes(16).toString('hex')}`,
    ENGRAM_LOG_LEVEL: 'silent',
    ...extraEnv,
  });
  return startEngram({ env, inMemory: true, quiet: true, embedder });
}

/**
 * Waits until the HNSW index of an embedding index is built and valid (the keeper builds it in the
 * background after the index commits; on a PostgreSQL shared by test files another server's keeper may).
 */
export async function hnswBuilt(engram: Engram, indexId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    engram.hnsw.kick();
    await engram.hnsw.idle();
    const rows = await engram.db.prisma.$queryRaw<{ name: string; valid: boolean }[]>(sql.embeddingSql.hnswPresent);
    if (rows.some((r) => r.name === sql.embeddingSql.hnswName(indexId) && r.valid)) return;
    if (Date.now() > deadline) throw new Error(`the HNSW index of ${indexId} was not built within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type ApiResult<T = any> = { status: number; body: T; headers: Headers };
export type CallOptions = {
  body?: unknown;
  rawBody?: string;
  token?: string | null;
  project?: string;
  headers?: Record<string, string>;
};

/** Drives the real HTTP handlers (REST, tRPC, health) in-process, exactly as Next.js routes them. */
export function httpClient(engram: Engram) {
  const handlers = makeHandlers(() => Promise.resolve(engram));
  const base = 'http://engram.test';

  async function send(
    handler: (req: Request) => Promise<Response>,
    method: string,
    url: string,
    opts: CallOptions = {},
  ): Promise<ApiResult> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? engram.masterKey.key : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.project) headers['x-project-id'] = opts.project;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await handler(new Request(base + url, { method, headers, body }));
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  return {
    send,
    rest: (method: string, path: string, opts?: CallOptions) => send(handlers.rest, method, `/api/v1${path}`, opts),
    trpcQuery: (proc: string, input: unknown, opts?: CallOptions) =>
      send(handlers.trpc, 'GET', `/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(input))}`, opts),
    trpcMutation: (proc: string, input: unknown, opts?: CallOptions) =>
      send(handlers.trpc, 'POST', `/api/trpc/${proc}`, { ...opts, body: input }),
    health: () => send(handlers.health, 'GET', '/api/health'),
    openapi: () => send(handlers.openapi, 'GET', '/api/v1/openapi.json'),
  };
}

export const uniqueName = (prefix = 'p') => `${prefix}-${randomBytes(5).toString('hex')}`;
