import { sql, type Sql } from './compose';
import { isoTime } from './timestamps';

/**
 * History: the versions the triggers of migration 0010 append, read back; and the statement that hands the
 * triggers the caller and the operation (transaction-local settings).
 */
export const stampCall = (actor: string, operation: string): Sql => sql`
  SELECT set_config('engram.actor', ${actor}, true), set_config('engram.op', ${operation}, true)`;

export type VersionRow = {
  version: number;
  label: string;
  change: 'create' | 'update' | 'delete' | 'snapshot';
  operation: string | null;
  actor: string | null;
  data: Record<string, unknown> | null;
  types: Record<string, string> | null;
  at: string;
};
const COLUMNS = sql`v.version, v.label, v.change, v.operation, v.actor, v.data, v.types, ${isoTime(sql`v.at`)} AS at`;

/** A record's versions, newest first. */
export const listVersions = (projectId: string, recordId: string, skip: number, limit: number): Sql => sql`
  SELECT ${COLUMNS} FROM record_version v
  WHERE v.project_id = ${projectId}::uuid AND v.record_id = ${recordId}::uuid
  ORDER BY v.version DESC OFFSET ${skip} LIMIT ${limit}`;

export const countVersions = (projectId: string, recordId: string): Sql => sql`
  SELECT count(*)::int AS n FROM record_version v
  WHERE v.project_id = ${projectId}::uuid AND v.record_id = ${recordId}::uuid`;

/**
 * The version in force at a time (the last one written at or before it) and when that life of the record
 * began: its first version after the last deletion before then.
 */
export const versionAt = (projectId: string, recordId: string, at: string): Sql => sql`
  SELECT ${COLUMNS}, ${isoTime(sql`(
    SELECT min(b.at) FROM record_version b
    WHERE b.project_id = v.project_id AND b.record_id = v.record_id AND b.version <= v.version
      AND b.version > COALESCE((SELECT max(d.version) FROM record_version d
        WHERE d.project_id = v.project_id AND d.record_id = v.record_id AND d.change = 'delete' AND d.version < v.version), 0)
  )`)} AS "createdAt"
  FROM record_version v
  WHERE v.project_id = ${projectId}::uuid AND v.record_id = ${recordId}::uuid AND v.at <= ${at}::timestamptz
  ORDER BY v.version DESC LIMIT 1`;

export const latestVersion = (projectId: string, recordId: string): Sql => sql`
  SELECT COALESCE(max(v.version), 0)::int AS n FROM record_version v
  WHERE v.project_id = ${projectId}::uuid AND v.record_id = ${recordId}::uuid`;

export const versionNumbered = (projectId: string, recordId: string, version: number): Sql => sql`
  SELECT ${COLUMNS} FROM record_version v
  WHERE v.project_id = ${projectId}::uuid AND v.record_id = ${recordId}::uuid AND v.version = ${version}`;

export type EventRow = {
  change: 'attach' | 'update' | 'detach';
  direction: 'out' | 'in';
  type: string;
  otherId: string;
  properties: Record<string, unknown> | null;
  origin: string | null;
  operation: string | null;
  actor: string | null;
  at: string;
};

/** The relationship events that touch a record (either end), newest first. */
export const listRelationshipEvents = (projectId: string, recordId: string, skip: number, limit: number): Sql => sql`
  SELECT e.change, CASE WHEN e.source_id = ${recordId}::uuid THEN 'out' ELSE 'in' END AS direction, e.type,
         (CASE WHEN e.source_id = ${recordId}::uuid THEN e.target_id ELSE e.source_id END)::text AS "otherId",
         e.properties, e.origin, e.operation, e.actor, ${isoTime(sql`e.at`)} AS at
  FROM relationship_event e
  WHERE e.project_id = ${projectId}::uuid AND (e.source_id = ${recordId}::uuid OR e.target_id = ${recordId}::uuid)
  ORDER BY e.id DESC OFFSET ${skip} LIMIT ${limit}`;

export const countRelationshipEvents = (projectId: string, recordId: string): Sql => sql`
  SELECT count(*)::int AS n FROM relationship_event e
  WHERE e.project_id = ${projectId}::uuid AND (e.source_id = ${recordId}::uuid OR e.target_id = ${recordId}::uuid)`;
