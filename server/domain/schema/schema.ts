import { sql as S } from '@/server/db';
import type { ProjectDeps } from '../deps';
import { compactIfNeeded } from './compact';
import { sampleLabels } from './sample';
import {
  type TGetSchemaInput,
  type TSchema,
  type TSchemaLabel,
  type TSchemaProperty,
  type TSchemaRelationship,
  type TSchemaIndex,
} from './schema.schema';
import { byName, getOrSet } from './util';

const { schemaSql } = S;

/**
 * The live schema: labels with exact counts, their properties with types, counts and coverage, and
 * relationship counts in both directions, all from the counters; min/max and samples from the most
 * recent records of each label (`sampledFrom` says how many); the label's embedding indexes with status.
 */
export async function getSchema(deps: ProjectDeps, { labels: wanted }: TGetSchemaInput = {}): Promise<TSchema> {
  const filter = wanted && wanted.length > 0 ? wanted : undefined;
  await compactIfNeeded(deps);
  const [countRows, relRows, indexRows] = await Promise.all([
    deps.db.$queryRaw<S.schemaSql.CountRow[]>(schemaSql.selectCounts(deps.projectId, filter)),
    deps.db.$queryRaw<S.schemaSql.RelCountRow[]>(schemaSql.selectRelCounts(deps.projectId, filter)),
    deps.db.embeddingIndex.findMany({
      where: { projectId: deps.projectId, ...(filter ? { label: { in: filter } } : {}) },
      orderBy: [{ label: 'asc' }, { property: 'asc' }],
    }),
  ]);
  const indexes = new Map<string, TSchemaIndex[]>();
  for (const ix of indexRows) {
    getOrSet(indexes, ix.label, () => []).push({
      id: ix.id,
      property: ix.property,
      source: ix.source as TSchemaIndex['source'],
      model: ix.model,
      dimensions: ix.dimensions,
      similarity: ix.similarity,
      status: ix.status,
      progress: { indexed: Number(ix.indexed), total: Number(ix.total) },
    });
  }

  const labelCounts = new Map<string, number>();
  const propCounts = new Map<string, Map<string, Map<string, number>>>();
  for (const r of countRows) {
    if (r.prop === '') {
      labelCounts.set(r.label, r.n);
      continue;
    }
    const props = getOrSet(propCounts, r.label, () => new Map<string, Map<string, number>>());
    getOrSet(props, r.prop, () => new Map<string, number>()).set(r.type, r.n);
  }
  const names = [...labelCounts.keys()].filter((l) => labelCounts.get(l)! > 0).sort(byName);
  const samples = await sampleLabels(deps.db, deps.projectId, names, propCounts);

  const rels = new Map<string, TSchemaRelationship[]>();
  const addRel = (label: string, rel: TSchemaRelationship) => getOrSet(rels, label, () => []).push(rel);
  for (const r of relRows) {
    addRel(r.source_label, { type: r.type, direction: 'out', label: r.target_label, count: r.n });
    addRel(r.target_label, { type: r.type, direction: 'in', label: r.source_label, count: r.n });
  }

  const result: TSchemaLabel[] = names.map((name) => {
    const count = labelCounts.get(name)!;
    const sampled = samples.get(name);
    const properties: TSchemaProperty[] = [...(propCounts.get(name) ?? new Map<string, Map<string, number>>())]
      .map(([prop, types]) => {
        const n = [...types.values()].reduce((a, b) => a + b, 0);
        const ordered = [...types].filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1] || byName(a[0], b[0]));
        return {
          name: prop,
          types: ordered.map(([t]) => t) as TSchemaProperty['types'],
          count: n,
          coverage: count > 0 ? Math.min(1, n / count) : 0,
          ...sampled?.props.get(prop),
        };
      })
      .filter((p) => p.count > 0)
      .sort((a, b) => byName(a.name, b.name));
    // Outgoing first (byName puts 'in' before 'out', hence b before a), then by type and the other label.
    const relationships = (rels.get(name) ?? []).sort(
      (a, b) => byName(b.direction, a.direction) || byName(a.type, b.type) || byName(a.label, b.label),
    );
    return {
      name,
      count,
      sampledFrom: sampled?.sampled ?? 0,
      properties,
      relationships,
      indexes: indexes.get(name) ?? [],
    };
  });
  return { labels: result };
}
