import { sql as S, type EventRow, type VersionRow } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { ProjectDeps } from '../deps';
import { HISTORY_LIMITS, type THistoryInput, type TRelationshipEvent, type TVersion } from './history.schema';
import type { TRecord } from './records.schema';
import { restoreRecordVersion } from './records';

const { historySql } = S;

/** A record's versions, newest first; a deleted record keeps its history. */
export async function recordHistory(
  deps: ProjectDeps,
  input: THistoryInput,
): Promise<{ items: TVersion[]; total: number }> {
  const limit = input.limit ?? HISTORY_LIMITS.defaultLimit;
  const [rows, [count]] = await Promise.all([
    deps.db.$queryRaw<VersionRow[]>(historySql.listVersions(deps.projectId, input.id, input.skip ?? 0, limit)),
    deps.db.$queryRaw<{ n: number }[]>(historySql.countVersions(deps.projectId, input.id)),
  ]);
  const total = count?.n ?? 0;
  if (total === 0)
    throw new DomainError('NOT_FOUND', `Record ${input.id} has no history`, { path: ['id'], got: input.id });
  return { items: rows.map(toVersion), total };
}

const toVersion = (r: VersionRow): TVersion => ({
  version: r.version,
  change: r.change,
  operation: r.operation,
  actor: r.actor,
  at: r.at,
  label: r.label,
  data: r.data,
  types: r.types as TVersion['types'],
});

/** The record as it was at `asOf`: the version in force then (NOT_FOUND if it did not exist then). */
export async function getRecordAsOf(deps: ProjectDeps, id: string, asOf: string): Promise<TRecord> {
  const [v] = await deps.db.$queryRaw<(VersionRow & { createdAt: string })[]>(
    historySql.versionAt(deps.projectId, id, asOf),
  );
  if (!v || v.change === 'delete' || !v.data)
    throw new DomainError('NOT_FOUND', `Record ${id} did not exist at ${asOf}`, { path: ['asOf'], got: asOf });
  return {
    ...v.data,
    __id: id,
    __label: v.label,
    __proptypes: (v.types ?? {}) as TRecord['__proptypes'],
    __createdAt: v.createdAt,
    __updatedAt: v.at,
  };
}

/** Makes a version current again (a new version records it). */
export async function restoreRecord(deps: ProjectDeps, input: { id: string; version: number }): Promise<TRecord> {
  const [v] = await deps.db.$queryRaw<VersionRow[]>(
    historySql.versionNumbered(deps.projectId, input.id, input.version),
  );
  if (!v)
    throw new DomainError('NOT_FOUND', `Record ${input.id} has no version ${input.version}`, {
      path: ['version'],
      got: input.version,
    });
  if (!v.data || !v.types)
    throw new DomainError(
      'INVALID',
      `Version ${input.version} of record ${input.id} is its deletion; restore an earlier one`,
      {
        path: ['version'],
        expected: 'a version that holds properties',
        got: input.version,
      },
    );
  return restoreRecordVersion(deps, {
    id: input.id,
    version: { label: v.label, data: v.data, types: v.types },
  });
}

/** The relationship events touching a record, newest first (an empty list for a record never linked). */
export async function relationshipHistory(
  deps: ProjectDeps,
  input: THistoryInput,
): Promise<{ items: TRelationshipEvent[]; total: number }> {
  const limit = input.limit ?? HISTORY_LIMITS.defaultLimit;
  const [rows, [count], [versions]] = await Promise.all([
    deps.db.$queryRaw<EventRow[]>(historySql.listRelationshipEvents(deps.projectId, input.id, input.skip ?? 0, limit)),
    deps.db.$queryRaw<{ n: number }[]>(historySql.countRelationshipEvents(deps.projectId, input.id)),
    deps.db.$queryRaw<{ n: number }[]>(historySql.countVersions(deps.projectId, input.id)),
  ]);
  if (!versions?.n)
    throw new DomainError('NOT_FOUND', `Record ${input.id} has no history`, { path: ['id'], got: input.id });
  return { items: rows, total: count?.n ?? 0 };
}
