import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_DATABASE_KIND, E2E_MASTER_KEY } from '../helpers/env';

/** Starts `npm start`'s server script and collects its output until it exits or `ms` pass. */
function startServer(
  env: Record<string, string>,
  ms: number,
): Promise<{ code: number | null; output: string; elapsed: number; stop: () => void }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['scripts/serve.mjs'], {
    env: { ...process.env, DATABASE_URL: '', ENGRAM_MASTER_KEY: E2E_MASTER_KEY, HOSTNAME: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ code: null, output, elapsed: Date.now() - started, stop: () => child.kill('SIGTERM') }),
      ms,
    );
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, elapsed: Date.now() - started, stop: () => {} });
    });
  });
}

test.describe('server lifecycle', () => {
  test.skip(E2E_DATABASE_KIND !== 'embedded', 'the data-folder lock exists only for the embedded database');
  // Each test boots its own servers (a cold start takes 2-15 s on two loaded cores).
  test.setTimeout(120_000);

  test('a second server on the same data folder fails within 5 s naming the lock; the first keeps serving', async ({
    request,
  }) => {
    const dataDir = process.env.E2E_DATA_DIR;
    expect(dataDir, 'playwright.config.ts sets E2E_DATA_DIR').toBeTruthy();
    const second = await startServer({ ENGRAM_DATA_DIR: dataDir!, PORT: '3199' }, 15_000);
    second.stop();
    expect(second.code).toBe(1);
    expect(second.elapsed).toBeLessThan(5_000);
    expect(second.output).toMatch(/in use by another Engram process \(pid \d+\)[^;]*; lock file .*engram\.lock/);
    const health = await request.get('/api/health');
    expect(health.status()).toBe(200);
    expect((await health.json()).status).toBe('ok');
  });

  test('SIGTERM closes the database and releases the lock; a restart finds the data', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-e2e-restart-'));
    const port = 3197;
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${E2E_MASTER_KEY}`, 'content-type': 'application/json' };
    const boot = async () => {
      const child = spawn(process.execPath, ['scripts/serve.mjs'], {
        env: {
          ...process.env,
          DATABASE_URL: '',
          ENGRAM_MASTER_KEY: E2E_MASTER_KEY,
          HOSTNAME: '127.0.0.1',
          PORT: String(port),
          ENGRAM_DATA_DIR: dataDir,
        },
        stdio: 'ignore',
      });
      await expect
        .poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 })
        .toBe(200);
      return child;
    };
    const stop = (child: ReturnType<typeof spawn>) =>
      new Promise<number | null>((resolve) => {
        child.on('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      });
    try {
      const first = await boot();
      const created = await fetch(`${base}/api/v1/records`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ label: 'KEEP', data: { n: 42 } }),
      });
      expect(created.status).toBe(201);
      const id = (await created.json()).data.__id;
      expect(await stop(first)).toBe(0);
      expect(fs.existsSync(path.join(dataDir, 'engram.lock'))).toBe(false);
      const second = await boot();
      const got = await fetch(`${base}/api/v1/records/${id}`, { headers: auth });
      expect((await got.json()).data.n).toBe(42);
      expect(await stop(second)).toBe(0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a failing migration stops the server at start, naming the migration', async () => {
    const migrations = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-e2e-mig-'));
    fs.cpSync('prisma/migrations', migrations, { recursive: true });
    fs.mkdirSync(path.join(migrations, '9999_broken'));
    fs.writeFileSync(
      path.join(migrations, '9999_broken', 'migration.sql'),
      'CREATE TABLE will_not_exist (id int);\nSELECT no_such_function();',
    );
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-e2e-data-'));
    try {
      const run = await startServer(
        { ENGRAM_DATA_DIR: dataDir, ENGRAM_MIGRATIONS_DIR: migrations, PORT: '3198' },
        90_000,
      );
      run.stop();
      expect(run.code).toBe(1);
      expect(run.output).toMatch(/Migration 9999_broken failed: .*no_such_function/);
      // The lock was released on the way out, so the folder is usable again.
      expect(fs.existsSync(path.join(dataDir, 'engram.lock'))).toBe(false);
    } finally {
      fs.rmSync(migrations, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
