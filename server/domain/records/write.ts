import { sql as S, withTransaction, type Db, type NewEdge, type RecordRow, type Tx } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { ProjectDeps } from '../deps';
import { linkByRules, type Written } from './link-rules';
import type { PlannedRecord, WritePlan } from './plan';
import type { TWriteOptions } from './records.schema';

const { recordSql, relationshipSql } = S;
const CHUNK = 2_000;

export type WriteOutcome = {
  created: number;
  updated: number;
  relationships: number;
  topIds: string[];
  /** Planned id -> the id written (an upsert merges a planned record into an existing one). */
  idOf: (plannedId: string) => string;
};

async function inChunks<T>(items: T[], fn: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += CHUNK) await fn(items.slice(i, i + CHUNK));
}

export const rowsById = async (db: Db, projectId: string, ids: string[]): Promise<Map<string, RecordRow>> => {
  const out = new Map<string, RecordRow>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db.$queryRaw<RecordRow[]>(recordSql.selectRecordsById(projectId, ids.slice(i, i + CHUNK)));
    for (const r of rows) out.set(r.id, r);
  }
  return out;
};

type Existing = Pick<RecordRow, 'id' | 'label' | 'data' | 'types'>;
type Upsert = { planned: PlannedRecord; existing: Existing };

/** Up to this many keys, a mergeBy write locks each key (see recordSql.lockMergeKeys); more lock the label. */
const MERGE_KEY_LOCKS = 256;
/** Key values per lookup statement. */
const MERGE_LOOKUP_CHUNK = 1_000;

/**
 * mergeBy: each top-level record either merges into the one existing record of its label with the same
 * key values, or is created. Documents of one batch that share a key merge into each other first.
 * Advisory locks make concurrent upserts of the same key take turns; the existing records are then
 * found a chunk of keys per statement through the GIN index on record.data.
 */
async function resolveUpserts(tx: Tx, projectId: string, plan: WritePlan, options: TWriteOptions) {
  const mergeBy = options.mergeBy!;
  const rewrite = options.mergeStrategy === 'rewrite';
  const redirect = new Map<string, string>(); // planned id -> id it merged into
  const updates = new Map<string, Upsert>();
  const firstOfKey = new Map<string, { rec: PlannedRecord; values: Record<string, unknown> }>();
  const duplicateOf = new Map<string, string>(); // planned id -> the first planned record with its key
  const dropped = new Set<string>();

  for (const rec of plan.records) {
    if (!rec.top) continue;
    const values: Record<string, unknown> = {};
    for (const k of mergeBy) {
      if (!(k in rec.data)) {
        throw new DomainError('INVALID', `Record ${rec.root} has no value for the mergeBy property "${k}"`, {
          path: ['data', rec.root, k],
          expected: 'a value for every mergeBy property',
        });
      }
      values[k] = rec.data[k];
    }
    const keyText = JSON.stringify([rec.label, values]);
    const earlier = firstOfKey.get(keyText);
    if (earlier) {
      merge(earlier.rec, rec, rewrite);
      duplicateOf.set(rec.id, earlier.rec.id);
      dropped.add(rec.id);
      continue;
    }
    firstOfKey.set(keyText, { rec, values });
  }

  const firsts = [...firstOfKey.values()];
  const labels = [...new Set(firsts.map((f) => f.rec.label))];
  const keys = firsts.length <= MERGE_KEY_LOCKS ? firsts.map((f) => ({ label: f.rec.label, values: f.values })) : null;
  await tx.$queryRaw(recordSql.lockMergeKeys(projectId, labels, keys));

  for (const label of labels) {
    const ofLabel = firsts.filter((f) => f.rec.label === label);
    for (let at = 0; at < ofLabel.length; at += MERGE_LOOKUP_CHUNK) {
      const chunk = ofLabel.slice(at, at + MERGE_LOOKUP_CHUNK);
      const found = await tx.$queryRaw<S.recordSql.MergeMatch[]>(
        recordSql.selectMergeMatches(
          projectId,
          label,
          mergeBy,
          chunk.map((f) => f.values),
        ),
      );
      const byKey = new Map<number, Existing[]>();
      for (const m of found) byKey.set(m.i, [...(byKey.get(m.i) ?? []), m]);
      for (const [i, matches] of byKey) {
        const { rec, values } = chunk[i]!;
        if (matches.length > 1) {
          throw new DomainError(
            'CONFLICT',
            `More than one ${label} record matches the mergeBy values ${JSON.stringify(values)}`,
            { path: ['options', 'mergeBy'], got: values },
          );
        }
        updates.set(rec.id, { planned: rec, existing: matches[0]! });
        redirect.set(rec.id, matches[0]!.id);
      }
    }
  }
  for (const [id, first] of duplicateOf) redirect.set(id, redirect.get(first) ?? first);
  return { redirect, updates, dropped };
}

function merge(into: PlannedRecord, from: PlannedRecord, rewrite: boolean) {
  if (rewrite) {
    into.data = { ...from.data };
    into.types = { ...from.types };
  } else {
    Object.assign(into.data, from.data);
    Object.assign(into.types, from.types);
  }
}

/** Writes a plan atomically: every record and edge, or nothing. */
export async function writePlan(
  deps: ProjectDeps,
  plan: WritePlan,
  options: TWriteOptions = {},
): Promise<WriteOutcome> {
  return withTransaction(deps.db, async (tx) => {
    let redirect = new Map<string, string>();
    let updates = new Map<string, Upsert>();
    let dropped = new Set<string>();
    if (options.mergeBy) ({ redirect, updates, dropped } = await resolveUpserts(tx, deps.projectId, plan, options));

    const inserts = plan.records.filter((r) => !updates.has(r.id) && !dropped.has(r.id));
    await inChunks(inserts, (chunk) =>
      tx.$executeRaw(
        recordSql.insertRecords(
          deps.projectId,
          chunk.map((r) => ({ id: r.id, label: r.label, data: r.data, types: r.types })),
        ),
      ),
    );

    const rewrite = options.mergeStrategy === 'rewrite';
    const changed = [...updates.values()].map(({ planned, existing }) => ({
      id: existing.id,
      data: rewrite ? planned.data : { ...existing.data, ...planned.data },
      types: rewrite ? planned.types : { ...existing.types, ...planned.types },
    }));
    await inChunks(changed, (chunk) => tx.$executeRaw(recordSql.updateRecordsData(deps.projectId, chunk)));

    const edges: NewEdge[] = plan.edges.map((e) => ({
      ...e,
      sourceId: redirect.get(e.sourceId) ?? e.sourceId,
      origin: 'nested',
    }));
    await inChunks(edges, (chunk) => tx.$executeRaw(relationshipSql.upsertEdges(deps.projectId, chunk)));

    const written: Written[] = [
      ...inserts.map((r) => ({ id: r.id, label: r.label, data: r.data })),
      ...[...updates.values()].map((u, i) => ({
        id: u.existing.id,
        label: u.existing.label,
        data: changed[i]!.data,
        before: u.existing.data,
      })),
    ];
    const linked = await linkByRules(tx, deps.projectId, written);

    const topIds = plan.records.filter((r) => r.top).map((r) => redirect.get(r.id) ?? r.id);
    return {
      created: inserts.length,
      updated: changed.length,
      relationships: edges.length + linked,
      topIds: [...new Set(topIds)],
      idOf: (id) => redirect.get(id) ?? id,
    };
  });
}
