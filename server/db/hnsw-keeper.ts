import { log } from '@/server/log';
import type { Driver } from './driver';
import type { Sql } from './sql/compose';
import * as embeddingSql from './sql/embeddings';

/**
 * Keeps one HNSW index per embedding index, built and dropped outside the requests that create and delete
 * embedding indexes. DDL on the shared `embedding` table inside a request's transaction would lock it for
 * everyone: CREATE INDEX holds off every writer of vectors, DROP INDEX every reader, until that transaction
 * ends, which for a cross-call transaction is its TTL. So requests write only `embedding_index` rows, and
 * after they commit this keeper makes the HNSW indexes match them:
 *
 * - on PostgreSQL with CREATE/DROP INDEX CONCURRENTLY, on a session of its own, under a session advisory
 *   lock so that one server among those sharing the database does it (a server that finds the lock taken
 *   looks again shortly); an invalid index (a concurrent build that failed or was cancelled) is dropped and
 *   built again, which is safe because only the lock holder builds;
 * - on the embedded database with plain DDL (one connection; it waits for an open transaction to end).
 *
 * Until its HNSW index exists an index is searched exactly (every candidate measured): same results,
 * slower on large sets. `kick` after an index is created or deleted (and after a transaction commits);
 * a pass also runs every `periodMs`, and at start.
 */
export type HnswKeeperOptions = { periodMs?: number; retryMs?: number };

/** pg_try_advisory_lock key: 'engram:hnsw' folded into a bigint. */
const LOCK_KEY = '7236561263829377';

export class HnswKeeper {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private periodic: NodeJS.Timeout | null = null;
  /** PostgreSQL backend of the session running DDL now, to cancel it at shutdown. */
  private buildingPid: number | null = null;
  /** Passes that ran to the end, and the HNSW indexes this keeper built and dropped (tests, logs). */
  passes = 0;
  built = 0;
  dropped = 0;

  constructor(
    private readonly driver: Driver,
    private readonly opts: HnswKeeperOptions = {},
  ) {}

  start(): void {
    this.kick();
    this.periodic = setInterval(() => this.kick(), this.opts.periodMs ?? 30_000);
    this.periodic.unref?.();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((e) =>
        log.warn('HNSW upkeep failed; it runs again shortly', { reason: e instanceof Error ? e.message : String(e) }),
      )
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no pass is running or queued (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops: a build in progress is cancelled (it leaves an invalid index, which the next pass rebuilds). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.periodic) clearInterval(this.periodic);
    this.timers.forEach(clearTimeout);
    this.timers.clear();
    if (this.buildingPid !== null)
      await this.driver.query('SELECT pg_cancel_backend($1)', [this.buildingPid]).catch(() => {});
    await this.running?.catch(() => {});
  }

  private later(ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.kick();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  private async pass(): Promise<void> {
    const pg = this.driver.kind === 'postgres';
    const outcome = await this.driver.session(async (query) => {
      const run = <T>(s: Sql) => query<T>(s.text, s.values as unknown[]);
      if (pg) {
        const [lock] = await query<{ ok: boolean; pid: number }>(
          'SELECT pg_try_advisory_lock($1::bigint) AS ok, pg_backend_pid() AS pid',
          [LOCK_KEY],
        );
        if (!lock?.ok) return 'busy' as const;
        this.buildingPid = lock.pid;
        // A large build outlasts the statement timeout requests run under.
        await query('SET statement_timeout = 0');
      }
      try {
        const wanted = await run<{ id: string; dimensions: number; similarity: embeddingSql.Similarity }>(
          embeddingSql.hnswWanted,
        );
        const present = new Map(
          (await run<{ name: string; valid: boolean }>(embeddingSql.hnswPresent)).map((r) => [r.name, r.valid]),
        );
        const names = new Set(wanted.map((w) => embeddingSql.hnswName(w.id)));
        let changed = 0;
        for (const [name, valid] of present) {
          if (this.stopped) return 'stopped' as const;
          if (names.has(name) && valid) continue;
          await run(embeddingSql.dropHnswNamed(name, pg));
          present.delete(name);
          changed++;
          this.dropped++;
        }
        for (const w of wanted) {
          if (this.stopped) return 'stopped' as const;
          if (present.has(embeddingSql.hnswName(w.id))) continue;
          try {
            await run(embeddingSql.createHnsw(w.id, w.dimensions, w.similarity, pg));
            changed++;
            this.built++;
          } catch (e) {
            // Deleted while it was being built: the next pass drops what is left of it.
            if (!(await run<{ one: number }>(embeddingSql.indexStillExists(w.id))).length) continue;
            throw e;
          }
        }
        if (changed > 0)
          log.info('HNSW indexes brought in line with the embedding indexes', { changed, indexes: wanted.length });
        return 'done' as const;
      } finally {
        if (pg) this.buildingPid = null;
      }
    });
    if (outcome === 'busy') this.later(this.opts.retryMs ?? 1_000);
    if (outcome === 'done') this.passes++;
  }
}
