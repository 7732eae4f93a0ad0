import { join, jsonb, sql, uuidList, type Sql } from './compose';
import { isoTime } from './timestamps';
import { compileFilter, compileOrder, type Cond, type OrderTerm } from './where';

/**
 * SQL for records. Bulk writes send one JSON array parameter per statement, not one row per call.
 * created_at and updated_at are the time of the writing statement (statement_timestamp(), not the
 * transaction's start), so a record created and later changed inside one open transaction shows both.
 */
export type RecordRow = { id: string; label: string; data: Record<string, unknown>; types: Record<string, string>; createdAt: string; updatedAt: string };
const COLUMNS = sql`r.id::text AS id, r.label, r.data, r.types, ${isoTime(sql`r.created_at`)} AS "createdAt", ${isoTime(sql`r.updated_at`)} AS "updatedAt"`;
export type NewRecord = { id: string; label: string; data: Record<string, unknown>; types: Record<string, string> };

export const insertRecords = (projectId: string, rows: NewRecord[]): Sql => sql`
  INSERT INTO record (project_id, id, label, data, types, created_at, updated_at)
  SELECT ${projectId}::uuid, (e ->> 'id')::uuid, e ->> 'label', e -> 'data', e -> 'types', statement_timestamp(), statement_timestamp()
  FROM jsonb_array_elements(${jsonb(rows)}) AS e`;

export const selectRecordsById = (projectId: string, ids: string[]): Sql => sql`
  SELECT ${COLUMNS} FROM record r
  WHERE r.project_id = ${projectId}::uuid AND r.id IN (${uuidList(ids)})`;

/** Row-locks the records so a merge (read, combine, write) cannot lose a concurrent update. */
export const selectRecordsForUpdate = (projectId: string, ids: string[]): Sql => sql`
  SELECT ${COLUMNS} FROM record r
  WHERE r.project_id = ${projectId}::uuid AND r.id IN (${uuidList(ids)}) FOR UPDATE`;

/** A row whose properties come out unchanged is left alone: updated_at (and version) move only on a change. */
export const updateRecordsData = (projectId: string, rows: { id: string; data: unknown; types: unknown }[]): Sql => sql`
  UPDATE record r SET data = e.value -> 'data', types = e.value -> 'types', updated_at = statement_timestamp(), version = r.version + 1
  FROM jsonb_array_elements(${jsonb(rows)}) AS e
  WHERE r.project_id = ${projectId}::uuid AND r.id = (e.value ->> 'id')::uuid
    AND (r.data IS DISTINCT FROM e.value -> 'data' OR r.types IS DISTINCT FROM e.value -> 'types')`;

/** Records of a label whose properties equal the given values (mergeBy), locked for the upsert. */
export const selectByMergeKeys = (projectId: string, label: string, keys: Record<string, unknown>): Sql => {
  const conds = Object.entries(keys).map(([k, v]) => sql`r.data -> ${k} = ${jsonb(v)}`);
  return sql`
    SELECT ${COLUMNS} FROM record r
    WHERE r.project_id = ${projectId}::uuid AND r.label = ${label} AND ${join(conds, ' AND ')}
    ORDER BY r.id LIMIT 2 FOR UPDATE`;
};

/** Serializes upserts of the same key within a project (two creators would otherwise both insert). */
export const lockMergeKey = (projectId: string, label: string, keys: Record<string, unknown>): Sql =>
  sql`SELECT pg_advisory_xact_lock(hashtextextended(${JSON.stringify([projectId, label, keys])}, 0))::text AS locked`;

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

export type SearchSpec = { projectId: string; labels?: string[]; where?: Cond; order: OrderTerm[]; skip: number; limit: number };

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
