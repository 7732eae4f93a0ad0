import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from '@/server/env';
import { startEngram } from '@/server/engram';
import { createFakeEmbedder } from '@/server/domain/embeddings';
import { createRecord, searchRecords } from '@/server/domain/records';
import { backendName, uniqueName } from '@/server/test/harness';

/** Runs the crash child until it says its writes are in, kills it with SIGKILL, and returns its project. */
async function crash(mode: 'tx' | 'batch', dataDir: string): Promise<{ projectId: string; finished: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/test/crash-child.ts'], {
    env: {
      ...process.env,
      ENGRAM_DATA_DIR: dataDir,
      CHILD_PROJECT: uniqueName('crash'),
      CHILD_MODE: mode,
      DATABASE_URL: process.env.DATABASE_URL ?? '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let projectId = '';
  let finished = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the child never wrote')), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (line.startsWith('project ')) projectId = line.slice(8).trim();
        if (line === 'finished') finished = true;
        if (line === 'written') child.kill('SIGKILL');
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { projectId, finished };
}

describe(`a crash leaves nothing half-written (${backendName})`, () => {
  for (const mode of ['tx', 'batch'] as const) {
    it(`SIGKILL during ${mode === 'tx' ? 'an open transaction' : 'a batch'}: after a restart none of its writes exist, and the server serves`, async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `engram-crash-${mode}-`));
      const { projectId, finished } = await crash(mode, dataDir);
      expect(projectId).not.toBe('');
      const env = readEnv({
        DATABASE_URL: process.env.DATABASE_URL ?? '',
        ENGRAM_DATA_DIR: dataDir,
        ENGRAM_MASTER_KEY: 'crash-master-key-0123456789abcdef',
        ENGRAM_LOG_LEVEL: 'silent',
      });
      const engram = await startEngram({ env, quiet: true, embedder: createFakeEmbedder() });
      try {
        const deps = { db: engram.db.prisma, projectId };
        const found = await searchRecords(deps, { labels: ['HALF'], limit: 1 });
        expect(found.total).toBe(finished ? 1000 : 0);
        if (!finished) expect(found.total).toBe(0);
        const rec = await createRecord(deps, { label: 'AFTER', data: { ok: true } });
        expect((await searchRecords(deps, { labels: ['AFTER'] })).items.map((r) => r.__id)).toEqual([rec.__id]);
      } finally {
        await engram.close();
      }
    });
  }
});

describe(`shutdown (${backendName})`, () => {
  it('closing the server rolls back open transactions', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-shutdown-'));
    const env = readEnv({
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      ENGRAM_DATA_DIR: dataDir,
      ENGRAM_MASTER_KEY: 'crash-master-key-0123456789abcdef',
      ENGRAM_LOG_LEVEL: 'silent',
    });
    const first = await startEngram({ env, quiet: true, embedder: createFakeEmbedder() });
    const { createProject } = await import('@/server/domain/projects');
    const project = await createProject({ db: first.db.prisma }, { name: uniqueName('shut') });
    const owner = { projectId: project.id, principal: 'master' };
    const tx = await first.transactions.begin(owner, 60_000);
    await first.transactions.run(tx.id, owner, (db) =>
      createRecord({ db, projectId: project.id }, { label: 'OPEN', data: { n: 1 } }),
    );
    await first.close();
    const second = await startEngram({ env, quiet: true, embedder: createFakeEmbedder() });
    try {
      expect((await searchRecords({ db: second.db.prisma, projectId: project.id }, { labels: ['OPEN'] })).total).toBe(
        0,
      );
    } finally {
      await second.close();
    }
  });
});
