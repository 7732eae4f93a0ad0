import { sql as S, withTransaction, type NewEdge } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { ProjectDeps } from '../deps';
import { whereFor, type TFilterQuery } from '../query';
import { inferType, toRecord, type TRecord } from '../records';
import type { RecordRow } from '@/server/db';
import {
  DEFAULT_RELATIONSHIP_TYPE,
  type TAttachInput,
  type TDetachInput,
  type TEdge,
  type TNeighborsInput,
  type TRelationshipSearchInput,
} from './relationships.schema';

const { relationshipSql, recordSql } = S;
const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** The labels of the ends of an attach; NOT_FOUND at the input path of the first end that does not exist. */
async function labelsOf(deps: ProjectDeps, input: TAttachInput): Promise<Map<string, string>> {
  const source = input.sourceId.toLowerCase();
  const targets = asList(input.targetIds).map((t) => t.toLowerCase());
  const rows = await deps.db.$queryRaw<{ id: string; label: string }[]>(
    relationshipSql.selectLabels(deps.projectId, [...new Set([source, ...targets])]),
  );
  const labels = new Map(rows.map((r) => [r.id, r.label]));
  if (!labels.has(source))
    throw new DomainError('NOT_FOUND', `Record ${input.sourceId} not found`, {
      path: ['sourceId'],
      got: input.sourceId,
    });
  const i = targets.findIndex((id) => !labels.has(id));
  if (i >= 0) {
    const got = asList(input.targetIds)[i]!;
    throw new DomainError('NOT_FOUND', `Record ${got} not found`, {
      path: Array.isArray(input.targetIds) ? ['targetIds', i] : ['targetIds'],
      got,
    });
  }
  return labels;
}

/** NOT_FOUND (at the input's id) unless the record exists in the project: the answer every route about one record gives. */
async function requireRecord(deps: ProjectDeps, id: string, path: (string | number)[] = ['id']): Promise<void> {
  const rows = await deps.db.$queryRaw<{ id: string }[]>(
    relationshipSql.selectLabels(deps.projectId, [id.toLowerCase()]),
  );
  if (rows.length === 0) throw new DomainError('NOT_FOUND', `Record ${id} not found`, { path, got: id });
}

/** Links a record to targets; one edge per (source, type, target); re-attaching replaces its properties. */
export async function attachRelationships(deps: ProjectDeps, q: TAttachInput): Promise<{ attached: number }> {
  const targets = [...new Set(asList(q.targetIds).map((t) => t.toLowerCase()))];
  const type = q.type ?? DEFAULT_RELATIONSHIP_TYPE;
  const properties = q.properties ?? {};
  for (const [k, v] of Object.entries(properties)) inferType(v, ['properties', k]);
  return withTransaction(deps.db, async (tx) => {
    const labels = await labelsOf({ ...deps, db: tx }, q);
    const src = q.sourceId.toLowerCase();
    const edges: NewEdge[] = targets.map((t) => {
      const [from, to] = q.direction === 'in' ? [t, src] : [src, t];
      return {
        sourceId: from,
        targetId: to,
        type,
        sourceLabel: labels.get(from)!,
        targetLabel: labels.get(to)!,
        properties,
        origin: 'manual',
      };
    });
    await tx.$executeRaw(relationshipSql.upsertEdges(deps.projectId, edges));
    return { attached: edges.length };
  });
}

/** Unlinks a record from targets. A source that does not exist (here: in this project) is NOT_FOUND, as on attach. */
export async function detachRelationships(deps: ProjectDeps, q: TDetachInput): Promise<{ detached: number }> {
  await requireRecord(deps, q.sourceId, ['sourceId']);
  const src = q.sourceId.toLowerCase();
  const targets = [...new Set(asList(q.targetIds).map((t) => t.toLowerCase()))];
  const dir = q.direction ?? 'out';
  const pairs = targets.flatMap((t) => [
    ...(dir !== 'in' ? [{ sourceId: src, targetId: t }] : []),
    ...(dir !== 'out' ? [{ sourceId: t, targetId: src }] : []),
  ]);
  // In a transaction of its own even alone: the history triggers read who detached from it.
  const detached = await withTransaction(deps.db, (tx) =>
    tx.$executeRaw(
      relationshipSql.deleteEdges(deps.projectId, pairs, q.types === undefined ? undefined : asList(q.types)),
    ),
  );
  return { detached };
}

const endFilter = (deps: ProjectDeps, f: TFilterQuery | undefined, side: string) => {
  if (!f) return undefined;
  return { labels: f.labels, where: whereFor(deps, f.where, [side, 'where']) };
};

export async function searchRelationships(
  deps: ProjectDeps,
  q: TRelationshipSearchInput,
): Promise<{ items: TEdge[]; total: number }> {
  const t = q.where?.type;
  const spec = {
    projectId: deps.projectId,
    source: endFilter(deps, q.source, 'source'),
    target: endFilter(deps, q.target, 'target'),
    types: t === undefined ? undefined : typeof t === 'string' ? [t] : t.$in,
    skip: q.skip ?? 0,
    limit: q.limit ?? 100,
  };
  if (spec.types && spec.types.length === 0) return { items: [], total: 0 };
  const [items, count] = await Promise.all([
    deps.db.$queryRaw<TEdge[]>(relationshipSql.searchEdges(spec)),
    deps.db.$queryRaw<{ n: number }[]>(relationshipSql.countEdges(spec)),
  ]);
  return { items, total: count[0]?.n ?? 0 };
}

/**
 * The neighbourhood of a record for the graph view: breadth-first up to `depth` hops in both
 * directions, stopping at `limit` nodes (`truncated` says so), with every edge among the nodes shown.
 */
export async function getNeighbors(
  deps: ProjectDeps,
  q: TNeighborsInput,
): Promise<{ nodes: TRecord[]; edges: TEdge[]; truncated: boolean }> {
  const limit = q.limit ?? 100;
  const depth = q.depth ?? 1;
  const types = q.types && q.types.length > 0 ? q.types : undefined;
  const root = q.id.toLowerCase();
  await requireRecord(deps, root);

  const seen = new Set<string>([root]);
  let frontier = [root];
  let truncated = false;
  const edgeKeys = new Set<string>();
  const edges: TEdge[] = [];
  for (let hop = 0; hop < depth && frontier.length > 0 && !truncated; hop++) {
    const found = await deps.db.$queryRaw<TEdge[]>(
      relationshipSql.edgesTouching(deps.projectId, frontier, types, limit * 10),
    );
    const next: string[] = [];
    for (const e of found) {
      for (const id of [e.sourceId, e.targetId]) {
        if (seen.has(id)) continue;
        if (seen.size >= limit) {
          truncated = true;
          continue;
        }
        seen.add(id);
        next.push(id);
      }
    }
    if (found.length >= limit * 10) truncated = true;
    frontier = next;
  }
  const ids = [...seen];
  const all = await deps.db.$queryRaw<TEdge[]>(relationshipSql.edgesTouching(deps.projectId, ids, types, 5_000));
  for (const e of all) {
    const key = `${e.sourceId}|${e.type}|${e.targetId}`;
    if (seen.has(e.sourceId) && seen.has(e.targetId) && !edgeKeys.has(key)) {
      edgeKeys.add(key);
      edges.push(e);
    }
  }
  const rows = await deps.db.$queryRaw<RecordRow[]>(recordSql.selectRecordsById(deps.projectId, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { nodes: ids.filter((id) => byId.has(id)).map((id) => toRecord(byId.get(id)!)), edges, truncated };
}

export type TRecordEdge = {
  direction: 'out' | 'in';
  type: string;
  otherId: string;
  otherLabel: string;
  properties: Record<string, unknown>;
};

/** A record's relationships in and out (the record drawer), bounded; NOT_FOUND for a record that does not exist, like its other routes. */
export async function listRecordRelationships(deps: ProjectDeps, id: string, limit = 200): Promise<TRecordEdge[]> {
  const rid = id.toLowerCase();
  await requireRecord(deps, rid);
  return deps.db.$queryRaw<TRecordEdge[]>(relationshipSql.edgesOfRecord(deps.projectId, rid, limit));
}
