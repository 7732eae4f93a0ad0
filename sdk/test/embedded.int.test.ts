import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engram, UnavailableError } from '../src';
import { postgresTxScenarios, scenarios, txScenarios, type SdkContext } from './scenarios';

/**
 * The SDK in-process: Engram.embedded on a data folder (PGlite), or on PostgreSQL when the integration
 * tier sets DATABASE_URL. The same scenarios as over HTTP against the production server (e2e/api/sdk*).
 */
const databaseUrl = process.env.DATABASE_URL || undefined;
const backend = databaseUrl ? 'postgres' : 'embedded';
const ENV = { ENGRAM_EMBEDDINGS_PROVIDER: 'fake', ENGRAM_SUGGEST_DEBOUNCE_MS: '0' };

let dataDir: string | undefined;
let root: Engram;

beforeAll(async () => {
  dataDir = databaseUrl ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'engram-sdk-'));
  root = await Engram.embedded(databaseUrl ? { databaseUrl, env: ENV } : { dataDir, env: ENV });
});

afterAll(async () => {
  await root?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

let n = 0;
async function context(): Promise<SdkContext> {
  const project = `sdk-${process.pid}-${Date.now().toString(36)}-${n++}`;
  await root.projects.create({ name: project });
  return { db: root.withProject(project), project, backend, mode: 'in-process', expect, semantic: false };
}

describe(`SDK in-process (${backend})`, () => {
  for (const [name, run] of Object.entries(scenarios)) it(name, async () => run(await context()));
  for (const [name, run] of Object.entries(txScenarios)) it(name, async () => run(await context()));
  for (const [name, run] of Object.entries(postgresTxScenarios))
    it.skipIf(backend !== 'postgres')(name, async () => run(await context()));

  it.skipIf(backend !== 'embedded')(
    'a second owner of the data folder is refused with the lock’s message',
    async () => {
      const second = await Engram.embedded({ dataDir: dataDir!, env: ENV }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(UnavailableError);
      expect((second as Error).message).toContain('engram.lock');
      expect((second as Error).message).toMatch(/already open/);
      // The first client still works.
      expect((await root.projects.current()).project.name).toBe('default');
    },
  );

  it('a closed client answers UNAVAILABLE, and the folder can be opened again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-sdk-close-'));
    try {
      const db = await Engram.embedded({ dataDir: dir, env: ENV });
      await db.records.create({ label: 'KEPT', data: { v: 1 } });
      await db.close();
      await expect(db.records.find()).rejects.toBeInstanceOf(UnavailableError);
      const again = await Engram.embedded({ dataDir: dir, env: ENV });
      try {
        expect(await again.labels.find()).toEqual({ KEPT: 1 });
      } finally {
        await again.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('needs exactly one of dataDir and databaseUrl', async () => {
    await expect(Engram.embedded({})).rejects.toMatchObject({ code: 'INVALID', path: ['dataDir'] });
  });
});
