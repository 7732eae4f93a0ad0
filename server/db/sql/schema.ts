import { join, jsonb, sql, type Sql } from './compose';
import { escapeLike } from './where';

/**
 * SQL for the live schema. Counts come from the counters that statement triggers keep (0002_records):
 * writers append to schema_delta / schema_rel_delta, readers sum stat + delta in ONE statement (one
 * snapshot, so a concurrent compaction is seen entirely or not at all), and compaction folds deltas
 * into the stat tables. Labels and property names are values here, like everywhere else.
 */

const labelFilter = (column: Sql, labels: string[] | undefined): Sql =>
  labels && labels.length > 0 ? sql` AND ${column} IN (${join(labels)})` : sql``;

/** Delta rows of the project, counted up to `cap` so the check stays cheap however many there are. */
export const countDeltaRows = (projectId: string, cap: number): Sql => sql`
  SELECT (SELECT count(*) FROM (SELECT 1 FROM schema_delta WHERE project_id = ${projectId}::uuid LIMIT ${cap}) d)::int
       + (SELECT count(*) FROM (SELECT 1 FROM schema_rel_delta WHERE project_id = ${projectId}::uuid LIMIT ${cap}) d)::int AS n`;

/** One compaction per project at a time; the loser skips (its reads stay exact without compacting). */
export const tryLockCompaction = (projectId: string): Sql =>
  sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${`engram:schema-compact:${projectId}`}, 0)) AS locked`;

// ORDER BY gives concurrent upserts one lock order; GROUP BY makes each key appear once per statement.
export const compactStats = (projectId: string): Sql => sql`
  WITH d AS (
    DELETE FROM schema_delta WHERE project_id = ${projectId}::uuid RETURNING project_id, label, prop, type, n
  )
  INSERT INTO schema_stat (project_id, label, prop, type, n)
  SELECT project_id, label, prop, type, sum(n) FROM d
  GROUP BY project_id, label, prop, type ORDER BY label, prop, type
  ON CONFLICT (project_id, label, prop, type) DO UPDATE SET n = schema_stat.n + EXCLUDED.n`;

export const compactRelStats = (projectId: string): Sql => sql`
  WITH d AS (
    DELETE FROM schema_rel_delta WHERE project_id = ${projectId}::uuid RETURNING project_id, source_label, type, target_label, n
  )
  INSERT INTO schema_rel_stat (project_id, source_label, type, target_label, n)
  SELECT project_id, source_label, type, target_label, sum(n) FROM d
  GROUP BY project_id, source_label, type, target_label ORDER BY source_label, type, target_label
  ON CONFLICT (project_id, source_label, type, target_label) DO UPDATE SET n = schema_rel_stat.n + EXCLUDED.n`;

export const deleteZeroStats = (projectId: string): Sql =>
  sql`DELETE FROM schema_stat WHERE project_id = ${projectId}::uuid AND n = 0`;
export const deleteZeroRelStats = (projectId: string): Sql =>
  sql`DELETE FROM schema_rel_stat WHERE project_id = ${projectId}::uuid AND n = 0`;

export type CountRow = { label: string; prop: string; type: string; n: number };

/** Record counts (prop = '') and per property/type counts of the labels, stat + delta; zeros left out. */
export const selectCounts = (projectId: string, labels?: string[]): Sql => sql`
  SELECT label, prop, type, sum(n)::float8 AS n FROM (
    SELECT label, prop, type, n FROM schema_stat WHERE project_id = ${projectId}::uuid${labelFilter(sql`label`, labels)}
    UNION ALL
    SELECT label, prop, type, n FROM schema_delta WHERE project_id = ${projectId}::uuid${labelFilter(sql`label`, labels)}
  ) c
  GROUP BY label, prop, type HAVING sum(n) <> 0`;

export type RelCountRow = { source_label: string; type: string; target_label: string; n: number };

/** Relationship counts by (source label, type, target label) touching the labels (either end). */
export const selectRelCounts = (projectId: string, labels?: string[]): Sql => {
  const touches =
    labels && labels.length > 0
      ? sql` AND (source_label IN (${join(labels)}) OR target_label IN (${join(labels)}))`
      : sql``;
  return sql`
    SELECT source_label, type, target_label, sum(n)::float8 AS n FROM (
      SELECT source_label, type, target_label, n FROM schema_rel_stat WHERE project_id = ${projectId}::uuid${touches}
      UNION ALL
      SELECT source_label, type, target_label, n FROM schema_rel_delta WHERE project_id = ${projectId}::uuid${touches}
    ) c
    GROUP BY source_label, type, target_label HAVING sum(n) <> 0`;
};

/**
 * Settings for the sample query's transaction. JIT: the planner cannot see that most properties are
 * scalars (a set-returning function is costed at 1000 rows a call), so PostgreSQL's estimate crosses the
 * JIT thresholds and compiling took ~300 ms of a ~40 ms query. Bitmap scans: with stale statistics
 * (PGlite has no autovacuum; PostgreSQL right after a bulk import) a label looks tiny and the planner
 * reads ALL its rows through a bitmap and sorts them, instead of walking (project_id, label, id) backwards
 * and stopping after `perLabel` rows.
 */
export const SAMPLE_SETTINGS = { jit: 'off', enable_bitmapscan: 'off' } as const;

export type SampleRow = {
  label: string;
  prop: string | null;
  type: string | null;
  sampled: number;
  min_number: number | null;
  max_number: number | null;
  datetimes: string[] | null;
  strings: string[] | null;
};

/**
 * Ranges and samples from the most recent `perLabel` records of each label (ids are UUIDv7, so id
 * DESC is newest first; the (project_id, label, id) index serves each LATERAL). At most
 * `perArray` elements of an array are looked at; lax `$[0 to n]` also yields a scalar as itself.
 * Numbers: min/max in SQL. Datetimes: the distinct strings, compared by the caller, because a
 * `::timestamptz` cast can fail on strings the type inference accepts (year 0000, offset +99:00)
 * and one such value must not break the schema. Strings: the most frequent, cut to `maxChars`.
 * One row per label with prop NULL carries the sample size.
 */
export const selectSamples = (
  projectId: string,
  labels: string[],
  opts: { perLabel: number; perArray: number; samples: number; maxChars: number },
): Sql => sql`
  WITH s AS (
    SELECT l.label, x.data, x.types
    FROM jsonb_array_elements_text(${jsonb(labels)}) AS l(label)
    CROSS JOIN LATERAL (
      SELECT r.data, r.types FROM record r
      WHERE r.project_id = ${projectId}::uuid AND r.label = l.label
      ORDER BY r.id DESC LIMIT ${opts.perLabel}
    ) x
  ),
  e AS (
    SELECT s.label, t.key AS prop, t.value #>> '{}' AS type, el.v
    FROM s
    CROSS JOIN LATERAL jsonb_each(s.types) t
    CROSS JOIN LATERAL jsonb_path_query(s.data -> t.key, ${`$[0 to ${opts.perArray - 1}]`}::jsonpath) el(v)
    WHERE t.value #>> '{}' IN ('number', 'number[]', 'datetime', 'datetime[]', 'string', 'string[]')
  ),
  g AS (SELECT label, prop, type, v, count(*) AS c FROM e GROUP BY label, prop, type, v)
  SELECT label, NULL AS prop, NULL AS type, count(*)::int AS sampled,
         NULL::jsonb AS min_number, NULL::jsonb AS max_number, NULL::jsonb AS datetimes, NULL::jsonb AS strings
  FROM s GROUP BY label
  UNION ALL
  SELECT label, prop, type, 0,
         to_jsonb(min((v #>> '{}')::numeric) FILTER (WHERE type IN ('number', 'number[]'))),
         to_jsonb(max((v #>> '{}')::numeric) FILTER (WHERE type IN ('number', 'number[]'))),
         jsonb_agg(v) FILTER (WHERE type IN ('datetime', 'datetime[]')),
         to_jsonb((array_agg(left(v #>> '{}', ${opts.maxChars}) ORDER BY c DESC, v #>> '{}' COLLATE "C")
                   FILTER (WHERE type IN ('string', 'string[]')))[1:${opts.samples}])
  FROM g GROUP BY label, prop, type`;

/** `%`, `_` and the escape character itself match literally in the LIKE pattern. */

export type ValuesSpec = {
  projectId: string;
  label?: string;
  property: string;
  query?: string;
  skip: number;
  limit: number;
};
export type ValuesRow = { total: number; items: { value: unknown; type: string; count: number }[] };

/**
 * Distinct values of one property with their counts (each element of an array counted), most frequent
 * first, then by type and value (numbers numerically, the rest in byte order). Empty arrays and vectors
 * have no values to list. Page and total come from one statement.
 */
export const selectPropertyValues = (q: ValuesSpec): Sql => {
  const p = q.property;
  const label = q.label !== undefined ? sql` AND r.label = ${q.label}` : sql``;
  const match =
    q.query !== undefined && q.query !== ''
      ? sql`WHERE jsonb_typeof(v) = 'string' AND (v #>> '{}') ILIKE ${`%${escapeLike(q.query)}%`}`
      : sql``;
  const order = sql`n DESC, type COLLATE "C", CASE WHEN jsonb_typeof(value) = 'number' THEN (value #>> '{}')::numeric END, value #>> '{}' COLLATE "C"`;
  return sql`
    WITH e AS (
      SELECT el.v, CASE WHEN r.types ->> ${p} LIKE '%[]' THEN left(r.types ->> ${p}, -2) ELSE r.types ->> ${p} END AS type
      FROM record r
      CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN r.types ->> ${p} LIKE '%[]' THEN r.data -> ${p} ELSE jsonb_build_array(r.data -> ${p}) END
      ) el(v)
      WHERE r.project_id = ${q.projectId}::uuid${label}
        AND r.types ->> ${p} IS NOT NULL AND r.types ->> ${p} NOT IN ('vector', 'array')
    ),
    g AS (SELECT v AS value, type, count(*) AS n FROM e ${match} GROUP BY v, type),
    page AS (SELECT value, type, n FROM g ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.skip})
    SELECT (SELECT count(*) FROM g)::int AS total,
           COALESCE((SELECT jsonb_agg(jsonb_build_object('value', value, 'type', type, 'count', n) ORDER BY ${order}) FROM page), '[]'::jsonb) AS items`;
};
