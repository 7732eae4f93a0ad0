import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEnv } from '../server/env';
import { startEngram, type Engram } from '../server/engram';
import { createProject } from '../server/domain/projects';
import type { ProjectDeps } from '../server/domain/deps';

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

export type Backend = { name: 'embedded' | 'postgres'; engram: Engram; deps: (projectId: string) => ProjectDeps; newProject: () => Promise<ProjectDeps>; close: () => Promise<void> };

/** Embedded: PGlite in a fresh folder on disk (as a user runs it). Postgres: BENCH_DATABASE_URL or DATABASE_URL. */
export async function openBackend(name: 'embedded' | 'postgres'): Promise<Backend> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-bench-'));
  const url = name === 'postgres' ? (process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL) : undefined;
  const env = readEnv({ ENGRAM_DATA_DIR: dataDir, DATABASE_URL: url ?? '', ENGRAM_MASTER_KEY: 'bench-master-key-0123456789abcdef', ENGRAM_LOG_LEVEL: 'warn' });
  const engram = await startEngram({ env, quiet: true });
  let n = 0;
  const deps = (projectId: string): ProjectDeps => ({ db: engram.db.prisma, projectId });
  return {
    name,
    engram,
    deps,
    newProject: async () => deps((await createProject({ db: engram.db.prisma }, { name: `bench-${Date.now().toString(36)}-${n++}` })).id),
    close: async () => {
      await engram.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function backendsToRun(): ('embedded' | 'postgres')[] {
  const only = process.env.BENCH_BACKENDS?.split(',').map((s) => s.trim());
  const all: ('embedded' | 'postgres')[] = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];
  return only ? all.filter((b) => only.includes(b)) : all;
}
