import { join, jsonb, sql, uuidList, type Sql } from './compose';
import { isoTime } from './timestamps';
import { compileFilter, compileOrder, type Cond, type OrderTerm } from './where';

/**
 * SQL for records. Bulk writes send one JSON array parameter per statement, not one row per call.
 * created_at and updated_at are the time of the writing statement (statement_timestamp(), not the
 * transaction's start), so a record created and later changed inside one open transaction shows both.
 */
export type RecordRow = {
  id: string;
  label: string;
  data: Record<string, unknown>;
  types: Record<string, string>;
  createdAt: string;
  updatedAt: string;
};
const COLUMNS = sql`r.id::text AS id, r.label, r.data, r.types, ${isoTime(sql`r.created_at`)} AS "createdAt", ${isoTime(sql`r.updated_at`)} AS "updatedAt"`;
export type NewRecord = { id: string; label: string; data: Record<string, unknown>; types: Record<string, string> };

export const insertRecords = (projectId: string, rows: NewRecord[]): Sql => sql`
  INSERT INTO record (project_id, id, label, data, types, created_at, updated_at)
  SELECT ${projectId}::uuid, (e ->> 'id')::uuid, e ->> 'label', e -> 'data', e -> 'types', statement_timestamp(), statement_timestamp()
  FROM jsonb_array_elements(${jsonb(rows)}) AS e`;

/** A deleted record brought back (restore): its id and label again, its version numbers continuing. */
export const insertRestored = (projectId: string, row: NewRecord, version: number): Sql => sql`
  INSERT INTO record (project_id, id, label, data, types, created_at, updated_at, version)
  VALUES (${projectId}::uuid, ${row.id}::uuid, ${row.label}, ${jsonb(row.data)}, ${jsonb(row.types)},
          statement_timestamp(), statement_timestamp(), ${version})`;

export const selectRecordsById = (projectId: string, ids: string[]): Sql => sql`
  SELECT ${COLUMNS} FROM record r
  WHERE r.project_id = ${projectId}::uuid AND r.id IN (${uuidList(ids)})`;

/**
 * Row-locks the records so a merge (read, combine, write) cannot lose a concurrent update. NO KEY
 * UPDATE, the lock the UPDATE itself takes: FOR UPDATE would also block the foreign-key checks of edges
 * other transactions insert to these records (an approval waiting on it while the write waits on the
 * approval's rule lock is a deadlock).
 */
export const selectRecordsForUpdate = (projectId: string, ids: string[]): Sql => sql`
  SELECT ${COLUMNS} FROM record r
  WHERE r.project_id = ${projectId}::uuid AND r.id IN (${uuidList(ids)}) FOR NO KEY UPDATE`;

/** A row whose properties come out unchanged is left alone: updated_at (and version) move only on a change. */
export const updateRecordsData = (projectId: string, rows: { id: string; data: unknown; types: unknown }[]): Sql => sql`
  UPDATE record r SET data = e.value -> 'data', types = e.value -> 'types', updated_at = statement_timestamp(), version = r.version + 1
  FROM jsonb_array_elements(${jsonb(rows)}) AS e
  WHERE r.project_id = ${projectId}::uuid AND r.id = (e.value ->> 'id')::uuid
    AND (r.data IS DISTINCT FROM e.value -> 'data' OR r.types IS DISTINCT FROM e.value -> 'types')`;

/** A record a mergeBy lookup found: `i` is the index of the key values (in the list passed) it matched. */
export type MergeMatch = {
  i: number;
  id: string;
  label: string;
  data: Record<string, unknown>;
  types: Record<string, string>;
};

/**
 * Records of a label whose `names` properties equal those of one of `keys` (mergeBy), locked for the
 * upsert (NO KEY UPDATE, see selectRecordsForUpdate). The key values travel as one jsonb array,
 * whatever their number (a bind parameter per value would pass PostgreSQL's 65,535 in a large import).
 *
 * Each key is looked up by containment `data @> key` through record_data_idx (GIN, jsonb_path_ops), and
 * nothing else may serve it: right after an import the planner has no statistics for the new rows,
 * estimates the label at one row and, offered record_label_idx, reads the whole label once per key
 * (PGlite: 1,000 keys against 10,000 records took 9 s; 60 ms through the GIN index). Even with
 * statistics, a plain join never used the GIN index. So the lateral subquery (never flattened: it locks
 * rows) makes the keys the outer side, and the project and label are compared in a form no index
 * matches. Containment also matches an array holding the value, so equality is checked after it.
 */
export const selectMergeMatches = (
  projectId: string,
  label: string,
  names: string[],
  keys: Record<string, unknown>[],
): Sql => {
  const equal = names.map((n) => sql`(r.data -> ${n}) = (k.doc -> ${n})`);
  return sql`
    SELECT (k.ord - 1)::int AS i, m.id, m.label, m.data, m.types
    FROM jsonb_array_elements(${jsonb(keys)}) WITH ORDINALITY AS k(doc, ord)
    CROSS JOIN LATERAL (
      SELECT r.id::text AS id, r.label, r.data, r.types FROM record r
      WHERE r.data @> k.doc AND r.project_id::text = ${projectId}::text AND r.label || '' = ${label}::text AND ${join(equal, ' AND ')}
      FOR NO KEY UPDATE
    ) m`;
};

/**
 * Serializes upserts of the same key within a project (two creators would otherwise both insert).
 * A few keys (`keys` given): a shared lock per label and an exclusive lock per key, so upserts of other
 * keys run side by side. Many keys (`keys` null): one exclusive lock per label instead, since a lock per
 * key of a 50,000-record import overflows PostgreSQL's shared lock table (max_locks_per_transaction).
 * The two kinds meet on the label lock. Locks are taken in one order (label locks, then keys, by hash),
 * so concurrent writes never wait on each other in a cycle.
 */
export const lockMergeKeys = (
  projectId: string,
  labels: string[],
  keys: { label: string; values: Record<string, unknown> }[] | null,
): Sql => {
  const locks = [
    ...labels.map((l) => ({ rank: 0, shared: keys !== null, text: JSON.stringify(['mergeBy', projectId, l]) })),
    ...(keys ?? []).map((k) => ({ rank: 1, shared: false, text: JSON.stringify([projectId, k.label, k.values]) })),
  ];
  // Volatile functions in the select list run after the sort, so the locks are taken in ORDER BY order.
  return sql`
    SELECT CASE WHEN e.shared THEN pg_advisory_xact_lock_shared(e.k)::text ELSE pg_advisory_xact_lock(e.k)::text END AS locked
    FROM (SELECT (x ->> 'rank')::int AS rank, (x ->> 'shared')::boolean AS shared, hashtextextended(x ->> 'text', 0) AS k
          FROM jsonb_array_elements(${jsonb(locks)}) AS x) e
    ORDER BY e.rank, e.k`;
};

export const deleteRecordsById = (projectId: string, ids: string[]): Sql => sql`
  DELETE FROM record r WHERE r.project_id = ${projectId}::uuid AND r.id IN (${uuidList(ids)})`;

/** The record and every record below it through edges made from nested objects. */
export const selectNestedDescendants = (projectId: string, id: string): Sql => sql`
  WITH RECURSIVE tree(id) AS (
    SELECT ${id}::uuid
    UNION
    SELECT rel.target_id FROM relationship rel JOIN tree ON rel.source_id = tree.id
    WHERE rel.project_id = ${projectId}::uuid AND rel.origin = 'nested'
  )
  SELECT id::text AS id FROM tree`;

export type SearchSpec = {
  projectId: string;
  labels?: string[];
  where?: Cond;
  order: OrderTerm[];
  skip: number;
  limit: number;
};

export const searchRecords = (q: SearchSpec): Sql => sql`
  SELECT ${COLUMNS} FROM record r
  WHERE ${compileFilter(q.projectId, q.labels, q.where)}
  ORDER BY ${compileOrder(q.order)}
  LIMIT ${q.limit} OFFSET ${q.skip}`;

export const countRecords = (q: Pick<SearchSpec, 'projectId' | 'labels' | 'where'>): Sql => sql`
  SELECT count(*)::int AS n FROM record r WHERE ${compileFilter(q.projectId, q.labels, q.where)}`;

export const deleteRecordsWhere = (q: Pick<SearchSpec, 'projectId' | 'labels' | 'where'>): Sql => sql`
  DELETE FROM record r WHERE ${compileFilter(q.projectId, q.labels, q.where)}`;

export const countLabels = (q: Pick<SearchSpec, 'projectId' | 'labels' | 'where'>): Sql => sql`
  SELECT r.label, count(*)::int AS n FROM record r WHERE ${compileFilter(q.projectId, q.labels, q.where)}
  GROUP BY r.label ORDER BY r.label COLLATE "C"`;

/** Property names and types among the records a filter matches, with how many records have each. */
export const propertiesOf = (q: Pick<SearchSpec, 'projectId' | 'labels' | 'where'>): Sql => sql`
  SELECT t.key AS name, t.value #>> '{}' AS type, count(*)::int AS n
  FROM record r, jsonb_each(r.types) AS t
  WHERE ${compileFilter(q.projectId, q.labels, q.where)}
  GROUP BY 1, 2 ORDER BY t.key COLLATE "C", 3 DESC, 2`;
