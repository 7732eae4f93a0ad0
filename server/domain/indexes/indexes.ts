import { uuidv7 } from 'uuidv7';
import { isUniqueViolation, sql as S, withTransaction, type Similarity } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { ProjectDeps } from '../deps';
import type { Embedder } from '../embeddings';
import type { TCreateIndexInput, TIndex, TVectorsInput } from './indexes.schema';

const { embeddingSql } = S;

/** `backfill.kick` wakes the background work on indexes (embedding backfill, HNSW upkeep) after a change. */
export type IndexDeps = ProjectDeps & { embedder: Embedder; backfill?: { kick: () => void } };

type Row = {
  id: string;
  label: string;
  property: string;
  source: string;
  provider: string;
  model: string;
  dimensions: number;
  similarity: string;
  status: string;
  error: string | null;
  indexed: bigint;
  total: bigint;
  createdAt: Date;
  updatedAt: Date;
};

export const toIndex = (r: Row): TIndex => ({
  id: r.id,
  label: r.label,
  propertyName: r.property,
  source: r.source as TIndex['source'],
  provider: r.provider,
  model: r.model,
  dimensions: r.dimensions,
  similarity: r.similarity as Similarity,
  status: r.status as TIndex['status'],
  error: r.error,
  progress: { indexed: Number(r.indexed), total: Number(r.total) },
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export async function createIndex(deps: IndexDeps, q: TCreateIndexInput): Promise<TIndex> {
  const external = q.external === true;
  if (external && !q.dimensions)
    throw new DomainError('INVALID', 'An external index needs its dimensions', {
      path: ['dimensions'],
      expected: 'an integer 1..2000',
    });
  if (!external && q.dimensions && q.dimensions !== deps.embedder.dimensions) {
    throw new DomainError(
      'INVALID',
      `The embedder ${deps.embedder.model} makes ${deps.embedder.dimensions}-dimensional vectors, not ${q.dimensions}`,
      {
        path: ['dimensions'],
        expected: String(deps.embedder.dimensions),
        got: q.dimensions,
      },
    );
  }
  const id = uuidv7();
  const dimensions = external ? q.dimensions! : deps.embedder.dimensions;
  const similarity = q.similarity ?? 'cosine';
  try {
    // Only the row: its HNSW index is built by the keeper once this commits, never inside the request's
    // transaction (DDL there would lock the embedding table for every project until it ends).
    const row = await deps.db.embeddingIndex.create({
      data: {
        projectId: deps.projectId,
        id,
        label: q.label,
        property: q.propertyName,
        source: external ? 'external' : 'managed',
        provider: external ? 'external' : deps.embedder.provider,
        model: external ? 'external' : deps.embedder.model,
        dimensions,
        similarity,
        status: external ? 'ready' : 'pending',
      },
    });
    deps.backfill?.kick();
    return toIndex(row);
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new DomainError('CONFLICT', `${q.label}.${q.propertyName} already has an embedding index`, {
        path: ['propertyName'],
        got: q.propertyName,
      });
    }
    throw e;
  }
}

export async function listIndexes(deps: ProjectDeps): Promise<{ items: TIndex[]; total: number }> {
  const rows = await deps.db.embeddingIndex.findMany({
    where: { projectId: deps.projectId },
    orderBy: { createdAt: 'asc' },
  });
  return { items: rows.map(toIndex), total: rows.length };
}

export async function findIndex(deps: ProjectDeps, id: string): Promise<TIndex | null> {
  const row = await deps.db.embeddingIndex.findUnique({ where: { projectId_id: { projectId: deps.projectId, id } } });
  return row ? toIndex(row) : null;
}

export async function getIndex(deps: ProjectDeps, id: string): Promise<TIndex> {
  const ix = await findIndex(deps, id);
  if (!ix) throw new DomainError('NOT_FOUND', `Embedding index ${id} not found`, { path: ['id'], got: id });
  return ix;
}

/**
 * Deletes the index and its vectors (cascade); the keeper drops its HNSW index once this commits. Of two
 * concurrent deletes one wins, the other answers 404.
 */
export async function deleteIndex(deps: IndexDeps, id: string): Promise<TIndex> {
  const ix = await getIndex(deps, id);
  const { count } = await deps.db.embeddingIndex.deleteMany({ where: { projectId: deps.projectId, id } });
  if (count === 0) throw new DomainError('NOT_FOUND', `Embedding index ${id} not found`, { path: ['id'], got: id });
  deps.backfill?.kick();
  return ix;
}

/** Puts a failed managed index back in the queue; it resumes where it stopped. */
export async function retryIndex(deps: IndexDeps, id: string): Promise<TIndex> {
  const ix = await getIndex(deps, id);
  if (ix.source !== 'managed')
    throw new DomainError('INVALID', 'Only managed indexes are built by Engram', { path: ['id'], got: ix.source });
  if (ix.status === 'error') {
    const { count } = await deps.db.embeddingIndex.updateMany({
      where: { projectId: deps.projectId, id, status: 'error' },
      data: { status: 'pending', error: null, updatedAt: new Date() },
    });
    if (count > 0) deps.backfill?.kick();
  }
  return getIndex(deps, id);
}

/** Vectors the caller brings, for an external index: checked for length and finiteness, all or nothing. */
export async function upsertVectors(deps: ProjectDeps, q: TVectorsInput): Promise<{ upserted: number }> {
  const ix = await getIndex(deps, q.id);
  if (ix.source !== 'external')
    throw new DomainError('INVALID', 'Vectors can be written only to external indexes', {
      path: ['id'],
      expected: 'an external index',
      got: ix.source,
    });
  q.items.forEach((item, i) => checkVector(item.vector, ix.dimensions, ['items', i, 'vector']));
  const ids = [...new Set(q.items.map((i) => i.recordId.toLowerCase()))];
  return withTransaction(deps.db, async (tx) => {
    const found = await tx.record.findMany({
      where: { projectId: deps.projectId, id: { in: ids } },
      select: { id: true, label: true },
    });
    const labels = new Map(found.map((r) => [r.id, r.label]));
    q.items.forEach((item, i) => {
      const label = labels.get(item.recordId.toLowerCase());
      if (!label)
        throw new DomainError('NOT_FOUND', `Record ${item.recordId} not found`, {
          path: ['items', i, 'recordId'],
          got: item.recordId,
        });
      if (label !== ix.label)
        throw new DomainError('INVALID', `Record ${item.recordId} is a ${label}, not a ${ix.label}`, {
          path: ['items', i, 'recordId'],
          expected: ix.label,
          got: label,
        });
    });
    await tx.$executeRaw(
      embeddingSql.upsertEmbeddings(
        deps.projectId,
        ix.id,
        q.items.map((i) => ({ recordId: i.recordId.toLowerCase(), vector: i.vector, textHash: null, text: null })),
      ),
    );
    return { upserted: q.items.length };
  });
}

export function checkVector(v: number[], dims: number, path: (string | number)[]): void {
  if (v.length !== dims)
    throw new DomainError('INVALID', `The vector has ${v.length} dimensions; the index has ${dims}`, {
      path,
      expected: `${dims} numbers`,
      got: v.length,
    });
  const bad = v.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0)
    throw new DomainError('INVALID', 'Vectors hold finite numbers only (no NaN or Infinity)', {
      path: [...path, bad],
      expected: 'a finite number',
      got: String(v[bad]),
    });
}
