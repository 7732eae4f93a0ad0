import { sql as S, type Db, type EmbeddingRow } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { ProjectDeps } from '../deps';
import { textHash, type Embedder } from '../embeddings';

const { embeddingSql } = S;

/** The text a property value is embedded as: a string, or the strings of an array joined by lines. */
export function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value.join('\n');
  return null;
}

export type PendingEmbeddings = { indexId: string; rows: EmbeddingRow[]; clear: string[] }[];
export type RecordText = { id: string; label: string; data: Record<string, unknown> };

/**
 * Computes, before any transaction opens, the vectors a write needs: every managed index on the
 * written labels and properties, skipping text that is unchanged since it was last embedded. An
 * unavailable embedder fails the write here, so nothing is written half-indexed.
 *
 * mode: `create` (new records), `merge` (PATCH: only the properties given), `replace` (PUT: a property
 * no longer present loses its vector).
 */
export async function prepareEmbeddings(
  deps: ProjectDeps & { embedder?: Embedder },
  records: RecordText[],
  mode: 'create' | 'merge' | 'replace',
): Promise<PendingEmbeddings> {
  if (records.length === 0) return [];
  const labels = [...new Set(records.map((r) => r.label))];
  const indexes = await deps.db.embeddingIndex.findMany({
    where: { projectId: deps.projectId, source: 'managed', label: { in: labels } },
  });
  if (indexes.length === 0) return [];
  const embedder = deps.embedder;
  if (!embedder) throw new DomainError('UNAVAILABLE', 'No embedder is configured for this server');
  const out: PendingEmbeddings = [];
  for (const ix of indexes) {
    if (ix.model !== embedder.model || ix.dimensions !== embedder.dimensions) {
      throw new DomainError(
        'CONFLICT',
        `The index on ${ix.label}.${ix.property} was built with ${ix.model} (${ix.dimensions}-d), but this server embeds with ${embedder.model} (${embedder.dimensions}-d); recreate the index or configure the same model`,
        { index: ix.id },
      );
    }
    const mine = records.filter((r) => r.label === ix.label);
    const want: { id: string; text: string; hash: string }[] = [];
    const clear: string[] = [];
    for (const r of mine) {
      const present = ix.property in r.data;
      if (!present && mode === 'merge') continue;
      const text = present ? textOf(r.data[ix.property]) : null;
      if (text === null) {
        if (mode !== 'create') clear.push(r.id);
        continue;
      }
      want.push({ id: r.id, text, hash: textHash(text) });
    }
    let todo = want;
    if (mode !== 'create' && want.length > 0) {
      const existing = await deps.db.$queryRaw<{ recordId: string; textHash: string | null }[]>(
        embeddingSql.textHashes(
          deps.projectId,
          ix.id,
          want.map((w) => w.id),
        ),
      );
      const hashes = new Map(existing.map((e) => [e.recordId, e.textHash]));
      todo = want.filter((w) => hashes.get(w.id) !== w.hash);
    }
    const vectors = todo.length > 0 ? await embedder.embed(todo.map((t) => t.text)) : [];
    out.push({
      indexId: ix.id,
      rows: todo.map((t, i) => ({ recordId: t.id, vector: vectors[i]!, textHash: t.hash, text: t.text })),
      clear,
    });
  }
  return out;
}

/** Writes prepared vectors inside the write's transaction; `idOf` maps planned ids to final ones (upserts). */
export async function applyEmbeddings(
  tx: Db,
  projectId: string,
  pending: PendingEmbeddings,
  idOf: (id: string) => string = (id) => id,
): Promise<void> {
  for (const p of pending) {
    // Documents merged into one record (upserts) leave one vector: the last one written.
    const rows = [...new Map(p.rows.map((r) => [idOf(r.recordId), { ...r, recordId: idOf(r.recordId) }])).values()];
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await tx.$executeRaw(embeddingSql.upsertEmbeddings(projectId, p.indexId, chunk));
    }
    if (p.clear.length > 0)
      await tx.$executeRaw(embeddingSql.deleteEmbeddings(projectId, p.indexId, p.clear.map(idOf)));
  }
}

/**
 * For a unit of several writes run in one transaction (a batch): embeds beforehand, in one call, every
 * text its documents hold under a property some managed index of the project embeds (at any depth:
 * nested objects become records of their own), and returns an embedder that answers those texts from
 * memory. The writes inside the transaction then make no provider calls, except for a text this missed,
 * which the real embedder still embeds.
 */
export async function embedAhead(deps: ProjectDeps, documents: unknown[]): Promise<Embedder | undefined> {
  const embedder = deps.embedder;
  if (!embedder || documents.length === 0) return embedder;
  const indexes = await deps.db.embeddingIndex.findMany({
    where: { projectId: deps.projectId, source: 'managed' },
    select: { property: true },
  });
  if (indexes.length === 0) return embedder;
  const properties = new Set(indexes.map((ix) => ix.property));
  const texts = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const text = properties.has(k) ? textOf(v) : null;
        if (text !== null) texts.add(text);
        else walk(v);
      }
    }
  };
  documents.forEach(walk);
  if (texts.size === 0) return embedder;
  const list = [...texts];
  const vectors = await embedder.embed(list);
  const known = new Map(list.map((t, i) => [t, vectors[i]!]));
  return {
    ...embedder,
    embed: async (batch, opts) => {
      const missing = batch.filter((t) => !known.has(t));
      if (missing.length > 0) (await embedder.embed(missing, opts)).forEach((v, i) => known.set(missing[i]!, v));
      return batch.map((t) => [...known.get(t)!]);
    },
  };
}
