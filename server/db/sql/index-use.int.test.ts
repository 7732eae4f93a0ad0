import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '@/server/db/sql/compose';
import { analyzeTables, explainJson, summarizePlan, type PlanSummary } from '@/server/db/sql/explain';
import { createProject } from '@/server/domain/projects';
import type { ProjectDeps } from '@/server/domain/deps';
import { importJson, queryRecords } from '@/server/domain/records';
import type { Engram } from '@/server/engram';
import { backendName, startTestEngram, uniqueName } from '@/server/test/harness';

/**
 * Equality filters are served by the GIN index on record.data (record_data_idx, jsonb_path_ops),
 * checked on the plan of the exact SQL queryRecords sends, after ANALYZE, on a table of a few
 * thousand rows (ANALYZE record, relationship). Without record_data_idx, or with a GIN pending list (fastupdate, see migration
 * 0003), PostgreSQL and PGlite read the label index or the whole table instead.
 */
let engram: Engram;
let deps: ProjectDeps;

const NOTES = 4_000;
const EVENTS = 4_000;

beforeAll(async () => {
  engram = await startTestEngram();
  const project = await createProject({ db: engram.db.prisma }, { name: uniqueName('index-use') });
  deps = { db: engram.db.prisma, projectId: project.id };
  // 4,000 NOTEs: owner has 800 values (5 records each), topic 7; a few other records beside them.
  const notes = Array.from({ length: NOTES }, (_, i) => ({
    owner: `o${i % 800}`,
    topic: `t${i % 7}`,
    n: i,
    tags: [`g${i % 50}`],
    text: `note ${i}`,
  }));
  await importJson(deps, { label: 'NOTE', data: notes });
  await importJson(deps, {
    label: 'PERSON',
    data: Array.from({ length: 300 }, (_, i) => ({ owner: `o${i}`, name: `p${i}` })),
  });
  await importJson(deps, { label: 'EVENT', data: Array.from({ length: EVENTS }, (_, i) => ({ seq: i })) });
  // One import stamps every record with one instant; written over days, records have timestamps of their own.
  await engram.db.prisma
    .$executeRaw`UPDATE record SET created_at = created_at + (data ->> 'seq')::int * interval '1 minute', updated_at = updated_at + ((data ->> 'seq')::int * 7919 % ${EVENTS}) * interval '1 minute'
    WHERE project_id = ${deps.projectId}::uuid AND label = 'EVENT'`;
  await engram.db.prisma.$executeRaw(analyzeTables());
}, 120_000);
afterAll(() => engram?.close());

/** The statements queryRecords sends for a query (page, then total), compiled but not run. */
async function compiled(query: Record<string, unknown>): Promise<Sql[]> {
  const statements: Sql[] = [];
  const db = new Proxy(deps.db, {
    get(target, prop, receiver) {
      if (prop === '$queryRaw') return (q: Sql) => (statements.push(q), Promise.resolve([]));
      return Reflect.get(target, prop, receiver);
    },
  });
  await queryRecords({ ...deps, db }, query);
  return statements;
}

const plan = async (stmt: Sql): Promise<PlanSummary> =>
  summarizePlan(await engram.db.prisma.$queryRaw<unknown[]>(explainJson(stmt)));

async function expectGin(query: Record<string, unknown>) {
  const statements = await compiled(query);
  expect(statements).toHaveLength(2); // the page and the total
  for (const stmt of statements) {
    const p = await plan(stmt);
    const why = `${backendName}: ${p.scans.join(', ')}\n${stmt.sql}`;
    expect(p.scans, why).toContain('Bitmap Index Scan on record_data_idx');
    expect(p.seqScans, why).not.toContain('record');
  }
}

describe(`equality filters use record_data_idx (${backendName})`, () => {
  it('compiles equality to containment, scalar or array', async () => {
    const [rows] = await compiled({ labels: ['NOTE'], where: { owner: 'o123' } });
    expect(rows!.sql).toContain('r.data @> ');
  });

  it('equality on one property, with a label', async () => {
    await expectGin({ labels: ['NOTE'], where: { owner: 'o123' } });
  });

  it('equality on one property, any label', async () => {
    await expectGin({ where: { owner: 'o77' } });
  });

  it('equality on an element of an array property', async () => {
    await expectGin({ labels: ['NOTE'], where: { tags: 'g7', owner: 'o7' } });
  });

  it('a short $in', async () => {
    await expectGin({ labels: ['NOTE'], where: { owner: { $in: ['o1', 'o2', 'o3'] } } });
  });

  it('finds the records the plan says it reads', async () => {
    const res = await queryRecords(deps, { labels: ['NOTE'], where: { owner: 'o123' } });
    expect(res.total).toBe(NOTES / 800);
    expect(res.items.every((r) => (r as { owner?: string }).owner === 'o123')).toBe(true);
  });
});

describe(`a page sorted by a system timestamp reads it from an index (${backendName})`, () => {
  it.each([
    [{ __createdAt: 'desc' }, 'record_created_idx'],
    [{ __createdAt: 'asc' }, 'record_created_idx'],
    [{ __updatedAt: 'desc' }, 'record_updated_idx'],
  ] as const)('orderBy %j uses %s', async (orderBy, index) => {
    const [page] = await compiled({ labels: ['EVENT'], orderBy, limit: 50 });
    const p = await plan(page!);
    const why = `${backendName}: ${p.scans.join(', ')}\n${page!.sql}`;
    expect(p.scans, why).toContain(`Index Scan on ${index}`);
    expect(p.seqScans, why).not.toContain('record');
  });

  it('and returns the page in that order', async () => {
    const res = await queryRecords(deps, { labels: ['EVENT'], orderBy: { __createdAt: 'desc' }, limit: 3 });
    expect(res.items.map((r) => (r as { seq: number }).seq)).toEqual([EVENTS - 1, EVENTS - 2, EVENTS - 3]);
  });
});
