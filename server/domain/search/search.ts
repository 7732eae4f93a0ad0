import { sql as S, withSettings, type Db, type RecordRow, type Similarity } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { ProjectDeps } from '../deps';
import { embedQuery, type Embedder } from '../embeddings';
import { checkVector } from '../indexes';
import { latestOnly, whereFor } from '../query';
import { toRecord, type TRecord } from '../records';
import { DEFAULT_FUSION_WEIGHTS, SEARCH_LIMITS, type TSearchInput } from './search.schema';

const { embeddingSql, recordSql } = S;

export type SearchDeps = ProjectDeps & { embedder?: Embedder };
export type Hit = TRecord & { __score: number; __scores?: { semantic?: number; keyword?: number } };
type Scored = { id: string; score: number };

/** Reciprocal rank fusion constant: the usual 60 keeps one leg's top ranks from drowning the other's. */
const RRF_K = 60;
/** HNSW candidate list of an ANN search (at least 2 × the rows wanted); see annSettings. */
const ANN_EF_SEARCH = 400;

type IndexRow = { id: string; label: string; source: string; model: string; dimensions: number; similarity: string };

/**
 * Search by meaning inside an exact filter. The filter is the full query language and is applied in SQL
 * to every leg, so a record outside it is never returned. Vector leg: exact distances when the filter
 * leaves few candidates (or `exact`), otherwise the index's HNSW with pgvector's iterative scan, which
 * keeps scanning until it has `limit` filtered rows. Keyword leg: BM25 over the same text. Hybrid fuses
 * the two by reciprocal rank.
 */
export async function searchByMeaning(deps: SearchDeps, q: TSearchInput): Promise<{ items: Hit[]; total: number }> {
  const mode = q.mode ?? 'hybrid';
  const limit = q.limit ?? SEARCH_LIMITS.defaultLimit;
  const skip = q.skip ?? 0;
  if (!q.query && !q.queryVector)
    throw new DomainError('INVALID', 'Give a query text or a queryVector', {
      path: ['query'],
      expected: 'query or queryVector',
    });
  if (mode !== 'semantic' && !q.query)
    throw new DomainError('INVALID', `${mode} search needs the query text`, { path: ['query'], expected: 'text' });

  const indexes = await deps.db.embeddingIndex.findMany({
    where: { projectId: deps.projectId, label: { in: q.labels }, property: q.propertyName },
  });
  const missing = q.labels.find((l) => !indexes.some((ix) => ix.label === l));
  if (missing)
    throw new DomainError('NOT_FOUND', `No embedding index on ${missing}.${q.propertyName}`, {
      path: ['labels'],
      got: missing,
    });
  const first = indexes[0]!;
  if (
    indexes.some(
      (ix) => ix.model !== first.model || ix.dimensions !== first.dimensions || ix.similarity !== first.similarity,
    )
  ) {
    throw new DomainError('INVALID', 'These labels are indexed with different models; search them one at a time', {
      path: ['labels'],
    });
  }

  const where = latestOnly(whereFor(deps, q.where), q.latestOnly);
  const candidates = where ? S.embeddingSql.searchCandidates(S.compileFilter(deps.projectId, q.labels, where)) : null;
  const want = mode === 'hybrid' ? Math.max(SEARCH_LIMITS.candidatesPerLeg, (limit + skip) * 2) : limit + skip;

  // A filter leaving few records: the vector leg measures them all, the keyword leg reads them all.
  const below = deps.exactSearchBelow ?? SEARCH_LIMITS.exactBelow;
  const count = candidates
    ? await countCandidates(deps.db, candidates, Math.max(below, SEARCH_LIMITS.exactBelow))
    : Infinity;
  const few = below > 0 && count <= below;
  let vectorHits: Scored[] = [];
  if (mode !== 'keyword') {
    const vector = await queryVectorOf(deps, first, q.query, q.queryVector);
    vectorHits = await vectorLeg(deps.db, deps.projectId, indexes, vector, candidates, want, q.exact === true || few);
  }
  let keywordHits: Scored[] = [];
  if (mode !== 'semantic') {
    const smallScope = count <= SEARCH_LIMITS.exactBelow;
    for (const ix of indexes) {
      const query = embeddingSql.keywordSearch(deps.projectId, ix.id, q.query!, candidates, want, 0, smallScope);
      const hits =
        candidates && !smallScope
          ? await withSettings(deps.db, embeddingSql.SEARCH_WORK_MEM, (tx) => tx.$queryRaw<Scored[]>(query))
          : await deps.db.$queryRaw<Scored[]>(query);
      keywordHits.push(...hits);
    }
    keywordHits = keywordHits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, want);
  }

  let ranked: { id: string; score: number; semantic?: number; keyword?: number }[];
  if (mode === 'semantic') ranked = vectorHits.map((h) => ({ id: h.id, score: h.score, semantic: h.score }));
  else if (mode === 'keyword') ranked = keywordHits.map((h) => ({ id: h.id, score: h.score, keyword: h.score }));
  else ranked = fuse(vectorHits, keywordHits, { ...DEFAULT_FUSION_WEIGHTS, ...q.weights });
  if (q.minScore !== undefined) ranked = ranked.filter((r) => r.score >= q.minScore!);
  const total = ranked.length;
  const page = ranked.slice(skip, skip + limit);
  if (page.length === 0) return { items: [], total };

  const rows = await deps.db.$queryRaw<RecordRow[]>(
    recordSql.selectRecordsById(
      deps.projectId,
      page.map((p) => p.id),
    ),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const items = page
    .filter((p) => byId.has(p.id))
    .map((p) => {
      const hit: Hit = { ...toRecord(byId.get(p.id)!), __score: p.score };
      if (mode === 'hybrid') hit.__scores = { semantic: p.semantic, keyword: p.keyword };
      return hit;
    });
  return { items, total };
}

async function queryVectorOf(
  deps: SearchDeps,
  ix: IndexRow,
  text: string | undefined,
  vector: number[] | undefined,
): Promise<number[]> {
  if (vector) {
    checkVector(vector, ix.dimensions, ['queryVector']);
    return vector;
  }
  if (ix.source === 'external')
    throw new DomainError('INVALID', 'An external index is searched with a queryVector', {
      path: ['queryVector'],
      expected: `${ix.dimensions} numbers`,
    });
  const embedder = deps.embedder;
  if (!embedder) throw new DomainError('UNAVAILABLE', 'No embedder is configured for this server');
  if (embedder.model !== ix.model || embedder.dimensions !== ix.dimensions) {
    throw new DomainError(
      'CONFLICT',
      `The index was built with ${ix.model}; this server embeds with ${embedder.model}`,
      { index: ix.id },
    );
  }
  return embedQuery(embedder, text!, { cache: deps.queryCache });
}

async function countCandidates(db: Db, candidates: S.Sql, below: number): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>(S.embeddingSql.countCandidates(candidates, below + 1));
  return row?.n ?? 0;
}

async function vectorLeg(
  db: Db,
  projectId: string,
  indexes: IndexRow[],
  vector: number[],
  candidates: S.Sql | null,
  want: number,
  exact: boolean,
): Promise<Scored[]> {
  const hits: Scored[] = [];
  for (const ix of indexes) {
    const ref = { id: ix.id, dimensions: ix.dimensions, similarity: ix.similarity as Similarity };
    const query = embeddingSql.vectorSearch(projectId, ref, vector, candidates, want, 0, exact);
    if (exact) hits.push(...(await db.$queryRaw<Scored[]>(query)));
    else {
      // ANN settings are per transaction: a wider candidate list than pgvector's default (recall), the
      // iterative scan for filters, and no exact sort plan behind the engine's back (see annSettings).
      hits.push(
        ...(await withSettings(db, embeddingSql.annSettings(Math.max(ANN_EF_SEARCH, want * 2), !candidates), (tx) =>
          tx.$queryRaw<Scored[]>(query),
        )),
      );
    }
  }
  return hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, want);
}

/** Weighted reciprocal rank fusion: each leg adds weight / (k + rank). */
function fuse(vector: Scored[], keyword: Scored[], weights: { semantic: number; keyword: number }) {
  const out = new Map<string, { id: string; score: number; semantic?: number; keyword?: number }>();
  vector.forEach((h, i) => out.set(h.id, { id: h.id, score: weights.semantic / (RRF_K + i + 1), semantic: h.score }));
  keyword.forEach((h, i) => {
    const cur = out.get(h.id) ?? { id: h.id, score: 0 };
    cur.score += weights.keyword / (RRF_K + i + 1);
    cur.keyword = h.score;
    out.set(h.id, cur);
  });
  return [...out.values()].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
