import { empty, jsonb, join, raw, sql, type Sql } from './compose';

/**
 * SQL for embedding indexes. Each index has a partial HNSW expression index over its own rows; the
 * index's id and dimension are spliced into DDL and into the ORDER BY expression (so the planner can
 * match the index) only after they are checked to be a UUID we generated and a small integer.
 */
export type Similarity = 'cosine' | 'euclidean' | 'inner';
const OPS: Record<Similarity, Sql> = {
  cosine: raw('vector_cosine_ops'),
  euclidean: raw('vector_l2_ops'),
  inner: raw('vector_ip_ops'),
};
const DIST: Record<Similarity, Sql> = { cosine: raw('<=>'), euclidean: raw('<->'), inner: raw('<#>') };
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function checked(indexId: string, dims: number): { id: string; hex: string; dims: number } {
  if (!UUID_RE.test(indexId)) throw new Error(`not an index id: ${indexId}`);
  if (!Number.isInteger(dims) || dims < 1 || dims > 2000) throw new Error(`bad dimensions: ${dims}`);
  return { id: indexId, hex: indexId.replace(/-/g, ''), dims };
}

const HNSW_PREFIX = 'embedding_hnsw_';

/** The name of an index's HNSW index; a name of this form belongs to the index whose id it spells. */
export const hnswName = (indexId: string): string => `${HNSW_PREFIX}${checked(indexId, 1).hex}`;

/**
 * DDL for an index's HNSW index. `concurrently` (PostgreSQL) builds it without blocking writes to the
 * table, and cannot run inside a transaction block; the HNSW keeper runs it on a session of its own.
 */
export const createHnsw = (indexId: string, dims: number, similarity: Similarity, concurrently = false): Sql => {
  const c = checked(indexId, dims);
  return sql`CREATE INDEX ${raw(concurrently ? 'CONCURRENTLY ' : '')}IF NOT EXISTS ${raw(hnswName(c.id))} ON embedding USING hnsw ((vector::vector(${raw(String(c.dims))})) ${OPS[similarity]}) WHERE index_id = ${raw(`'${c.id}'`)}::uuid`;
};

/** Drops an HNSW index by its name, which must be one of ours (`embedding_hnsw_` and 32 hex digits). */
export const dropHnswNamed = (name: string, concurrently = false): Sql => {
  if (!/^embedding_hnsw_[0-9a-f]{32}$/.test(name)) throw new Error(`not an HNSW index of ours: ${name}`);
  return sql`DROP INDEX ${raw(concurrently ? 'CONCURRENTLY ' : '')}IF EXISTS ${raw(name)}`;
};

export const dropHnsw = (indexId: string, concurrently = false): Sql => dropHnswNamed(hnswName(indexId), concurrently);

/** The HNSW indexes on the embedding table, and whether each is valid (a failed concurrent build leaves one that is not). */
export const hnswPresent = sql`
  SELECT c.relname AS name, i.indisvalid AS valid
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  WHERE i.indrelid = 'embedding'::regclass AND c.relname LIKE ${`${HNSW_PREFIX.replace(/_/g, '\\_')}%`}`;

/** Every embedding index (all projects): what HNSW indexes should exist. */
export const hnswWanted = sql`SELECT id::text AS id, dimensions, similarity FROM embedding_index`;
export const indexStillExists = (indexId: string): Sql =>
  sql`SELECT 1 AS one FROM embedding_index WHERE id = ${indexId}::uuid`;

/** pgvector's text form of a vector: '[1,2,3]'. */
export const vectorLiteral = (v: number[]) => `[${v.join(',')}]`;

export type EmbeddingRow = { recordId: string; vector: number[]; textHash: string | null; text: string | null };

export const upsertEmbeddings = (projectId: string, indexId: string, rows: EmbeddingRow[]): Sql => sql`
  INSERT INTO embedding (project_id, index_id, record_id, vector, text_hash, lexical)
  SELECT ${projectId}::uuid, ${indexId}::uuid, (e ->> 'recordId')::uuid, (e ->> 'vector')::vector, e ->> 'textHash',
         CASE WHEN e ->> 'text' IS NULL THEN NULL ELSE to_tsvector('english', e ->> 'text') END
  FROM jsonb_array_elements(${jsonb(rows.map((r) => ({ ...r, vector: vectorLiteral(r.vector) })))}) AS e
  ON CONFLICT (project_id, index_id, record_id)
  DO UPDATE SET vector = EXCLUDED.vector, text_hash = EXCLUDED.text_hash, lexical = EXCLUDED.lexical`;

export const deleteEmbeddings = (projectId: string, indexId: string, recordIds: string[]): Sql => sql`
  DELETE FROM embedding WHERE project_id = ${projectId}::uuid AND index_id = ${indexId}::uuid AND record_id IN (${join(recordIds.map((id) => sql`${id}::uuid`))})`;

export const textHashes = (projectId: string, indexId: string, recordIds: string[]): Sql => sql`
  SELECT record_id::text AS "recordId", text_hash AS "textHash" FROM embedding
  WHERE project_id = ${projectId}::uuid AND index_id = ${indexId}::uuid AND record_id IN (${join(recordIds.map((id) => sql`${id}::uuid`))})`;

export type IndexRef = { id: string; dimensions: number; similarity: Similarity };

/** Higher is better: cosine similarity, negative euclidean distance, or the inner product. */
function scoreOf(ix: IndexRef, distance: Sql): Sql {
  if (ix.similarity === 'cosine') return sql`(1 - ${distance})`;
  if (ix.similarity === 'inner') return sql`(-1 * ${distance})`;
  return sql`(-1 * ${distance})`;
}

/**
 * Nearest records by vector. `candidates` (a sub-select of record ids) applies the exact filter.
 * ANN: the ORDER BY matches the partial HNSW index; with a filter, pgvector's iterative scan
 * (set by the caller) keeps scanning until `limit` filtered rows are found. Exact: the uncast column
 * defeats the index, so every candidate is measured.
 */
export function vectorSearch(
  projectId: string,
  ix: IndexRef,
  query: number[],
  candidates: Sql | null,
  limit: number,
  skip: number,
  exact: boolean,
): Sql {
  const c = checked(ix.id, ix.dimensions);
  const q = sql`${vectorLiteral(query)}::vector(${raw(String(c.dims))})`;
  const col = exact ? sql`e.vector` : sql`(e.vector::vector(${raw(String(c.dims))}))`;
  const distance = sql`(${col} ${DIST[ix.similarity]} ${q})`;
  const inIndex = sql`e.project_id = ${projectId}::uuid AND e.index_id = ${raw(`'${c.id}'`)}::uuid`;
  // Exact under a filter: from each candidate to its vector by primary key (see candidateEmbeddings).
  const from =
    exact && candidates
      ? candidateEmbeddings(inIndex, candidates)
      : sql`embedding e WHERE ${inIndex} ${candidates ? sql`AND ${inCandidates(candidates)}` : sql``}`;
  return sql`
    SELECT x.id, x.score FROM (
      SELECT e.record_id::text AS id, ${scoreOf(ix, distance)}::float8 AS score
      FROM ${from}
      ORDER BY ${distance}${exact ? sql`, e.record_id` : sql``}
      LIMIT ${limit + skip}
    ) x ORDER BY x.score DESC, x.id LIMIT ${limit} OFFSET ${skip}`;
}

/**
 * The embeddings of a bounded candidate set, reached from each candidate by primary key. Written as a
 * LATERAL that cannot be flattened (LIMIT 1; one row per record and index anyway), so the plan does not
 * hang on statistics: records written since the last ANALYZE are estimated at one row, and the planner
 * then re-read the candidates for every embedding of the project (3.6 s for 600 candidates among
 * 3,600 vectors, bench/search.ts and LoCoMo).
 */
/**
 * Membership in a large candidate set as a hashed sub-plan: the IN is wrapped so the planner cannot
 * turn it into a join, and PostgreSQL hashes the candidates once (within work_mem: the callers raise it
 * for the transaction, see searchSettings). As a join, a filter on records written since the last
 * ANALYZE was planned as a nested loop that re-read the candidates per row (3.3 s for an HNSW scan).
 */
const inCandidates = (candidates: Sql): Sql => sql`((e.record_id IN (${candidates})) IS TRUE)`;

const candidateEmbeddings = (inIndex: Sql, candidates: Sql): Sql => sql`
  (${candidates}) c CROSS JOIN LATERAL (SELECT e.record_id, e.vector, e.lexical FROM embedding e WHERE ${inIndex} AND e.record_id = c.id LIMIT 1) e WHERE TRUE`;

/**
 * Keyword leg: BM25 over the index's stored tsvectors (k1 = 1.2, b = 0.75). `small`: the filter leaves
 * few records, so all of them are read and N, the average length and document frequencies are exact.
 * Otherwise only documents holding a query term are read (the OR of the terms, through the GIN index on
 * lexical): document frequencies come from them, N is a count, and the average length is estimated
 * from AVGDL_SAMPLE documents.
 */
const AVGDL_SAMPLE = 2_000;
export function keywordSearch(
  projectId: string,
  indexId: string,
  text: string,
  candidates: Sql | null,
  limit: number,
  skip: number,
  small: boolean,
): Sql {
  const scope = sql`e.project_id = ${projectId}::uuid AND e.index_id = ${indexId}::uuid ${candidates ? sql`AND ${inCandidates(candidates)}` : sql``} AND e.lexical IS NOT NULL`;
  const lengthOf = (v: Sql) =>
    sql`(SELECT coalesce(sum(coalesce(array_length(u.positions, 1), 1)), 0) FROM unnest(${v}) u)`;
  const docsAndStats = small
    ? sql`
    docs AS (
      SELECT e.record_id, e.lexical, ${lengthOf(sql`e.lexical`)} AS len
      FROM ${candidateEmbeddings(sql`e.project_id = ${projectId}::uuid AND e.index_id = ${indexId}::uuid`, candidates ?? sql`SELECT NULL::uuid AS id WHERE FALSE`)} AND e.lexical IS NOT NULL
    ),
    stats AS (SELECT count(*)::float8 AS n, greatest(avg(len), 1)::float8 AS avgdl FROM docs)`
    : sql`
    q AS (SELECT string_agg(quote_literal(term), ' | ')::tsquery AS query FROM terms),
    docs AS (
      SELECT e.record_id, e.lexical, ${lengthOf(sql`e.lexical`)} AS len
      FROM embedding e WHERE ${scope} AND e.lexical @@ (SELECT query FROM q)
    ),
    stats AS (
      SELECT (SELECT count(*) FROM embedding e WHERE ${scope})::float8 AS n,
             greatest((SELECT avg(${lengthOf(sql`s.lexical`)}) FROM (SELECT e.lexical FROM embedding e WHERE ${scope} LIMIT ${AVGDL_SAMPLE}) s), 1)::float8 AS avgdl
    )`;
  return sql`
    WITH terms AS (SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', ${text}))) AS term),
    ${docsAndStats},
    tf AS (
      SELECT d.record_id, d.len, t.term, coalesce(array_length(u.positions, 1), 1)::float8 AS f
      FROM docs d CROSS JOIN LATERAL unnest(d.lexical) u JOIN terms t ON t.term = u.lexeme
    ),
    df AS (SELECT term, count(DISTINCT record_id)::float8 AS df FROM tf GROUP BY term)
    SELECT tf.record_id::text AS id,
           sum(ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5)) * tf.f * 2.2 / (tf.f + 1.2 * (0.25 + 0.75 * tf.len / s.avgdl)))::float8 AS score
    FROM tf JOIN df USING (term) CROSS JOIN stats s
    GROUP BY tf.record_id
    ORDER BY score DESC, id
    LIMIT ${limit} OFFSET ${skip}`;
}

/**
 * Settings of an ANN search, for its transaction. ef_search: the HNSW candidate list (pgvector's default
 * 40 gave recall@10 0.59-0.62 at 100k clustered 512-d vectors, 200 gave 0.89-0.90, 400 gave 0.94-0.96,
 * each step about 1-3 ms more; bench/search.ts).
 * Iterative scan: a filtered search keeps scanning until it has `limit` rows. Unfiltered, enable_sort is
 * off: the engine has already chosen ANN (exact: true takes the exact path), and the planner's cost model
 * otherwise picks a full scan and sort for tables of ~10k rows at wider ef_search (bench: 36-55 ms
 * instead of 2-5 ms). Filtered, the planner still weighs the filter against the index.
 */
export const annSettings = (efSearch: number, unfiltered: boolean): Record<string, string> => ({
  'hnsw.iterative_scan': 'relaxed_order',
  'hnsw.ef_search': String(Math.min(1000, Math.max(40, efSearch))),
  enable_sort: unfiltered ? 'off' : 'on',
  ...SEARCH_WORK_MEM,
});

/** Room to hash a large candidate set (about a million ids) for one search (see inCandidates). */
export const SEARCH_WORK_MEM = { work_mem: '64MB' } as const;

/**
 * Records of the index's label whose property holds text and that have no vector yet, in id order after
 * `after` (a pass walks the label once; records it had to leave are found again by the next pass).
 */
export const backfillBatch = (
  projectId: string,
  indexId: string,
  label: string,
  property: string,
  after: string | null,
  limit: number,
): Sql => sql`
  SELECT r.id::text AS id, r.data -> ${property} AS value FROM record r
  WHERE r.project_id = ${projectId}::uuid AND r.label = ${label} AND r.types ->> ${property} IN ('string', 'string[]')
    ${after === null ? empty : sql`AND r.id > ${after}::uuid`}
    AND NOT EXISTS (SELECT 1 FROM embedding e WHERE e.project_id = r.project_id AND e.index_id = ${indexId}::uuid AND e.record_id = r.id)
  ORDER BY r.id LIMIT ${limit}`;

export type BackfilledRow = { recordId: string; value: unknown; vector: number[]; textHash: string; text: string };

/**
 * Stores a backfill batch's vectors, but only where they are still right. A write embeds a record's new
 * text inside its own transaction, while a batch embeds text it read earlier, so:
 * - the record must still hold the value that was embedded (and still be there: a deleted one is skipped
 *   instead of failing the foreign key);
 * - a vector already stored (by a write) is never replaced: ON CONFLICT DO NOTHING;
 * - a record that an open transaction is writing is skipped (SKIP LOCKED), not waited for: the write
 *   stores its own vector, and waiting while holding this batch's rows could deadlock with it. The
 *   share lock makes a write that commits after this statement read the record wait for it, and one
 *   that committed just before is seen (the row is re-checked), so the value test is never stale;
 * - only while `owner` holds the index's lease: a worker that lost it writes nothing.
 * Returns (as its count) the rows stored.
 */
export const insertBackfilled = (
  projectId: string,
  indexId: string,
  label: string,
  property: string,
  owner: string,
  rows: BackfilledRow[],
): Sql => sql`
  INSERT INTO embedding (project_id, index_id, record_id, vector, text_hash, lexical)
  SELECT r.project_id, ix.id, r.id, (e ->> 'vector')::vector, e ->> 'textHash', to_tsvector('english', e ->> 'text')
  FROM jsonb_array_elements(${jsonb(rows.map((r) => ({ ...r, vector: vectorLiteral(r.vector) })))}) AS e
  JOIN record r ON r.project_id = ${projectId}::uuid AND r.id = (e ->> 'recordId')::uuid
  JOIN embedding_index ix ON ix.project_id = r.project_id AND ix.id = ${indexId}::uuid AND ix.lease_owner = ${owner}
  WHERE r.label = ${label} AND r.types ->> ${property} IN ('string', 'string[]') AND r.data -> ${property} = e -> 'value'
  FOR KEY SHARE OF ix FOR SHARE OF r SKIP LOCKED
  ON CONFLICT (project_id, index_id, record_id) DO NOTHING`;

export const backfillTotals = (projectId: string, indexId: string, label: string, property: string): Sql => sql`
  SELECT (SELECT count(*) FROM record r WHERE r.project_id = ${projectId}::uuid AND r.label = ${label} AND r.types ->> ${property} IN ('string', 'string[]'))::int AS total,
         (SELECT count(*) FROM embedding e WHERE e.project_id = ${projectId}::uuid AND e.index_id = ${indexId}::uuid)::int AS indexed`;

/**
 * Backfill leases. Expiry is computed on the database's clock, so the servers' clocks need not agree.
 * A worker claims an unfinished managed index that is free, already its own, or whose lease has expired
 * (its holder died); concurrent claims serialize on the row and exactly one wins.
 */
const leaseUntil = (leaseMs: number): Sql => sql`now() + ${Math.round(leaseMs)}::int * interval '1 millisecond'`;

export const claimBackfill = (projectId: string, indexId: string, owner: string, leaseMs: number): Sql => sql`
  UPDATE embedding_index SET lease_owner = ${owner}, lease_expires_at = ${leaseUntil(leaseMs)}
  WHERE project_id = ${projectId}::uuid AND id = ${indexId}::uuid AND source = 'managed' AND status IN ('pending', 'indexing')
    AND (lease_owner IS NULL OR lease_owner = ${owner} OR lease_expires_at < now())
  RETURNING label, property, model, dimensions`;

export type BackfillState = {
  total: number;
  indexed: number;
  status?: 'indexing' | 'ready' | 'error';
  error?: string | null;
};

/**
 * Writes a backfill's progress and renews its lease (`leaseMs`) or releases it (null), only while
 * `owner` still holds it; returns a row when it did.
 */
export const updateBackfill = (
  projectId: string,
  indexId: string,
  owner: string,
  leaseMs: number | null,
  s: BackfillState,
): Sql => sql`
  UPDATE embedding_index SET total = ${s.total}, indexed = ${s.indexed}, updated_at = now(),
    ${leaseMs === null ? sql`lease_owner = NULL, lease_expires_at = NULL` : sql`lease_expires_at = ${leaseUntil(leaseMs)}`}
    ${s.status === undefined ? empty : sql`, status = ${s.status}`}
    ${s.error === undefined ? empty : sql`, error = ${s.error}`}
  WHERE project_id = ${projectId}::uuid AND id = ${indexId}::uuid AND lease_owner = ${owner}
  RETURNING id::text AS id`;

/** The ids of the records a search filter admits: the candidate set every leg of a filtered search uses. */
export const searchCandidates = (filter: Sql): Sql => sql`SELECT r.id FROM record r WHERE ${filter}`;

/** How many candidates there are, counting no further than `atMost` (enough to pick exact vs ANN). */
export const countCandidates = (candidates: Sql, atMost: number): Sql =>
  sql`SELECT count(*)::int AS n FROM (${candidates} LIMIT ${atMost}) c`;
