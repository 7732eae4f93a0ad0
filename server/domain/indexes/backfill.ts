import { sql as S, type Db } from '@/server/db';
import { log } from '@/server/log';
import type { Embedder } from '../embeddings';
import { textHash } from '../embeddings';
import { textOf } from './write-path';

const { embeddingSql } = S;
export const BACKFILL_BATCH = 64;

/**
 * Embeds the existing records of a managed index, batch by batch; each batch commits with its progress,
 * so a killed process resumes where it stopped (records without a vector are the work left). A failure
 * is recorded on the index with its reason; retry puts it back in the queue.
 */
export async function backfillIndex(db: Db, embedder: Embedder, projectId: string, indexId: string, shouldStop: () => boolean = () => false): Promise<void> {
  const where = { projectId_id: { projectId, id: indexId } };
  const ix = await db.embeddingIndex.findUnique({ where });
  if (!ix || ix.source !== 'managed' || (ix.status !== 'pending' && ix.status !== 'indexing')) return;
  // Counted at the start and the end (and on failure); in between each batch adds what it embedded, so
  // progress does not recount the whole label after every batch.
  let counts = { total: 0, indexed: 0 };
  const progress = async (status?: string, error?: string | null, recount = false) => {
    if (recount) [counts] = (await db.$queryRaw<{ total: number; indexed: number }[]>(embeddingSql.backfillTotals(projectId, indexId, ix.label, ix.property))) as [typeof counts];
    await db.embeddingIndex.updateMany({
      where: { projectId, id: indexId },
      data: { total: counts.total, indexed: Math.min(counts.indexed, counts.total), updatedAt: new Date(), ...(status ? { status } : {}), ...(error !== undefined ? { error } : {}) },
    });
  };
  try {
    if (ix.model !== embedder.model || ix.dimensions !== embedder.dimensions) {
      throw new Error(`the index was built with ${ix.model} (${ix.dimensions}-d) but the server embeds with ${embedder.model} (${embedder.dimensions}-d)`);
    }
    await progress('indexing', null, true);
    for (;;) {
      if (shouldStop()) return;
      const batch = await db.$queryRaw<{ id: string; value: unknown }[]>(embeddingSql.backfillBatch(projectId, indexId, ix.label, ix.property, BACKFILL_BATCH));
      const texts = batch.map((b) => ({ id: b.id, text: textOf(b.value) })).filter((b): b is { id: string; text: string } => b.text !== null);
      if (texts.length === 0) break;
      const vectors = await embedder.embed(texts.map((t) => t.text));
      // Still there? The index may have been deleted while the batch was embedding.
      if (!(await db.embeddingIndex.findUnique({ where, select: { id: true } }))) return;
      await db.$executeRaw(embeddingSql.upsertEmbeddings(projectId, indexId, texts.map((t, i) => ({ recordId: t.id, vector: vectors[i]!, textHash: textHash(t.text), text: t.text }))));
      counts.indexed += texts.length;
      await progress();
    }
    await progress('ready', null, true);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    log.warn('embedding backfill failed', { projectId, indexId, reason });
    await progress('error', reason, true).catch(() => {});
  }
}

/**
 * One background worker per process: picks up every pending or unfinished managed index (across
 * projects), one at a time. `kick` wakes it after an index is created or retried; `stop` lets the
 * current batch finish and ends the loop (shutdown).
 */
export class BackfillRunner {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly embedder: () => Embedder,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
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

  /** Resolves when the queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => {});
  }

  private async loop(): Promise<void> {
    for (;;) {
      // Only indexes of this process's model: a process configured with another model leaves them to
      // the processes that can build them (several servers may share one PostgreSQL).
      const embedder = this.embedder();
      const todo = await this.db.embeddingIndex.findMany({
        where: { source: 'managed', status: { in: ['pending', 'indexing'] }, model: embedder.model, dimensions: embedder.dimensions },
        orderBy: { createdAt: 'asc' },
        select: { projectId: true, id: true },
      });
      if (todo.length === 0 || this.stopped) return;
      for (const t of todo) {
        if (this.stopped) return;
        await backfillIndex(this.db, this.embedder(), t.projectId, t.id, () => this.stopped);
      }
    }
  }
}
