import { sql as S, withTransaction, type RecordRow, type Tx } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { ProjectDeps } from '../deps';
import {
  isEmptyFilter,
  parseOrder,
  parseSelect,
  whereFor,
  latestOnly,
  parseWhereWithAliases,
  QUERY_LIMITS,
  type TFilterQuery,
  type TSearchQuery,
} from '../query';
import { applyEmbeddings, checkVector, prepareEmbeddings, type PendingEmbeddings } from '../indexes';
import { csvToDocuments } from './csv';
import { LIMITS } from './limits';
import { toRecord } from './output';
import { linkByRules } from './link-rules';
import { isPlainObject, Planner, planProperties } from './plan';
import type {
  TCreateRecordInput,
  TDeleteRecordsInput,
  TImportCsvInput,
  TImportJsonInput,
  TImportResult,
  TRecord,
  TWriteOptions,
} from './records.schema';
import { rowsById, writePlan } from './write';

const { recordSql, selectSql } = S;

export async function createRecord(deps: ProjectDeps, parsed: TCreateRecordInput): Promise<TRecord> {
  const planner = new Planner(parsed.options);
  if (parsed.data) planner.addDocument(parsed.label, parsed.data, ['data']);
  else planner.addTyped(parsed.label, parsed.properties!, ['properties']);
  const plan = planner.plan();
  const pending = await prepareEmbeddings(deps, plan.records, 'create');
  const external = await externalVectors(deps, parsed.label, plan.records[0]!.id, parsed.vectors);
  return withTransaction(deps.db, async (tx) => {
    const out = await writePlan({ ...deps, db: tx }, plan, parsed.options);
    await applyEmbeddings(tx, deps.projectId, [...pending, ...external], out.idOf);
    const id = out.topIds[0]!;
    if (parsed.options?.supersedes !== undefined)
      await supersede(tx, deps.projectId, id, parsed.label, parsed.options.supersedes);
    return getRecord({ ...deps, db: tx }, id);
  });
}

/** The written record replaces these: a SUPERSEDES relationship from it to each (all must exist). */
async function supersede(tx: Tx, projectId: string, id: string, label: string, ids: string | string[]) {
  const targets = [...new Set((Array.isArray(ids) ? ids : [ids]).map((t) => t.toLowerCase()))];
  const self = targets.indexOf(id);
  if (self >= 0)
    throw new DomainError('INVALID', 'A record cannot supersede itself', {
      path: ['options', 'supersedes', ...(Array.isArray(ids) ? [self] : [])],
      expected: 'the id of another record',
      got: id,
    });
  const found = new Map(
    (await tx.$queryRaw<{ id: string; label: string }[]>(S.relationshipSql.selectLabels(projectId, targets))).map(
      (r) => [r.id, r.label],
    ),
  );
  targets.forEach((t, i) => {
    if (!found.has(t))
      throw new DomainError('NOT_FOUND', `Record ${t} (to supersede) not found`, {
        path: ['options', 'supersedes', ...(Array.isArray(ids) ? [i] : [])],
        got: t,
      });
  });
  await tx.$executeRaw(
    S.relationshipSql.upsertEdges(
      projectId,
      targets.map((t) => ({
        sourceId: id,
        targetId: t,
        type: S.SUPERSEDES,
        sourceLabel: label,
        targetLabel: found.get(t)!,
        origin: 'manual',
      })),
    ),
  );
}

/** `vectors` given with a create: each must name an external index of the label and fit it. */
async function externalVectors(
  deps: ProjectDeps,
  label: string,
  recordId: string,
  vectors: { propertyName: string; vector: number[] }[] | undefined,
): Promise<PendingEmbeddings> {
  if (!vectors || vectors.length === 0) return [];
  const indexes = await deps.db.embeddingIndex.findMany({
    where: { projectId: deps.projectId, label, source: 'external' },
  });
  return vectors.map((v, i) => {
    const ix = indexes.find((x) => x.property === v.propertyName);
    if (!ix)
      throw new DomainError('NOT_FOUND', `No external embedding index on ${label}.${v.propertyName}`, {
        path: ['vectors', i, 'propertyName'],
        got: v.propertyName,
      });
    checkVector(v.vector, ix.dimensions, ['vectors', i, 'vector']);
    return { indexId: ix.id, rows: [{ recordId, vector: v.vector, textHash: null, text: null }], clear: [] };
  });
}

function parseJsonl(text: string): unknown[] {
  const docs: unknown[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      docs.push(JSON.parse(line));
    } catch (e) {
      throw new DomainError('INVALID', `Line ${i + 1} is not valid JSON: ${(e as Error).message}`, {
        path: ['data', i],
        expected: 'one JSON object per line',
      });
    }
  });
  return docs;
}

async function importDocuments(
  deps: ProjectDeps,
  planner: Planner,
  options: TWriteOptions | undefined,
): Promise<TImportResult> {
  const plan = planner.plan();
  const pending = await prepareEmbeddings(deps, plan.records, 'create');
  return withTransaction(deps.db, async (tx) => {
    const out = await writePlan({ ...deps, db: tx }, plan, options);
    await applyEmbeddings(tx, deps.projectId, pending, out.idOf);
    const result: TImportResult = { created: out.created, updated: out.updated, relationships: out.relationships };
    if (options?.returnResult && out.topIds.length <= LIMITS.importReturnRecords) {
      const rows = await rowsById(tx, deps.projectId, out.topIds);
      result.records = out.topIds.map((id) => toRecord(rows.get(id)!));
    }
    return result;
  });
}

/**
 * JSON import: an object (one record, or with no label, one label per top-level key), an array of
 * objects, or JSONL text. The whole import is one transaction.
 */
export async function importJson(deps: ProjectDeps, parsed: TImportJsonInput): Promise<TImportResult> {
  const planner = new Planner(parsed.options);
  const data = typeof parsed.data === 'string' ? parseJsonl(parsed.data) : parsed.data;
  if (Array.isArray(data)) {
    if (!parsed.label)
      throw new DomainError('INVALID', 'A label is required to import an array or JSONL', {
        path: ['label'],
        expected: 'a label',
      });
    if (data.length > LIMITS.recordsPerWrite) {
      throw new DomainError(
        'LIMIT_EXCEEDED',
        `One import may hold at most ${LIMITS.recordsPerWrite} records`,
        { path: ['data'], limit: LIMITS.recordsPerWrite },
        { tooLarge: true },
      );
    }
    data.forEach((doc, i) => planner.addDocument(parsed.label!, doc, ['data', i]));
  } else if (parsed.label) {
    planner.addDocument(parsed.label, data, ['data']);
  } else {
    for (const [label, value] of Object.entries(data)) {
      if (Array.isArray(value)) value.forEach((doc, i) => planner.addDocument(label, doc, ['data', label, i]));
      else if (isPlainObject(value)) planner.addDocument(label, value, ['data', label]);
      else
        throw new DomainError(
          'INVALID',
          `Without a label, each top-level key names a label and holds an object or an array of objects (at data.${label})`,
          { path: ['data', label], expected: 'object or array of objects' },
        );
    }
  }
  return importDocuments(deps, planner, parsed.options);
}

export async function importCsv(deps: ProjectDeps, parsed: TImportCsvInput): Promise<TImportResult> {
  const { delimiter, header, inferTypes, ...options } = parsed.options ?? {};
  const docs = csvToDocuments(parsed.csv, { delimiter, header, inferTypes });
  if (docs.length > LIMITS.recordsPerWrite) {
    throw new DomainError(
      'LIMIT_EXCEEDED',
      `One import may hold at most ${LIMITS.recordsPerWrite} records`,
      { path: ['csv'], limit: LIMITS.recordsPerWrite },
      { tooLarge: true },
    );
  }
  const planner = new Planner(options);
  docs.forEach((doc, i) => planner.addDocument(parsed.label, doc, ['csv', i + (header === false ? 0 : 1)]));
  return importDocuments(deps, planner, options);
}

export async function findRecord(deps: ProjectDeps, id: string): Promise<TRecord | null> {
  const rows = await deps.db.$queryRaw<RecordRow[]>(recordSql.selectRecordsById(deps.projectId, [id]));
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function getRecord(deps: ProjectDeps, id: string): Promise<TRecord> {
  const rec = await findRecord(deps, id);
  if (!rec) throw new DomainError('NOT_FOUND', `Record ${id} not found`, { path: ['id'], got: id });
  return rec;
}

async function rewriteRecord(
  deps: ProjectDeps,
  id: string,
  data: Record<string, unknown>,
  mode: 'merge' | 'replace',
): Promise<TRecord> {
  const next = planProperties(data, ['data']);
  // Labels never change, so the indexes that apply are known before the transaction, and so are the
  // vectors: the indexed property's new text is in `data` (or it is gone, for a replace).
  const current = await getRecord(deps, id);
  const pending = await prepareEmbeddings(deps, [{ id, label: current.__label, data: next.data }], mode);
  return withTransaction(deps.db, async (tx) => {
    const [row] = await tx.$queryRaw<RecordRow[]>(recordSql.selectRecordsForUpdate(deps.projectId, [id]));
    if (!row) throw new DomainError('NOT_FOUND', `Record ${id} not found`, { path: ['id'], got: id });
    const merged =
      mode === 'merge'
        ? { id, data: { ...row.data, ...next.data }, types: { ...row.types, ...next.types } }
        : { id, data: next.data, types: next.types };
    await tx.$executeRaw(recordSql.updateRecordsData(deps.projectId, [merged]));
    await linkByRules(tx, deps.projectId, [{ id, label: row.label, data: merged.data, before: row.data }]);
    await applyEmbeddings(tx, deps.projectId, pending);
    return getRecord({ ...deps, db: tx }, id);
  });
}

/** PATCH: the given properties replace theirs; the others stay. */
export const updateRecord = (deps: ProjectDeps, input: { id: string; data: Record<string, unknown> }) =>
  rewriteRecord(deps, input.id, input.data, 'merge');
/** PUT: the record's properties become exactly the given ones. */
export const setRecord = (deps: ProjectDeps, input: { id: string; data: Record<string, unknown> }) =>
  rewriteRecord(deps, input.id, input.data, 'replace');

/**
 * Puts a record back to one of its versions: its properties and types become that version's (a new
 * version records the restore). A deleted record comes back with its id and label; its relationships do
 * not (their events stay in the history).
 */
export async function restoreRecordVersion(
  deps: ProjectDeps,
  input: {
    id: string;
    version: { label: string; data: Record<string, unknown>; types: Record<string, string> };
  },
): Promise<TRecord> {
  const { id, version } = input;
  const pending = await prepareEmbeddings(deps, [{ id, label: version.label, data: version.data }], 'replace');
  return withTransaction(deps.db, async (tx) => {
    const [row] = await tx.$queryRaw<RecordRow[]>(recordSql.selectRecordsForUpdate(deps.projectId, [id]));
    if (row) {
      await tx.$executeRaw(
        recordSql.updateRecordsData(deps.projectId, [{ id, data: version.data, types: version.types }]),
      );
    } else {
      // Numbered after its last version, read under this transaction: the record's versions continue.
      const [last] = await tx.$queryRaw<{ n: number }[]>(S.historySql.latestVersion(deps.projectId, id));
      await tx.$executeRaw(
        recordSql.insertRestored(
          deps.projectId,
          { id, label: version.label, data: version.data, types: version.types },
          (last?.n ?? 0) + 1,
        ),
      );
    }
    await linkByRules(tx, deps.projectId, [{ id, label: version.label, data: version.data, before: row?.data }]);
    await applyEmbeddings(tx, deps.projectId, pending);
    return getRecord({ ...deps, db: tx }, id);
  });
}

/** Deletes a record and its relationships; with cascade, also the children made from its nested objects. */
export async function deleteRecord(
  deps: ProjectDeps,
  input: { id: string; cascade?: boolean },
): Promise<{ deleted: number }> {
  return withTransaction(deps.db, async (tx) => {
    const exists = await findRecord({ ...deps, db: tx }, input.id);
    if (!exists) throw new DomainError('NOT_FOUND', `Record ${input.id} not found`, { path: ['id'], got: input.id });
    const ids = input.cascade
      ? (await tx.$queryRaw<{ id: string }[]>(recordSql.selectNestedDescendants(deps.projectId, input.id))).map(
          (r) => r.id,
        )
      : [input.id];
    let deleted = 0;
    for (let i = 0; i < ids.length; i += 2_000)
      deleted += await tx.$executeRaw(recordSql.deleteRecordsById(deps.projectId, ids.slice(i, i + 2_000)));
    return { deleted };
  });
}

/** Deletes every record the filter matches; an empty filter is refused unless forced. */
export async function deleteRecords(deps: ProjectDeps, input: TDeleteRecordsInput): Promise<{ deleted: number }> {
  const { force, ...q } = input;
  if (isEmptyFilter(q.labels, q.where) && !force) {
    throw new DomainError(
      'INVALID',
      'Refusing to delete every record of the project: give labels or where, or "force": true',
      { path: ['where'], expected: 'a filter, or force: true' },
    );
  }
  const where = whereFor(deps, q.where);
  // In a transaction of its own even alone: the history triggers read who deleted from it.
  const deleted = await withTransaction(deps.db, (tx) =>
    tx.$executeRaw(recordSql.deleteRecordsWhere({ projectId: deps.projectId, labels: q.labels, where })),
  );
  return { deleted };
}

/**
 * Runs a SearchQuery. Without `select` the rows are records; with it, they are the named expressions:
 * per record, or per group with `groupBy` (totals, ordering and paging then count groups, after
 * aggregation).
 */
export async function queryRecords(
  deps: ProjectDeps,
  q: TSearchQuery,
): Promise<{ items: (TRecord | Record<string, unknown>)[]; total: number }> {
  if (q.select === undefined) return searchRecords(deps, q);
  const maxHops = deps.maxHops ?? QUERY_LIMITS.maxHops;
  const { cond: where, aliases } = parseWhereWithAliases(q.where, ['where'], { maxHops });
  const sel = parseSelect({ select: q.select, groupBy: q.groupBy, orderBy: q.orderBy }, aliases, maxHops);
  const filter = S.compileFilter(deps.projectId, q.labels, latestOnly(where, q.latestOnly));
  const { rows, total } = selectSql.compileSelect(
    { projectId: deps.projectId, filter, ...sel, skip: q.skip ?? 0, limit: q.limit ?? QUERY_LIMITS.defaultLimit },
    S.newScope(deps.projectId),
  );
  const [out, count] = await Promise.all([
    deps.db.$queryRaw<{ row: Record<string, unknown> }[]>(rows),
    deps.db.$queryRaw<{ n: number }[]>(total),
  ]);
  return { items: out.map((r) => r.row), total: count[0]?.n ?? 0 };
}

/** Finds records (a SearchQuery without `select`). */
export async function searchRecords(deps: ProjectDeps, q: TSearchQuery): Promise<{ items: TRecord[]; total: number }> {
  if (q.select !== undefined || q.groupBy !== undefined) {
    throw new DomainError('INVALID', 'select and groupBy are not accepted here', {
      path: [q.select !== undefined ? 'select' : 'groupBy'],
      expected: 'a query without select',
    });
  }
  const where = latestOnly(whereFor(deps, q.where), q.latestOnly);
  const spec = {
    projectId: deps.projectId,
    labels: q.labels,
    where,
    order: parseOrder(q.orderBy),
    skip: q.skip ?? 0,
    limit: q.limit ?? QUERY_LIMITS.defaultLimit,
  };
  const [rows, count] = await Promise.all([
    deps.db.$queryRaw<RecordRow[]>(recordSql.searchRecords(spec)),
    deps.db.$queryRaw<{ n: number }[]>(recordSql.countRecords(spec)),
  ]);
  return { items: rows.map(toRecord), total: count[0]?.n ?? 0 };
}

/** Record counts per label among the records the filter matches. */
export async function countLabels(deps: ProjectDeps, q: TFilterQuery): Promise<Record<string, number>> {
  const rows = await deps.db.$queryRaw<{ label: string; n: number }[]>(
    recordSql.countLabels({ projectId: deps.projectId, labels: q.labels, where: whereFor(deps, q.where) }),
  );
  return Object.fromEntries(rows.map((r) => [r.label, r.n]));
}
