import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataDirLockedError, ExtensionVersionError, MigrationError } from '../../server/db';
import { startEngram } from '../../server/engram';
import { readEnv } from '../../server/env';
import { makeHandlers } from '../../server/http/handlers';
import { makeError } from './errors';
import type { EmbeddedOptions } from './client';

/**
 * The engine in-process, for Engram.embedded: the server's own composition root and REST handler, called
 * with in-memory Requests instead of over a socket, so every call runs the exact path a server runs
 * (validation, errors, transactions, the data-folder lock).
 */
export type EmbeddedEngine = {
  masterKey: string;
  fetch: (req: Request) => Promise<Response>;
  close: () => Promise<void>;
};

/** The migrations beside the built SDK (dist/migrations), or the repository's when run from source. */
function migrationsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'migrations'), path.join(here, '..', '..', 'prisma', 'migrations')];
  const found = candidates.find((dir) => fs.existsSync(dir));
  if (!found) throw new Error(`Engram's migrations are missing (looked in ${candidates.join(', ')})`);
  return found;
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedEngine> {
  if (!options.dataDir === !options.databaseUrl)
    throw makeError('INVALID', 'Engram.embedded needs exactly one of dataDir or databaseUrl', {
      status: 0,
      path: ['dataDir'],
      expected: 'a folder, or databaseUrl: postgresql://…',
    });
  // Only ENGRAM_* settings come from the process environment: an application's own DATABASE_URL must not
  // redirect an embedded client that was given a folder.
  const source: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('ENGRAM_')) source[k] = v;
  Object.assign(source, options.env);
  if (options.dataDir) source.ENGRAM_DATA_DIR = options.dataDir;
  if (options.databaseUrl) {
    source.DATABASE_URL = options.databaseUrl;
    // No folder to keep a generated key in: the key only ever authenticates this process's own calls.
    source.ENGRAM_MASTER_KEY ??= randomBytes(32).toString('base64url');
  }
  let engram: Awaited<ReturnType<typeof startEngram>>;
  try {
    engram = await startEngram({ env: readEnv(source), quiet: true, migrationsDir: migrationsDir() });
  } catch (e) {
    if (e instanceof DataDirLockedError || e instanceof MigrationError || e instanceof ExtensionVersionError)
      throw makeError('UNAVAILABLE', e.message, { status: 0, cause: e, details: { reason: e.name } });
    throw e;
  }
  const handlers = makeHandlers(() => Promise.resolve(engram));
  let closed = false;
  return {
    masterKey: engram.masterKey.key,
    fetch: (req) => {
      if (closed)
        return Promise.resolve(
          Response.json({ error: { code: 'UNAVAILABLE', message: 'This embedded Engram is closed' } }, { status: 503 }),
        );
      return handlers.rest(req);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await engram.close();
    },
  };
}
