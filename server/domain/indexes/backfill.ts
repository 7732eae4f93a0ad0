import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { sql as S, type Db } from '@/server/db';
import { log } from '@/server/log';
import type { Embedder } from '../embeddings';
import { textHash } from '../embeddings';
import { textOf } from './write-path';

const { embeddingSql } = S;
export const BACKFILL_BATCH = 64;
/**
 * How long a claim on an index lasts without renewal. It is renewed after every batch and, while a batch
 * embeds, every third of it: a batch of 64 takes the built-in model a few seconds, but a remote provider
 * may retry a timed-out call for minutes, and the lease must not lapse while its holder is alive.
 */
export const BACKFILL_LEASE_MS = 60_000;
/** How often a worker looks again at indexes other workers hold, to see them finish or take them over. */
const POLL_MS = 1_000;
/** Pause before another pass when the last one stored nothing (its records were all held by writes). */
const RETRY_PASS_MS = 500;

export type Lease = { owner: string; ms: number };
type Outcome = 'done' | 'held' | 'stopped';

/**
 * Embeds the existing records of a managed index, batch by batch, under a lease (a claim with an expiry)
 * so that one worker among the processes sharing a database builds it. Each batch commits with its
 * progress, so a killed process resumes where it stopped (records without a vector are the work left),
 * once its lease expires. A failure is recorded on the index with its reason; retry puts it back in the
 * queue. `held`: another live worker holds the index (or took it over while this one worked).
 */
export async function backfillIndex(
  db: Db,
  embedder: Embedder,
  projectId: string,
  indexId: string,
  lease: Lease,
  shouldStop: () => boolean = () => false,
): Promise<Outcome> {
  const [ix] = await db.$queryRaw<{ label: string; property: string; model: string; dimensions: number }[]>(
    embeddingSql.claimBackfill(projectId, indexId, lease.owner, lease.ms),
  );
  if (!ix) return 'held';
  // Counted at the start and the end (and on failure); in between each batch adds what it stored, so
  // progress does not recount the whole label after every batch.
  let counts = { total: 0, indexed: 0 };
  const recount = async () => {
    [counts] = (await db.$queryRaw<{ total: number; indexed: number }[]>(
      embeddingSql.backfillTotals(projectId, indexId, ix.label, ix.property),
    )) as [typeof counts];
  };
  const update = async (
    leaseMs: number | null,
    state: { status?: 'indexing' | 'ready' | 'error'; error?: string | null } = {},
  ) =>
    (
      await db.$queryRaw<{ id: string }[]>(
        embeddingSql.updateBackfill(projectId, indexId, lease.owner, leaseMs, {
          total: counts.total,
          indexed: Math.min(counts.indexed, counts.total),
          ...state,
        }),
      )
    ).length > 0;
  try {
    if (ix.model !== embedder.model || ix.dimensions !== embedder.dimensions) {
      throw new Error(
        `the index was built with ${ix.model} (${ix.dimensions}-d) but the server embeds with ${embedder.model} (${embedder.dimensions}-d)`,
      );
    }
    await recount();
    if (!(await update(lease.ms, { status: 'indexing', error: null }))) return 'held';
    let after: string | null = null;
    let pass = { stored: 0, missed: 0 };
    for (;;) {
      if (shouldStop()) {
        await update(null);
        return 'stopped';
      }
      const batch: { id: string; value: unknown }[] = await db.$queryRaw(
        embeddingSql.backfillBatch(projectId, indexId, ix.label, ix.property, after, BACKFILL_BATCH),
      );
      if (batch.length === 0) {
        // Records a pass embedded but could not store were changed, deleted or held by an open write; the
        // ones still without a vector are found again by a pass from the start.
        if (pass.missed === 0) break;
        if (pass.stored === 0) await new Promise((r) => setTimeout(r, RETRY_PASS_MS));
        after = null;
        pass = { stored: 0, missed: 0 };
        continue;
      }
      after = batch[batch.length - 1]!.id;
      const texts = batch.flatMap((b) => {
        const text = textOf(b.value);
        return text === null ? [] : [{ recordId: b.id, value: b.value, text }];
      });
      if (texts.length === 0) continue;
      const embedded = await whileRenewing(embedder.embed(texts.map((t) => t.text)), lease.ms / 3, () =>
        update(lease.ms),
      );
      if (!embedded.held) return 'held';
      const rows = texts.map((t, i) => ({ ...t, vector: embedded.value[i]!, textHash: textHash(t.text) }));
      const stored = await db.$executeRaw(
        embeddingSql.insertBackfilled(projectId, indexId, ix.label, ix.property, lease.owner, rows),
      );
      pass.stored += stored;
      pass.missed += texts.length - stored;
      counts.indexed += stored;
      // The index may have been deleted, or taken over, while the batch was embedding.
      if (!(await update(lease.ms))) return 'held';
    }
    await recount();
    await update(null, { status: 'ready', error: null });
    return 'done';
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    log.warn('embedding backfill failed', { projectId, indexId, reason });
    await recount().catch(() => {});
    await update(null, { status: 'error', error: reason }).catch(() => {});
    return 'done';
  }
}

/** Awaits `work`, renewing the lease every `everyMs` meanwhile; `held` is false once a renewal found it lost. */
async function whileRenewing<T>(
  work: Promise<T>,
  everyMs: number,
  renew: () => Promise<boolean>,
): Promise<{ value: T; held: boolean }> {
  let held = true;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      // A failed renewal (the database briefly unreachable) is not a lost lease; the next one may pass.
      if (held) held = await renew().catch(() => true);
    });
  }, everyMs);
  try {
    const value = await work;
    return { value, held };
  } finally {
    clearInterval(timer);
    await renewing;
  }
}

export type BackfillOptions = {
  /** Names this worker in leases; unique per runner by default (host, pid and a random part). */
  workerId?: string;
  leaseMs?: number;
  pollMs?: number;
  /**
   * This process alone uses the database (the embedded folder, whose lock it holds): leases found at
   * start were left by a process that is gone, and are freed at once instead of waiting them out.
   */
  exclusive?: boolean;
};

/**
 * One background worker per process: picks up every pending or unfinished managed index (across
 * projects) of its model, one at a time, skipping those another live worker holds and looking again
 * every `pollMs` while any are left. `kick` wakes it after an index is created or retried; `stop` lets
 * the current batch finish, frees the lease and ends the loop (shutdown).
 */
export class BackfillRunner {
  readonly workerId: string;
  private readonly lease: Lease;
  private readonly pollMs: number;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private staleLeases: boolean;
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly embedder: () => Embedder,
    opts: BackfillOptions = {},
  ) {
    this.workerId = opts.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID()}`;
    this.lease = { owner: this.workerId, ms: opts.leaseMs ?? BACKFILL_LEASE_MS };
    this.pollMs = opts.pollMs ?? POLL_MS;
    this.staleLeases = opts.exclusive ?? false;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      this.wake?.();
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves when no index of this worker's model is left unfinished, by it or by others (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running?.catch(() => {});
  }

  private async loop(): Promise<void> {
    if (this.staleLeases) {
      this.staleLeases = false;
      await this.db.embeddingIndex.updateMany({
        where: { leaseOwner: { not: null } },
        data: { leaseOwner: null, leaseExpiresAt: null },
      });
    }
    for (;;) {
      // Only indexes of this process's model: a process configured with another model leaves them to
      // the processes that can build them (several servers may share one PostgreSQL).
      const embedder = this.embedder();
      const todo = await this.db.embeddingIndex.findMany({
        where: {
          source: 'managed',
          status: { in: ['pending', 'indexing'] },
          model: embedder.model,
          dimensions: embedder.dimensions,
        },
        orderBy: { createdAt: 'asc' },
        select: { projectId: true, id: true },
      });
      if (todo.length === 0 || this.stopped) return;
      let held = false;
      for (const t of todo) {
        if (this.stopped) return;
        const outcome = await backfillIndex(this.db, embedder, t.projectId, t.id, this.lease, () => this.stopped);
        held ||= outcome === 'held';
      }
      if (held) await this.pause();
    }
  }

  /** Waits `pollMs`, or less when kicked or stopped. */
  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      timer.unref?.();
      this.wake = done;
    });
  }
}
