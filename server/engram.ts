import { readEnv, type Env } from './env';
import { log } from './log';
import { HnswKeeper, openDatabase, StatsKeeper, TransactionManager, type Database } from './db';
import { ensureDefaultProject } from './domain/projects';
import { loadOrCreateMasterKey, sessionSecretFor, type MasterKey } from './domain/auth';
import {
  createEmbedder,
  createQueryCache,
  embedderConfigFromEnv,
  type Embedder,
  type QueryCache,
} from './domain/embeddings';
import { BackfillRunner } from './domain/indexes';
import { SuggestionAnalyzer } from './domain/suggestions';

/**
 * The composition root: one database, the master key and the settings, shared by every request of
 * this process. Next.js may load this module more than once (one copy per route bundle), so the
 * running instance lives on globalThis.
 */
export type Engram = {
  env: Env;
  db: Database;
  masterKey: MasterKey;
  sessionSecret: string;
  startedAt: Date;
  /** The embedder of managed indexes (the built-in model loads on first use). */
  embedder: Embedder;
  queryCache: QueryCache;
  backfill: BackfillRunner;
  /** Builds and drops the HNSW indexes of embedding indexes after the writes that create and delete them commit. */
  hnsw: HnswKeeper;
  /** Wakes the background work on indexes (HNSW upkeep, then the backfill) after one changed. */
  kickIndexes: () => void;
  transactions: TransactionManager;
  suggestions: SuggestionAnalyzer;
  close: () => Promise<void>;
};

export type StartOptions = {
  env?: Env;
  /** Tests: keep PGlite in memory instead of the data folder. */
  inMemory?: boolean;
  migrationsDir?: string;
  quiet?: boolean;
  /** Tests: a deterministic embedder instead of the configured one. */
  embedder?: Embedder;
};

export async function startEngram(opts: StartOptions = {}): Promise<Engram> {
  const env = opts.env ?? readEnv();
  const db = await openDatabase({
    url: env.DATABASE_URL,
    dataDir: opts.inMemory ? null : env.dataDir,
    poolMax: env.ENGRAM_PG_POOL_MAX,
    connectTimeoutMs: env.ENGRAM_PG_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: env.ENGRAM_STATEMENT_TIMEOUT_MS,
    migrationsDir: opts.migrationsDir,
  });
  try {
    await ensureDefaultProject({ db: db.prisma });
    const masterKey = loadOrCreateMasterKey(env.dataDir, env.ENGRAM_MASTER_KEY);
    if (masterKey.source === 'generated' && !opts.quiet) {
      process.stdout.write(
        `\n[engram] A master key was generated and saved to ${masterKey.file} (mode 0600).\n` +
          `[engram] It is printed only this once; log in to the console with it or send it as a Bearer token:\n\n` +
          `    ${masterKey.key}\n\n`,
      );
    }
    if (!opts.quiet) {
      log.info('database ready', {
        database: db.kind,
        ...(db.kind === 'embedded' ? { dataDir: env.dataDir } : {}),
        migrations: db.migrations.applied.length,
        appliedNow: db.migrations.ranNow,
      });
    }
    const embedder = opts.embedder ?? createEmbedder(embedderConfigFromEnv(env));
    const backfill = new BackfillRunner(db.prisma, () => embedder, { exclusive: db.kind === 'embedded' });
    backfill.kick(); // resume indexes a previous process left unfinished
    const hnsw = new HnswKeeper(db.driver);
    hnsw.start(); // and build (or drop) what a previous process left undone
    const kickIndexes = () => {
      hnsw.kick();
      backfill.kick();
    };
    const transactions = new TransactionManager(db.prisma, {
      defaultTtlMs: env.ENGRAM_TX_DEFAULT_TTL_MS,
      maxTtlMs: env.ENGRAM_TX_MAX_TTL_MS,
      // PostgreSQL: one pooled connection per open transaction, leaving at least two for everything else.
      maxOpen: db.kind === 'embedded' ? 1 : Math.min(env.ENGRAM_TX_MAX_OPEN, Math.max(1, env.ENGRAM_PG_POOL_MAX - 2)),
      waitMs: env.ENGRAM_TX_WAIT_MS,
      exclusive: db.kind === 'embedded',
      // Its writes are visible now: indexes it created start backfilling, and suggestions re-analyze.
      onCommit: (tx) => {
        kickIndexes();
        suggestions.touched(tx.projectId);
      },
    });
    // Embedded only: PostgreSQL's autovacuum keeps planner statistics itself.
    const stats = db.kind === 'embedded' ? new StatsKeeper(db.prisma, () => transactions.size > 0) : null;
    stats?.start();
    if (db.kind === 'embedded') {
      // One process owns the embedded folder: an analysis still marked running was cut off by a stop.
      await db.prisma.suggestionAnalysis.updateMany({
        where: { status: 'running' },
        data: { status: 'error', error: 'interrupted: the server stopped', finishedAt: new Date() },
      });
    }
    const suggestions = new SuggestionAnalyzer(db.prisma, {
      debounceMs: env.ENGRAM_SUGGEST_DEBOUNCE_MS,
      busy: db.kind === 'embedded' ? () => transactions.size > 0 : undefined,
    });
    return {
      env,
      db,
      masterKey,
      sessionSecret: sessionSecretFor(masterKey.key),
      startedAt: new Date(),
      embedder,
      queryCache: createQueryCache(),
      backfill,
      hnsw,
      kickIndexes,
      transactions,
      suggestions,
      close: async () => {
        stats?.stop();
        await suggestions.stop();
        await transactions.rollbackAll();
        await backfill.stop();
        await hnsw.stop();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}

const SLOT = Symbol.for('engram.instance');
type Slot = { instance?: Promise<Engram> };
const slot = (): Slot => {
  const g = globalThis as unknown as Record<symbol, Slot>;
  return (g[SLOT] ??= {});
};

/** The process-wide instance, started on first use. */
export function getEngram(): Promise<Engram> {
  const s = slot();
  s.instance ??= startEngram().catch((e: unknown) => {
    s.instance = undefined;
    throw e;
  });
  return s.instance;
}

/** Closes the database (and releases the data-folder lock). Safe to call more than once. */
export async function shutdownEngram(): Promise<void> {
  const s = slot();
  const running = s.instance;
  s.instance = undefined;
  if (!running) return;
  const engram = await running.catch(() => null);
  if (engram) await engram.close();
}
