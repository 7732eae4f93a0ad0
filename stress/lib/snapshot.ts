import { createHash } from 'node:crypto';
import type { Client } from './client';

/**
 * What a project holds, read through the API with the master key: counts and content digests of its
 * records (values and __updatedAt, so an update shows), relationships, API keys (not lastUsedAt, which
 * every authenticated call moves), embedding indexes (not their backfill progress), suggestions by
 * status, the live schema's counts and open transactions. Two equal snapshots mean nothing was written.
 */
export type ProjectSnapshot = { project: string; counts: Record<string, number>; digests: Record<string, string> };
export type Snapshot = { projects: ProjectSnapshot[]; projectList: { count: number; digest: string } };

const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

async function ok(
  http: Client,
  method: string,
  path: string,
  project: string | undefined,
  body?: unknown,
): Promise<any> {
  const r = await http.rest(method, path, { project, body });
  if (r.status !== 200)
    throw new Error(`snapshot: ${method} ${path} (project ${project}) answered ${r.status}: ${r.text.slice(0, 300)}`);
  return r.body;
}

/** Every page of a list endpoint that takes skip/limit in its body, at most maxPages of 1000. */
async function all(
  http: Client,
  path: string,
  project: string,
  body: Record<string, unknown>,
  maxPages = 20,
): Promise<{ items: any[]; total: number }> {
  const items: any[] = [];
  let total = 0;
  for (let page = 0; page < maxPages; page++) {
    const r = await ok(http, 'POST', path, project, { ...body, skip: page * 1000, limit: 1000 });
    total = r.total;
    items.push(...r.data);
    if (items.length >= total || r.data.length === 0) break;
  }
  return { items, total };
}

export async function snapshotProject(http: Client, project: string): Promise<ProjectSnapshot> {
  const records = await all(http, '/records/search', project, { orderBy: 'asc' });
  const rels = await all(http, '/relationships/search', project, {});
  const keys = (await ok(http, 'GET', '/keys', project)).data.map((k: any) => [
    k.id,
    k.name,
    k.scope,
    k.expiresAt,
    k.revokedAt,
  ]);
  const indexes = (await ok(http, 'GET', '/ai/indexes', project)).data.map((i: any) => [
    i.id,
    i.label,
    i.propertyName,
    i.source,
    i.dimensions,
    i.similarity,
  ]);
  const suggestions: unknown[] = [];
  for (const status of ['suggested', 'approved', 'rejected']) {
    const r = await ok(http, 'GET', `/relationships/suggestions?status=${status}&limit=500`, project);
    suggestions.push(...r.data.map((s: any) => [s.id, s.status, s.type, s.source, s.target]));
  }
  const schema = (await ok(http, 'GET', '/schema', project)).data.labels.map((l: any) => [
    l.name,
    l.count,
    (l.relationships ?? []).map((x: any) => [x.type, x.direction, x.label, x.count]),
  ]);
  const openTx = (await ok(http, 'GET', '/tx', project)).total as number;
  const edges = rels.items
    .map((e: any) => [e.sourceId, e.targetId, e.type, e.properties, e.origin])
    .sort((a: any, b: any) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    project,
    counts: {
      records: records.total,
      relationships: rels.total,
      keys: keys.length,
      indexes: indexes.length,
      suggestions: suggestions.length,
      labels: schema.length,
      openTransactions: openTx,
    },
    digests: {
      records: digest(records.items),
      relationships: digest(edges),
      keys: digest(keys),
      indexes: digest(indexes),
      suggestions: digest(suggestions),
      schema: digest(schema),
    },
  };
}

export async function snapshot(http: Client, projects: string[]): Promise<Snapshot> {
  const list = (await ok(http, 'GET', '/projects', undefined)).data.map((p: any) => [p.id, p.name]);
  const out: ProjectSnapshot[] = [];
  for (const p of projects) out.push(await snapshotProject(http, p));
  return { projects: out, projectList: { count: list.length, digest: digest(list) } };
}

/** What differs between two snapshots, one line per changed part (empty: nothing was written). */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  if (before.projectList.digest !== after.projectList.digest)
    out.push(`projects: ${before.projectList.count} → ${after.projectList.count}`);
  for (const b of before.projects) {
    const a = after.projects.find((p) => p.project === b.project);
    if (!a) {
      out.push(`project ${b.project}: missing from the second snapshot`);
      continue;
    }
    for (const part of Object.keys(b.digests)) {
      if (b.digests[part] !== a.digests[part]) out.push(`project ${b.project}: ${part} changed`);
    }
    for (const [name, n] of Object.entries(b.counts)) {
      if (a.counts[name] !== n) out.push(`project ${b.project}: ${name} ${n} → ${a.counts[name]}`);
    }
  }
  return out;
}
