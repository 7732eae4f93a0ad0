import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engram } from '../sdk/src';
import { createDatabase, MASTER_KEY, startServer, type Server } from '../stress/lib/server';
import { fmt, percentile, type Backend } from './lib';

/**
 * The SDK's cost: the same calls through raw fetch (hand-built request, JSON.parse) and through the SDK
 * against one production server (`scripts/serve.mjs`, needs `npm run build`), alternated call by call; and
 * the SDK in-process (Engram.embedded, no HTTP) on a database of its own, the three in rotating order. Fake
 * embedder everywhere, so the figures are the request path, not the model. Warm-up calls are not counted.
 */
const N = Number(process.env.BENCH_SDK_CALLS ?? 300);
const WARM = 30;
const SEED = 2_000;

type Op = 'create' | 'get' | 'find' | 'search';
const OPS: Op[] = ['create', 'get', 'find', 'search'];

async function seed(db: Engram): Promise<string[]> {
  await db.ai.indexes.create({ label: 'MEMORY', propertyName: 'text' });
  const words = ['launch', 'pricing', 'pro', 'plan', 'march', 'tea', 'coffee', 'berlin', 'oslo', 'budget'];
  const data = Array.from({ length: SEED }, (_, i) => ({
    user_id: `u${i % 20}`,
    text: `memory ${i} about ${words[i % words.length]} and ${words[(i * 7) % words.length]}`,
  }));
  const res = await db.records.importJson({ label: 'MEMORY', data, options: { returnResult: false } });
  if (res.created !== SEED) throw new Error(`seeded ${res.created}`);
  const ids = (await db.records.find({ labels: ['MEMORY'], limit: 100 })).items.map((r) => r.__id);
  for (;;) {
    const [idx] = await db.ai.indexes.list();
    if (idx?.status === 'ready') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return ids;
}

const searchInput = (i: number) => ({
  labels: ['MEMORY'],
  propertyName: 'text',
  query: 'what was decided about the pro launch',
  where: { user_id: `u${i % 20}` },
  limit: 10,
});
const findInput = (i: number) => ({ labels: ['MEMORY'], where: { user_id: `u${i % 20}` }, limit: 20 });

function sdkCall(db: Engram, op: Op, i: number, ids: string[]): Promise<unknown> {
  switch (op) {
    case 'create':
      return db.records.create({ label: 'NOTE', data: { i, text: `note ${i}` } });
    case 'get':
      return db.records.get(ids[i % ids.length]!);
    case 'find':
      return db.records.find(findInput(i));
    case 'search':
      return db.ai.search(searchInput(i));
  }
}

function rawCall(url: string, project: string, op: Op, i: number, ids: string[]): Promise<unknown> {
  const headers = {
    authorization: `Bearer ${MASTER_KEY}`,
    'x-project-id': project,
    'content-type': 'application/json',
  };
  const post = (p: string, body: unknown) =>
    fetch(`${url}/api/v1${p}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.json());
  switch (op) {
    case 'create':
      return post('/records', { label: 'NOTE', data: { i, text: `note ${i}` } });
    case 'get':
      return fetch(`${url}/api/v1/records/${ids[i % ids.length]}`, { headers }).then((r) => r.json());
    case 'find':
      return post('/records/search', findInput(i));
    case 'search':
      return post('/ai/search', searchInput(i));
  }
}

async function measure(fns: Record<string, (i: number) => Promise<unknown>>): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  const entries = Object.entries(fns);
  for (let i = 0; i < WARM + N; i++) {
    // Each call in turn goes first, so no mode always follows the same one.
    const order = entries.map((_, k) => entries[(k + i) % entries.length]!);
    for (const [name, fn] of order) {
      const t = performance.now();
      await fn(i);
      if (i >= WARM) out[name]!.push(performance.now() - t);
    }
  }
  return out;
}

export async function benchSdk(b: Backend, line: (s: string) => void): Promise<void> {
  const env = { ENGRAM_EMBEDDINGS_PROVIDER: 'fake', ENGRAM_SUGGEST_DEBOUNCE_MS: '0', ENGRAM_LOG_LEVEL: 'warn' };
  const pgHttp = b.name === 'postgres' ? await createDatabase('engram_bench_sdk') : undefined;
  const pgLocal = b.name === 'postgres' ? await createDatabase('engram_bench_sdk') : undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-bench-sdk-'));
  let server: Server | undefined;
  let local: Engram | undefined;
  try {
    server = await startServer({ backend: b.name, databaseUrl: pgHttp?.url, env });
    const http = new Engram({ url: server.url, apiKey: MASTER_KEY, project: 'default', retries: 0 });
    local = await Engram.embedded(
      b.name === 'postgres' ? { databaseUrl: pgLocal!.url, env } : { dataDir: path.join(dir, 'local'), env },
    );
    const httpIds = await seed(http);
    const localIds = await seed(local);
    line(
      `${SEED} MEMORY records (20 users), fake embedder; ${N} calls per op and mode after ${WARM} warm-up, one client`,
    );
    line(
      'op        raw fetch p50/p95   SDK over HTTP p50/p95   SDK overhead p50   SDK in-process p50/p95   in-process vs HTTP',
    );
    for (const op of OPS) {
      const s = await measure({
        raw: (i) => rawCall(server!.url, 'default', op, i, httpIds),
        sdk: (i) => sdkCall(http, op, i, httpIds),
        local: (i) => sdkCall(local!, op, i, localIds),
      });
      const p = (k: string, q: number) => percentile(s[k]!, q);
      line(
        `${op.padEnd(9)} ${fmt(p('raw', 50)).padStart(7)} / ${fmt(p('raw', 95)).padEnd(9)} ${fmt(p('sdk', 50)).padStart(9)} / ${fmt(p('sdk', 95)).padEnd(11)} ` +
          `${(p('sdk', 50) - p('raw', 50) >= 0 ? '+' : '') + fmt(p('sdk', 50) - p('raw', 50))} ms (${((p('sdk', 50) / p('raw', 50) - 1) * 100).toFixed(1)}%)`.padEnd(
            19,
          ) +
          `${fmt(p('local', 50)).padStart(9)} / ${fmt(p('local', 95)).padEnd(12)} ${(p('local', 50) / p('sdk', 50)).toFixed(2)}×`,
      );
    }
  } finally {
    await local?.close();
    await server?.stop();
    await pgHttp?.drop();
    await pgLocal?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}
