import { join, jsonb, raw, sql, uuidList, type Sql } from './compose';

/**
 * SQL of relationship suggestions: the samples analysis reads, and the joins that materialize a rule
 * `(source_label.source_key) -[type]-> (target_label.target_key)`.
 *
 * Matching: a source value matches a target key when both are strings or numbers with the same text
 * (42 matches "42"); target key '$id' compares with the target record's id. Two forms of the same
 * match exist because they are fast in different places:
 * - bulk (approval, large writes): text equality, which PostgreSQL answers with one hash join;
 * - probe (a few written records): containment `data @> {key: value}` for the value and its other
 *   type, which the GIN index on record.data answers per row.
 */
export type RuleRef = {
  id: string;
  sourceLabel: string;
  sourceKey: string;
  targetLabel: string;
  targetKey: string;
  type: string;
};
export const ID_KEY = '$id';
const UUID_RE = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const INT_RE = '^-?[0-9]{1,15}$';

export const originOf = (ruleId: string) => `suggestion:${ruleId}`;
/** The predicate of relationship_origin_idx, as literal text: a partial index serves only queries that repeat it. */
const RULE_EDGE = raw(`rel.origin LIKE 'suggestion:%'`);

/** The newest `limit` records of a label (ids are time-ordered), for the analysis sample. */
export const sampleRecords = (projectId: string, label: string, limit: number): Sql => sql`
  SELECT r.id::text AS id, r.data FROM record r
  WHERE r.project_id = ${projectId}::uuid AND r.label = ${label}
  ORDER BY r.id DESC LIMIT ${limit}`;

/** Text values of the given keys for every record of a label (at most `limit` rows), as k0, k1, …, with the record id. */
export const keyValues = (projectId: string, label: string, keys: string[], limit: number): Sql => {
  const cols = keys.map(
    (k, i) =>
      sql`CASE WHEN jsonb_typeof(r.data -> ${k}) IN ('string', 'number') THEN r.data ->> ${k} END AS ${raw(`k${i}`)}`,
  );
  return sql`
    SELECT r.id::text AS id, ${join(cols, ', ')} FROM record r
    WHERE r.project_id = ${projectId}::uuid AND r.label = ${label}
    LIMIT ${limit}`;
};

/** Which of these ids are records, and of which label. */
export const existingIds = (projectId: string, ids: string[]): Sql => sql`
  SELECT r.id::text AS id, r.label FROM record r WHERE r.project_id = ${projectId}::uuid AND r.id IN (${uuidList(ids)})`;

/** A scalar usable as a key: string or number, as text. */
const keyText = (alias: Sql, key: string): Sql =>
  sql`(CASE WHEN jsonb_typeof(${alias}.data -> ${key}) IN ('string', 'number') THEN ${alias}.data ->> ${key} END)`;

/** The bulk join condition between source `a` and target `b` (text equality, or the id). */
function bulkMatch(rule: RuleRef): Sql {
  const v = keyText(sql`a`, rule.sourceKey);
  if (rule.targetKey === ID_KEY) return sql`b.id = (CASE WHEN ${v} ~ ${UUID_RE} THEN ${v}::uuid END)`;
  return sql`${keyText(sql`b`, rule.targetKey)} = ${v}`;
}

/** Which pairs to consider: all, or those where a written record is at either end. */
export type PairScope = { sourceIds?: string[]; targetIds?: string[] };

function pairsBulk(projectId: string, rule: RuleRef, scope: PairScope | null): Sql {
  const restrict: Sql[] = [];
  // Large id sets travel as one jsonb parameter (a bind parameter per id would pass PostgreSQL's 65,535).
  const ids = (list: string[]) => sql`(SELECT jsonb_array_elements_text(${jsonb(list)})::uuid)`;
  if (scope?.sourceIds?.length) restrict.push(sql`a.id IN ${ids(scope.sourceIds)}`);
  if (scope?.targetIds?.length) restrict.push(sql`b.id IN ${ids(scope.targetIds)}`);
  const scoped = scope ? (restrict.length ? sql`AND (${join(restrict, ' OR ')})` : sql`AND FALSE`) : sql``;
  return sql`
    SELECT a.id AS source_id, b.id AS target_id FROM record a
    JOIN record b ON b.project_id = a.project_id AND b.label = ${rule.targetLabel} AND ${bulkMatch(rule)}
    WHERE a.project_id = ${projectId}::uuid AND a.label = ${rule.sourceLabel} AND a.data ? ${rule.sourceKey} ${scoped}`;
}

/**
 * Probe form for a few written records: from written sources, look the value up in the targets; from
 * written targets, look their key up in the sources. Both through the GIN index (containment of the
 * value as written and of its other type).
 */
function pairsProbe(projectId: string, rule: RuleRef, scope: PairScope): Sql {
  const parts: Sql[] = [];
  const p = sql`${projectId}::uuid`;
  if (scope.sourceIds?.length) {
    const v = sql`a.data -> ${rule.sourceKey}`;
    const alt = altForm(v);
    const target =
      rule.targetKey === ID_KEY
        ? sql`b.id = (CASE WHEN jsonb_typeof(${v}) = 'string' AND ${v} #>> '{}' ~ ${UUID_RE} THEN (${v} #>> '{}')::uuid END)`
        : sql`jsonb_typeof(${v}) IN ('string', 'number') AND (b.data @> jsonb_build_object(${rule.targetKey}::text, ${v}) OR (${alt} IS NOT NULL AND b.data @> jsonb_build_object(${rule.targetKey}::text, ${alt})))`;
    parts.push(sql`
      SELECT a.id AS source_id, b.id AS target_id FROM record a
      JOIN record b ON b.project_id = a.project_id AND b.label = ${rule.targetLabel} AND ${target}
      WHERE a.project_id = ${p} AND a.label = ${rule.sourceLabel} AND a.id IN (${uuidList(scope.sourceIds)})`);
  }
  if (scope.targetIds?.length) {
    const k = rule.targetKey === ID_KEY ? sql`to_jsonb(b.id::text)` : sql`(b.data -> ${rule.targetKey})`;
    const alt = altForm(k);
    parts.push(sql`
      SELECT a.id AS source_id, b.id AS target_id FROM record b
      JOIN record a ON a.project_id = b.project_id AND a.label = ${rule.sourceLabel}
        AND jsonb_typeof(${k}) IN ('string', 'number')
        AND (a.data @> jsonb_build_object(${rule.sourceKey}::text, ${k}) OR (${alt} IS NOT NULL AND a.data @> jsonb_build_object(${rule.sourceKey}::text, ${alt})))
      WHERE b.project_id = ${p} AND b.label = ${rule.targetLabel} AND b.id IN (${uuidList(scope.targetIds)})`);
  }
  return parts.length
    ? join(parts, ' UNION ')
    : sql`SELECT NULL::uuid AS source_id, NULL::uuid AS target_id WHERE FALSE`;
}

/** The other JSON type of a key value: 42 -> "42", "42" -> 42; NULL when there is none. */
const altForm = (v: Sql): Sql => sql`(CASE jsonb_typeof(${v})
  WHEN 'number' THEN to_jsonb(${v} #>> '{}')
  WHEN 'string' THEN CASE WHEN ${v} #>> '{}' ~ ${INT_RE} THEN to_jsonb((${v} #>> '{}')::numeric) END END)`;

/** At most this many written records use the probe form; more use the hash join. */
export const PROBE_MAX = 500;

/** Whether the pairs of this scope come from the hash join (run it under preferHashJoins). */
export const isBulk = (scope: PairScope | null): boolean =>
  !scope || (scope.sourceIds?.length ?? 0) + (scope.targetIds?.length ?? 0) > PROBE_MAX;

function pairs(projectId: string, rule: RuleRef, scope: PairScope | null): Sql {
  return isBulk(scope) ? pairsBulk(projectId, rule, scope) : pairsProbe(projectId, rule, scope!);
}

// Right after an import the planner has no statistics for the new rows, estimates one row per label and
// joined them in a nested loop: 10,000 × 1,000 text comparisons took 10 s. The bulk join is always large,
// so callers run it with nested loops off (withoutNestedLoops).

/** Creates the rule's edges (all of them, or those touching written records); existing edges stay as they are. */
export const insertRuleEdges = (projectId: string, rule: RuleRef, scope: PairScope | null): Sql => sql`
  INSERT INTO relationship (project_id, source_id, type, target_id, source_label, target_label, properties, origin)
  SELECT ${projectId}::uuid, m.source_id, ${rule.type}::text, m.target_id, ${rule.sourceLabel}::text, ${rule.targetLabel}::text, '{}'::jsonb, ${originOf(rule.id)}::text
  FROM (${pairs(projectId, rule, scope)}) m
  ON CONFLICT (project_id, source_id, type, target_id) DO NOTHING`;

/** How many edges approval would create (pairs not linked by this type yet), and a few of them. */
export const countNewPairs = (projectId: string, rule: RuleRef): Sql => sql`
  SELECT count(*)::int AS n FROM (${pairsBulk(projectId, rule, null)}) m
  WHERE NOT EXISTS (SELECT 1 FROM relationship rel WHERE rel.project_id = ${projectId}::uuid
    AND rel.source_id = m.source_id AND rel.type = ${rule.type} AND rel.target_id = m.target_id)`;

export const samplePairs = (projectId: string, rule: RuleRef, limit: number): Sql => sql`
  SELECT m.source_id::text AS "sourceId", m.target_id::text AS "targetId", a.data -> ${rule.sourceKey} AS value
  FROM (${pairsBulk(projectId, rule, null)}) m
  JOIN record a ON a.project_id = ${projectId}::uuid AND a.id = m.source_id
  ORDER BY m.source_id DESC LIMIT ${limit}`;

/** The rule's edges (all, or those from/to the given records; the ids travel as one jsonb parameter, however many). */
export const deleteRuleEdges = (projectId: string, ruleId: string, touching?: string[]): Sql => {
  const ids = sql`(SELECT jsonb_array_elements_text(${jsonb(touching ?? [])})::uuid)`;
  const only = touching?.length ? sql`AND (rel.source_id IN ${ids} OR rel.target_id IN ${ids})` : sql``;
  return sql`DELETE FROM relationship rel WHERE rel.project_id = ${projectId}::uuid AND ${RULE_EDGE} AND rel.origin = ${originOf(ruleId)} ${only}`;
};

/** Edges made by each of the rules, by origin (see originOf); rules with none are absent. */
export const countRuleEdges = (projectId: string, ruleIds: string[]): Sql => sql`
  SELECT rel.origin, count(*)::int AS n FROM relationship rel
  WHERE rel.project_id = ${projectId}::uuid AND ${RULE_EDGE} AND rel.origin IN (${join(ruleIds.map(originOf))})
  GROUP BY rel.origin`;

/** Approved rules with either end on one of the labels (the write path). */
export const approvedRulesFor = (projectId: string, labels: string[]): Sql => sql`
  SELECT s.id::text AS id, s.source_label AS "sourceLabel", s.source_key AS "sourceKey", s.target_label AS "targetLabel", s.target_key AS "targetKey", s.type
  FROM suggestion s
  WHERE s.project_id = ${projectId}::uuid AND s.status = 'approved' AND (s.source_label IN (${join(labels)}) OR s.target_label IN (${join(labels)}))`;

/*
 * Rules and writes take turns. A write applies the approved rules of the labels it wrote, in its own
 * transaction; approval creates the edges of the records that exist. Without turns, a write that
 * commits while an approval runs is linked by neither: it read the rules before the approval committed
 * and the approval's snapshot lacks its records (a withdrawal likewise misses the edges such a write
 * adds). So each label has an advisory lock: a write holds it shared from before it reads the rules
 * until it commits, and approval and withdrawal hold it exclusively for both labels of the rule before
 * they touch edges. An approval therefore waits for the writes in flight and then, in a later statement
 * (a fresh read-committed snapshot), sees their records; a write that comes later waits for the
 * approval and then reads the approved rule. Approval and withdrawal must run read committed (not in
 * a POST /tx transaction, whose old snapshot would not see those records). Repeatable-read writers,
 * whose snapshot may predate the approval, probe rule_epoch (migration 0008) and fail with 40001.
 * Locks are taken sorted, in one statement, so writers and approvals never wait in a cycle. The key
 * is a pair (namespace, hash of project and label): a hash collision only makes two labels take turns.
 */
const RULE_LOCKS = 724_002; // the namespace of these advisory locks (the other advisory locks use one bigint key)

const ruleLockKey = (projectId: string, label: string): string => JSON.stringify([projectId, label]);

/** Shared (writes) or exclusive (approve, withdraw) locks on the labels; returns the transaction's isolation level. */
export const lockRuleLabels = (projectId: string, labels: string[], mode: 'shared' | 'exclusive'): Sql => {
  const keys = sql`(SELECT hashtext(x) AS k FROM jsonb_array_elements_text(${jsonb([...new Set(labels)].map((l) => ruleLockKey(projectId, l)))}) AS x) l`;
  const lock =
    mode === 'shared'
      ? sql`pg_advisory_xact_lock_shared(${RULE_LOCKS}::int, l.k)`
      : sql`pg_advisory_xact_lock(${RULE_LOCKS}::int, l.k)`;
  // Volatile functions in the select list run after the sort, so the locks are taken in ORDER BY order.
  return sql`SELECT ${lock}::text AS locked, current_setting('transaction_isolation') AS isolation FROM ${keys} ORDER BY l.k`;
};

/** How many transactions wait for a label's rule lock (pg_locks shows an int pair as classid, objid); tests wait on it. */
export const ruleLockWaiters = (projectId: string, label: string): Sql => sql`
  SELECT count(*)::int AS n FROM pg_locks l
  WHERE l.locktype = 'advisory' AND NOT l.granted AND l.objsubid = 2
    AND l.classid = ${RULE_LOCKS}::int::oid AND l.objid = hashtext(${ruleLockKey(projectId, label)})::oid`;

/** A label's place in the order rule locks are taken (their key). */
export const ruleLockOrder = (projectId: string, label: string): Sql =>
  sql`SELECT hashtext(${ruleLockKey(projectId, label)}) AS k`;

export const transactionIsolation = (): Sql => sql`SELECT current_setting('transaction_isolation') AS isolation`;

/** Probe of a repeatable-read writer: 40001 when a rule was approved or withdrawn after its snapshot (migration 0008). */
export const probeRuleEpoch = (projectId: string): Sql => sql`
  INSERT INTO rule_epoch (project_id) VALUES (${projectId}::uuid) ON CONFLICT (project_id) DO NOTHING`;

/** Approval and withdrawal: the project's rules changed. */
export const bumpRuleEpoch = (projectId: string): Sql => sql`
  INSERT INTO rule_epoch (project_id) VALUES (${projectId}::uuid)
  ON CONFLICT (project_id) DO UPDATE SET version = rule_epoch.version + 1`;

/** Serializes decisions on one rule (approve, reject, delete). */
export const lockSuggestion = (projectId: string, id: string): Sql => sql`
  SELECT 1 AS locked FROM suggestion WHERE project_id = ${projectId}::uuid AND id = ${id}::uuid FOR UPDATE`;

/**
 * Analysis passes across servers (migration 0009). `requestAnalysis` records a request: the moment the
 * pass must start after, on the database's clock — `agoMs` before now, for the last write a server saw
 * (measured on its own clock as a duration, so servers' clocks never need to agree). When the project
 * was never analyzed it creates the row, claimed by the requester. `claimAnalysis` takes the pass
 * unless another server holds a live lease; progress renews the lease; `finishAnalysis` releases it.
 */
export const ANALYSIS_LEASE_SECONDS = 60;

export const requestAnalysis = (projectId: string, owner: string, trigger: string, agoMs: number): Sql => sql`
  WITH req AS (SELECT now() - make_interval(secs => ${Math.max(0, agoMs) / 1000}) AS at)
  INSERT INTO suggestion_analysis (project_id, status, trigger, lease_owner, lease_expires_at, requested_at, started_at)
  SELECT ${projectId}::uuid, 'running', ${trigger}, ${owner}, now() + make_interval(secs => ${ANALYSIS_LEASE_SECONDS}), req.at, now() FROM req
  ON CONFLICT (project_id) DO UPDATE SET requested_at = GREATEST(suggestion_analysis.requested_at, EXCLUDED.requested_at)
  RETURNING (xmax = 0) AS claimed, (SELECT at FROM req) AS "requestedAt"`;

export const claimAnalysis = (projectId: string, owner: string, trigger: string): Sql => sql`
  UPDATE suggestion_analysis
     SET status = 'running', trigger = ${trigger}, done = 0, total = 0, found = 0, error = NULL,
         started_at = now(), finished_at = NULL,
         lease_owner = ${owner}, lease_expires_at = now() + make_interval(secs => ${ANALYSIS_LEASE_SECONDS})
   WHERE project_id = ${projectId}::uuid
     AND (status <> 'running' OR lease_owner IS NULL OR lease_owner = ${owner} OR lease_expires_at < now())
  RETURNING started_at AS "startedAt"`;

export const analysisProgress = (projectId: string, owner: string, done: number, total: number): Sql => sql`
  UPDATE suggestion_analysis
     SET done = ${done}, total = ${total}, lease_expires_at = now() + make_interval(secs => ${ANALYSIS_LEASE_SECONDS})
   WHERE project_id = ${projectId}::uuid AND lease_owner = ${owner}
  RETURNING 1 AS held`;

export const finishAnalysis = (
  projectId: string,
  owner: string,
  outcome: { found: number } | { error: string },
): Sql => sql`
  UPDATE suggestion_analysis
     SET status = ${'error' in outcome ? 'error' : 'done'}, found = ${'found' in outcome ? outcome.found : 0},
         error = ${'error' in outcome ? outcome.error : null}, finished_at = now(), lease_owner = NULL, lease_expires_at = NULL
   WHERE project_id = ${projectId}::uuid AND lease_owner = ${owner}`;

/** Where a project's analysis stands, for a caller waiting on a pass that another server runs. */
export const analysisState = (projectId: string): Sql => sql`
  SELECT status, started_at AS "startedAt", lease_owner AS "owner", (lease_expires_at IS NOT NULL AND lease_expires_at < now()) AS abandoned
    FROM suggestion_analysis WHERE project_id = ${projectId}::uuid`;
