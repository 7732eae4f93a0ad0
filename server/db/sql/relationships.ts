import { and, FALSE, join, jsonb, sql, TRUE, uuidList, type Sql } from './compose';
import { compileFilter, type Cond } from './where';

export type NewEdge = {
  sourceId: string;
  targetId: string;
  type: string;
  sourceLabel: string;
  targetLabel: string;
  properties?: Record<string, unknown>;
  origin: string;
};

/** Inserts edges; one edge per (source, type, target): re-attaching replaces its properties. */
export const upsertEdges = (projectId: string, edges: NewEdge[]): Sql => sql`
  INSERT INTO relationship (project_id, source_id, type, target_id, source_label, target_label, properties, origin)
  SELECT ${projectId}::uuid, (e ->> 'sourceId')::uuid, e ->> 'type', (e ->> 'targetId')::uuid,
         e ->> 'sourceLabel', e ->> 'targetLabel', COALESCE(e -> 'properties', '{}'::jsonb), e ->> 'origin'
  FROM jsonb_array_elements(${jsonb(edges)}) AS e
  ON CONFLICT (project_id, source_id, type, target_id) DO UPDATE SET properties = EXCLUDED.properties`;

export const selectLabels = (projectId: string, ids: string[]): Sql => sql`
  SELECT r.id::text AS id, r.label FROM record r WHERE r.project_id = ${projectId}::uuid AND r.id IN (${uuidList(ids)})`;

export const deleteEdges = (
  projectId: string,
  pairs: { sourceId: string; targetId: string }[],
  types: string[] | undefined,
): Sql => {
  const parts: Sql[] = [
    sql`rel.project_id = ${projectId}::uuid`,
    sql`(rel.source_id, rel.target_id) IN (SELECT (e ->> 'sourceId')::uuid, (e ->> 'targetId')::uuid FROM jsonb_array_elements(${jsonb(pairs)}) AS e)`,
  ];
  if (types && types.length > 0) parts.push(sql`rel.type IN (${join(types)})`);
  return sql`DELETE FROM relationship rel WHERE ${and(parts)}`;
};

/** A side of a relationship search: a filter over the record at that end, as an EXISTS-free join. */
export type EndFilter = { labels?: string[]; where?: Cond };

function endFilter(projectId: string, alias: 's' | 't', f: EndFilter | undefined): Sql {
  // compileFilter speaks of `record r`; each end is its own sub-select over record r.
  const col = alias === 's' ? sql`rel.source_id` : sql`rel.target_id`;
  if (!f || ((!f.labels || f.labels.length === 0) && !f.where)) return sql`TRUE`;
  return sql`${col} IN (SELECT r.id FROM record r WHERE ${compileFilter(projectId, f.labels, f.where)})`;
}

export type EdgeSearch = {
  projectId: string;
  source?: EndFilter;
  target?: EndFilter;
  types?: string[];
  skip: number;
  limit: number;
};

function edgeWhere(q: EdgeSearch): Sql {
  const parts: Sql[] = [
    sql`rel.project_id = ${q.projectId}::uuid`,
    endFilter(q.projectId, 's', q.source),
    endFilter(q.projectId, 't', q.target),
  ];
  if (q.types && q.types.length > 0) parts.push(sql`rel.type IN (${join(q.types)})`);
  return and(parts);
}

export const searchEdges = (q: EdgeSearch): Sql => sql`
  SELECT rel.source_id::text AS "sourceId", rel.source_label AS "sourceLabel", rel.target_id::text AS "targetId",
         rel.target_label AS "targetLabel", rel.type, rel.properties, rel.origin
  FROM relationship rel WHERE ${edgeWhere(q)}
  ORDER BY rel.created_at DESC, rel.source_id, rel.type, rel.target_id
  LIMIT ${q.limit} OFFSET ${q.skip}`;

export const countEdges = (q: EdgeSearch): Sql =>
  sql`SELECT count(*)::int AS n FROM relationship rel WHERE ${edgeWhere(q)}`;

/** Edges touching any of the given records, in either direction, optionally of some types. */
export const edgesTouching = (projectId: string, ids: string[], types: string[] | undefined, limit: number): Sql => {
  const typeFilter = types && types.length > 0 ? sql`AND rel.type IN (${join(types)})` : sql``;
  return sql`
    SELECT rel.source_id::text AS "sourceId", rel.source_label AS "sourceLabel", rel.target_id::text AS "targetId",
           rel.target_label AS "targetLabel", rel.type, rel.properties, rel.origin
    FROM relationship rel
    WHERE rel.project_id = ${projectId}::uuid AND (rel.source_id IN (${uuidList(ids)}) OR rel.target_id IN (${uuidList(ids)})) ${typeFilter}
    ORDER BY rel.created_at, rel.source_id, rel.type, rel.target_id
    LIMIT ${limit}`;
};

/** Relationship counts of one record, in and out, by type and label of the other end. */
export const edgesOfRecord = (projectId: string, id: string, limit: number): Sql => sql`
  SELECT 'out' AS direction, rel.type, rel.target_id::text AS "otherId", rel.target_label AS "otherLabel", rel.properties
  FROM relationship rel WHERE rel.project_id = ${projectId}::uuid AND rel.source_id = ${id}::uuid
  UNION ALL
  SELECT 'in', rel.type, rel.source_id::text, rel.source_label, rel.properties
  FROM relationship rel WHERE rel.project_id = ${projectId}::uuid AND rel.target_id = ${id}::uuid
  LIMIT ${limit}`;

/*
 * The console's graph: start records, their neighbours, the edges among them and how many edges of each
 * node are left out. `types` and `labels` filter relationships and neighbours: undefined is every one, []
 * none.
 */
export type GraphFilter = { types?: string[]; labels?: string[] };

const typeIn = (types: string[] | undefined): Sql =>
  types === undefined ? TRUE : types.length === 0 ? FALSE : sql`rel.type IN (${join(types)})`;
const labelIn = (column: Sql, labels: string[] | undefined): Sql =>
  labels === undefined ? TRUE : labels.length === 0 ? FALSE : sql`${column} IN (${join(labels)})`;

/** The first records of a label, oldest first (ids are UUIDv7), along record_label_idx. */
export const graphStartIds = (projectId: string, label: string, limit: number): Sql => sql`
  SELECT r.id::text AS id FROM record r
  WHERE r.project_id = ${projectId}::uuid AND r.label = ${label}
  ORDER BY r.id LIMIT ${limit}`;

export type GraphNeighbors = GraphFilter & { projectId: string; seeds: string[]; first: string[]; limit: number };

/**
 * Neighbours of the seeds, taken in turns across seeds (the k-th neighbour of every seed before any
 * seed's k+1-th), so that one hub cannot fill the whole budget; neighbours of `first` seeds go first.
 */
export const graphNeighbors = (q: GraphNeighbors): Sql => {
  const seeds = uuidList(q.seeds);
  const first = q.first.length > 0 ? sql`t.seed IN (${uuidList(q.first)})` : FALSE;
  return sql`
    WITH touching AS (
      SELECT rel.source_id AS seed, rel.target_id AS other, rel.type, rel.created_at FROM relationship rel
      WHERE rel.project_id = ${q.projectId}::uuid AND rel.source_id IN (${seeds}) AND ${typeIn(q.types)} AND ${labelIn(sql`rel.target_label`, q.labels)}
      UNION ALL
      SELECT rel.target_id, rel.source_id, rel.type, rel.created_at FROM relationship rel
      WHERE rel.project_id = ${q.projectId}::uuid AND rel.target_id IN (${seeds}) AND ${typeIn(q.types)} AND ${labelIn(sql`rel.source_label`, q.labels)}
    ), ranked AS (
      SELECT t.other, (CASE WHEN ${first} THEN 0 ELSE 1000000000 END)
                      + row_number() OVER (PARTITION BY t.seed ORDER BY t.created_at, t.other, t.type) AS turn
      FROM touching t WHERE t.other NOT IN (${seeds})
    )
    SELECT k.other::text AS id FROM ranked k GROUP BY k.other ORDER BY min(k.turn), k.other LIMIT ${q.limit}`;
};

export type GraphEdgeRow = {
  sourceId: string;
  targetId: string;
  type: string;
  sourceLabel: string;
  targetLabel: string;
};

/** Edges with both ends among the records. */
export const graphEdgesAmong = (
  projectId: string,
  ids: string[],
  types: string[] | undefined,
  limit: number,
): Sql => sql`
  SELECT rel.source_id::text AS "sourceId", rel.target_id::text AS "targetId", rel.type,
         rel.source_label AS "sourceLabel", rel.target_label AS "targetLabel"
  FROM relationship rel
  WHERE rel.project_id = ${projectId}::uuid AND rel.source_id IN (${uuidList(ids)}) AND rel.target_id IN (${uuidList(ids)}) AND ${typeIn(types)}
  ORDER BY rel.source_id, rel.type, rel.target_id LIMIT ${limit}`;

/** How many relationships each record has within the filter (the other end's label); a loop counts once. */
export const graphDegrees = (projectId: string, ids: string[], f: GraphFilter): Sql => sql`
  SELECT d.id::text AS id, count(*)::int AS n FROM (
    SELECT rel.source_id AS id FROM relationship rel
    WHERE rel.project_id = ${projectId}::uuid AND rel.source_id IN (${uuidList(ids)}) AND ${typeIn(f.types)} AND ${labelIn(sql`rel.target_label`, f.labels)}
    UNION ALL
    SELECT rel.target_id FROM relationship rel
    WHERE rel.project_id = ${projectId}::uuid AND rel.target_id IN (${uuidList(ids)}) AND rel.source_id <> rel.target_id
      AND ${typeIn(f.types)} AND ${labelIn(sql`rel.source_label`, f.labels)}
  ) d GROUP BY d.id`;

/**
 * Records with a caption: the first non-empty string (else number) property, preferring the given
 * names (matched case-insensitively, as values) in their order, cut to `chars`.
 */
export const graphNodes = (projectId: string, ids: string[], captionKeys: string[], chars: number): Sql => sql`
  SELECT r.id::text AS id, r.label,
    (SELECT left(e.value #>> '{}', ${chars}) FROM jsonb_each(r.data) AS e
     WHERE jsonb_typeof(e.value) IN ('string', 'number') AND e.value #>> '{}' <> ''
     ORDER BY COALESCE(array_position(ARRAY[${join(captionKeys)}]::text[], lower(e.key)), ${captionKeys.length + 1}),
              jsonb_typeof(e.value) DESC, e.key COLLATE "C"
     LIMIT 1) AS caption
  FROM record r WHERE r.project_id = ${projectId}::uuid AND r.id IN (${uuidList(ids)})`;
