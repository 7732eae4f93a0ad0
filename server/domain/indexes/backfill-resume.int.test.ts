import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEnv } from '@/server/env';
import { startEngram, type Engram } from '@/server/engram';
import { createFakeEmbedder } from '@/server/domain/embeddings';
import { backendName, onPostgres, uniqueName } from '@/server/test/harness';

let engram: Engram | undefined;
afterAll(() => engram?.close());

describe(`backfill survives a killed process (${backendName})`, () => {
  it('resumes where it stopped after SIGKILL, with every record embedded exactly once', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-backfill-'));
    const projectName = uniqueName('resume');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/test/backfill-child.ts'], {
      env: {
        ...process.env,
        ENGRAM_DATA_DIR: dataDir,
        CHILD_PROJECT: projectName,
        DATABASE_URL: process.env.DATABASE_URL ?? '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let ids: [string, string] | undefined;
    let killedAt = -1;
    let total = -1;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the child never reported progress')), 60_000);
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const [kind, a, b, status] = line.split(' ');
          if (kind === 'index') ids = [a!, b!];
          if (
            kind === 'progress' &&
            killedAt < 0 &&
            status === 'indexing' &&
            Number(a) >= 64 &&
            Number(a) < Number(b)
          ) {
            killedAt = Number(a);
            total = Number(b);
            child.kill('SIGKILL');
          }
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    expect(killedAt, 'killed mid-backfill').toBeGreaterThanOrEqual(64);
    expect(killedAt).toBeLessThan(total);

    const env = readEnv({
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      ENGRAM_DATA_DIR: dataDir,
      ENGRAM_MASTER_KEY: 'child-master-key-0123456789abcdef',
      ENGRAM_LOG_LEVEL: 'silent',
    });
    engram = await startEngram({ env, quiet: true, embedder: createFakeEmbedder() });
    const [projectId, indexId] = ids!;
    const before = await engram.db.prisma.$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM embedding WHERE index_id = ${indexId}::uuid`;
    expect(before[0]!.n).toBeLessThan(total); // work was left
    await engram.backfill.idle();
    const ix = await engram.db.prisma.embeddingIndex.findUniqueOrThrow({
      where: { projectId_id: { projectId, id: indexId } },
    });
    expect(ix.status).toBe('ready');
    expect(Number(ix.indexed)).toBe(total);
    const after = await engram.db.prisma.$queryRaw<{ n: number; distinct_records: number }[]>`
      SELECT count(*)::int AS n, count(DISTINCT record_id)::int AS distinct_records FROM embedding WHERE index_id = ${indexId}::uuid`;
    expect(after[0]).toEqual({ n: total, distinct_records: total });
    if (!onPostgres) expect(fs.existsSync(path.join(dataDir, 'engram.lock'))).toBe(true); // ours now
  });
});
