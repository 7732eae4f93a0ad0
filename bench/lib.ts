import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEnv } from '../server/env';
import { startEngram, type Engram } from '../server/engram';
import { createProject } from '../server/domain/projects';
import type { ProjectDeps } from '../server/domain/deps';
import type { Embedder } from '../server/domain/embeddings';
import { analyzeTables as analyzeSql } from '../server/db/sql/explain';

/** Shared pieces of `npm run bench`: the machine, timers, percentiles, and a database per backend. */
export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export type Backend = {
  name: 'embedded' | 'postgres';
  engram: Engram;
  deps: (projectId: string) => ProjectDeps;
  newProject: () => Promise<ProjectDeps>;
  close: () => Promise<void>;
};

/**
 * Embedded: PGlite in a fresh folder on disk (as a user runs it). Postgres: BENCH_DATABASE_URL or DATABASE_URL.
 * The embedder defaults to the configured one (the built-in model unless ENGRAM_EMBEDDINGS_PROVIDER says otherwise).
 */
export async function openBackend(name: 'embedded' | 'postgres', embedder?: Embedder): Promise<Backend> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-bench-'));
  const url = name === 'postgres' ? (process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL) : undefined;
  const env = readEnv({
    ENGRAM_DATA_DIR: dataDir,
    DATABASE_URL: url ?? '',
    ENGRAM_MASTER_KEY: 'bench-master-key-0123456789abcdef',
    ENGRAM_LOG_LEVEL: 'warn',
  });
  const engram = await startEngram({ env, quiet: true, embedder });
  let n = 0;
  const deps = (projectId: string): ProjectDeps => ({ db: engram.db.prisma, projectId });
  return {
    name,
    engram,
    deps,
    newProject: async () =>
      deps((await createProject({ db: engram.db.prisma }, { name: `bench-${Date.now().toString(36)}-${n++}` })).id),
    close: async () => {
      await engram.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Deps as a request of the server gets them: the embedder, the backfill runner and the exact-search
 * threshold. No query cache unless asked, so every measured search embeds its query.
 */
export function aiDeps(
  b: Backend,
  base: ProjectDeps,
  opts: { queryCache?: boolean; exactSearchBelow?: number } = {},
): ProjectDeps & { embedder: Embedder } {
  const e = b.engram;
  return {
    ...base,
    embedder: e.embedder,
    backfill: { kick: e.kickIndexes },
    queryCache: opts.queryCache ? e.queryCache : undefined,
    exactSearchBelow: opts.exactSearchBelow ?? e.env.ENGRAM_EXACT_SEARCH_BELOW,
  };
}

/**
 * Table statistics right after a bulk load. The embedded server analyzes on drift every 30 s
 * (server/db/maintenance.ts) and PostgreSQL's autovacuum does in time; until then the planner estimates
 * few rows and may skip HNSW. The search benches measure as loaded, then run this and measure again.
 */
export const analyzeTables = (b: Backend) => timed(() => b.engram.db.prisma.$executeRaw(analyzeSql()));

export function backendsToRun(): ('embedded' | 'postgres')[] {
  const only = process.env.BENCH_BACKENDS?.split(',').map((s) => s.trim());
  const all: ('embedded' | 'postgres')[] =
    process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];
  return only ? all.filter((b) => only.includes(b)) : all;
}
