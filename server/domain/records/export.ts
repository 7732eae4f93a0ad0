import { sql as S, type RecordRow } from '@/server/db';
import type { ProjectDeps } from '../deps';
import { latestOnly, parseOrder, whereFor, type TFilterQuery } from '../query';
import { EXPORT_LIMIT, type TExportCsvInput } from './records.schema';

const { recordSql } = S;

const cell = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  const text =
    typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * The records a query matches as CSV: `__id`, `__label`, `__createdAt`, `__updatedAt`, then every
 * property seen, in name order.
 * Arrays are written as JSON; null and missing are empty cells (the JSON export keeps them apart).
 */
export async function exportCsv(deps: ProjectDeps, q: TExportCsvInput): Promise<{ csv: string; rows: number }> {
  const where = latestOnly(whereFor(deps, q.where), q.latestOnly);
  const rows = await deps.db.$queryRaw<RecordRow[]>(
    recordSql.searchRecords({
      projectId: deps.projectId,
      labels: q.labels,
      where,
      order: parseOrder(q.orderBy),
      skip: q.skip ?? 0,
      limit: q.limit ?? EXPORT_LIMIT,
    }),
  );
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.data)))].sort();
  const lines = [['__id', '__label', '__createdAt', '__updatedAt', ...names].map(cell).join(',')];
  for (const r of rows)
    lines.push([r.id, r.label, r.createdAt, r.updatedAt, ...names.map((n) => r.data[n])].map(cell).join(','));
  return { csv: lines.join('\r\n') + '\r\n', rows: rows.length };
}

/** Property names and types among the records a query matches. */
export async function searchProperties(
  deps: ProjectDeps,
  q: TFilterQuery,
): Promise<{ name: string; type: string; count: number }[]> {
  const where = whereFor(deps, q.where);
  const rows = await deps.db.$queryRaw<{ name: string; type: string; n: number }[]>(
    recordSql.propertiesOf({ projectId: deps.projectId, labels: q.labels, where }),
  );
  return rows.map((r) => ({ name: r.name, type: r.type, count: r.n }));
}
