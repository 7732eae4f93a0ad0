import { sql as S } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { ProjectDeps } from '../deps';
import { GRAPH_LIMITS, type TGraph, type TGraphInput, type TGraphNode } from './graph.schema';

const { relationshipSql } = S;
type EdgeRow = S.relationshipSql.GraphEdgeRow;

/** Property names a node's caption prefers, in this order (compared lower-cased). */
const CAPTION_KEYS = [
  'name',
  'title',
  'display_name',
  'full_name',
  'label',
  'caption',
  'subject',
  'headline',
  'email',
  'username',
  'text',
  'content',
  'description',
  'key',
  'code',
  'sku',
  'number',
  'id',
];

/** The start records: the given ids first, then up to half the budget of the label's records, so their neighbours fit too. */
async function startRecords(
  deps: ProjectDeps,
  q: TGraphInput,
  limit: number,
): Promise<{ given: string[]; seeds: string[]; truncated: boolean; moreOfLabel: boolean }> {
  const given = [...new Set((q.ids ?? []).map((id) => id.toLowerCase()))];
  const seeds = given.slice(0, limit);
  let truncated = given.length > limit;
  let moreOfLabel = false;
  if (q.label !== undefined && seeds.length < limit) {
    const room = Math.min(limit - seeds.length, Math.ceil(limit / 2));
    const rows = await deps.db.$queryRaw<{ id: string }[]>(
      relationshipSql.graphStartIds(deps.projectId, q.label, seeds.length + room + 1),
    );
    const taken = new Set(seeds);
    const fresh = rows.map((r) => r.id).filter((id) => !taken.has(id));
    seeds.push(...fresh.slice(0, room));
    if (fresh.length > room) truncated = moreOfLabel = true;
  }
  return { given: seeds.filter((id) => given.includes(id)), seeds, truncated, moreOfLabel };
}

/** Edges shown per node, counted the way graphDegrees counts them (the other end within the label filter, a loop once). */
function shownPerNode(edges: EdgeRow[], labels: string[] | undefined): Map<string, number> {
  const inFilter = (label: string) => labels === undefined || labels.includes(label);
  const shown = new Map<string, number>();
  const bump = (id: string) => shown.set(id, (shown.get(id) ?? 0) + 1);
  for (const e of edges) {
    if (inFilter(e.targetLabel)) bump(e.sourceId);
    if (e.sourceId !== e.targetId && inFilter(e.sourceLabel)) bump(e.targetId);
  }
  return shown;
}

/**
 * A bounded graph for the console: start records (from `ids` and/or the first records of `label`), their
 * neighbours one hop away (taken in turns across start records), every edge among the nodes shown, and
 * per node how many of its relationships are not shown, so the view can offer to expand it. Expanding
 * is asking again with the node added to `ids`: the answer stays consistent (edges and counts) however
 * many nodes were expanded.
 */
export async function getGraph(deps: ProjectDeps, q: TGraphInput): Promise<TGraph> {
  const limit = q.limit ?? GRAPH_LIMITS.defaultNodes;
  const filter = { types: q.types, labels: q.labels };
  const start = await startRecords(deps, q, limit);
  let truncated = start.truncated;
  const room = limit - start.seeds.length;
  const others: string[] = [];
  if (room > 0 && start.seeds.length > 0) {
    const rows = await deps.db.$queryRaw<{ id: string }[]>(
      relationshipSql.graphNeighbors({
        projectId: deps.projectId,
        seeds: start.seeds,
        first: start.given,
        ...filter,
        limit: room + 1,
      }),
    );
    others.push(...rows.slice(0, room).map((r) => r.id));
  }
  // Room the neighbours did not need goes to more records of the label (sparse or unlinked labels).
  if (start.moreOfLabel && start.seeds.length + others.length < limit) {
    const want = limit - start.seeds.length - others.length;
    const taken = new Set([...start.seeds, ...others]);
    const rows = await deps.db.$queryRaw<{ id: string }[]>(
      relationshipSql.graphStartIds(deps.projectId, q.label!, taken.size + want + 1),
    );
    const fresh = rows.map((r) => r.id).filter((id) => !taken.has(id));
    start.seeds.push(...fresh.slice(0, want));
    truncated = fresh.length > want;
  }
  const ids = [...start.seeds, ...others];
  if (ids.length === 0) return { nodes: [], edges: [], truncated };

  const [records, edgeRows, degrees] = await Promise.all([
    deps.db.$queryRaw<{ id: string; label: string; caption: string | null }[]>(
      relationshipSql.graphNodes(deps.projectId, ids, CAPTION_KEYS, GRAPH_LIMITS.captionChars),
    ),
    deps.db.$queryRaw<EdgeRow[]>(
      relationshipSql.graphEdgesAmong(deps.projectId, ids, q.types, GRAPH_LIMITS.maxEdges + 1),
    ),
    deps.db.$queryRaw<{ id: string; n: number }[]>(relationshipSql.graphDegrees(deps.projectId, ids, filter)),
  ]);
  const byId = new Map(records.map((r) => [r.id, r]));
  const missing = start.given.find((id) => !byId.has(id));
  if (missing) {
    const at = (q.ids ?? []).findIndex((id) => id.toLowerCase() === missing);
    throw new DomainError('NOT_FOUND', `Record ${missing} not found`, { path: ['ids', at], got: missing });
  }

  if (edgeRows.length > GRAPH_LIMITS.maxEdges) truncated = true;
  const edges = edgeRows.slice(0, GRAPH_LIMITS.maxEdges);
  const shown = shownPerNode(edges, q.labels);
  const degree = new Map(degrees.map((d) => [d.id, d.n]));
  const seedSet = new Set(start.seeds);
  const nodes: TGraphNode[] = ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const hidden = Math.max(0, (degree.get(id) ?? 0) - (shown.get(id) ?? 0));
    return [{ id, label: r.label, caption: r.caption, start: seedSet.has(id), hidden }];
  });
  // A start record with relationships left out means a limit cut its neighbours (or their edges).
  if (nodes.some((n) => n.start && n.hidden > 0)) truncated = true;
  return { nodes, edges: edges.map(({ sourceId, targetId, type }) => ({ sourceId, targetId, type })), truncated };
}
