import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@/server/db';
import type { Sql } from '@/server/db/sql/compose';
import { analyzeTables, explainJson, summarizePlan } from '@/server/db/sql/explain';
import { createProject } from '@/server/domain/projects';
import type { ProjectDeps } from '@/server/domain/deps';
import { createRecord, importJson } from '@/server/domain/records';
import type { Engram } from '@/server/engram';
import { backendName, startTestEngram, uniqueName } from '@/server/test/harness';

/**
 * The mergeBy lookup (which existing records an upsert merges into) is served by the GIN index on
 * record.data (record_data_idx), checked on the plan of the exact statements a mergeBy write sends,
 * after ANALYZE, on a label of a few thousand records.
 */
let engram: Engram;
let deps: ProjectDeps;
const ITEMS = 4_000;

beforeAll(async () => {
  engram = await startTestEngram();
  const project = await createProject({ db: engram.db.prisma }, { name: uniqueName('merge-index') });
  deps = { db: engram.db.prisma, projectId: project.id };
  await importJson(deps, {
    label: 'ITEM',
    data: Array.from({ length: ITEMS }, (_, i) => ({ sku: `s${i}`, region: `r${i % 5}`, n: i })),
  });
  await importJson(deps, { label: 'OTHER', data: Array.from({ length: 500 }, (_, i) => ({ sku: `s${i}` })) });
  await engram.db.prisma.$executeRaw(analyzeTables());
}, 120_000);
afterAll(() => engram?.close());

/** Runs a write and keeps every statement it sent inside its transaction. */
async function statementsOf(write: (deps: ProjectDeps) => Promise<unknown>): Promise<Sql[]> {
  const sent: Sql[] = [];
  const capture = (tx: object) =>
    new Proxy(tx, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (prop === '$queryRaw' || prop === '$executeRaw')
          return (q: Sql) => (sent.push(q), (v as (q: Sql) => Promise<unknown>).call(target, q));
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  const db = new Proxy(engram.db.prisma, {
    get(target, prop) {
      if (prop === '$transaction')
        return (fn: (tx: object) => Promise<unknown>, opts: unknown) =>
          target.$transaction((tx) => fn(capture(tx)), opts as never);
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as PrismaClient;
  await write({ ...deps, db });
  return sent;
}

/** The statements that find (and lock) the records an upsert merges into. */
const lookups = (sent: Sql[]) => sent.filter((q) => /FROM[\s\S]*\brecord r\b[\s\S]*FOR (NO KEY )?UPDATE/.test(q.sql));

async function expectGin(sent: Sql[]) {
  const found = lookups(sent);
  expect(found.length).toBeGreaterThan(0);
  for (const stmt of found) {
    const p = summarizePlan(await engram.db.prisma.$queryRaw<unknown[]>(explainJson(stmt)));
    const why = `${backendName}: ${p.scans.join(', ')}\n${stmt.sql}`;
    expect(p.scans, why).toContain('Bitmap Index Scan on record_data_idx');
    expect(p.seqScans, why).not.toContain('record');
    expect(p.indexes, why).not.toContain('record_label_idx');
  }
}

describe(`mergeBy lookups use record_data_idx (${backendName})`, () => {
  it('one upsert by one key', async () => {
    let merged: Record<string, unknown> = {};
    const sent = await statementsOf(
      async (d) =>
        (merged = await createRecord(d, {
          label: 'ITEM',
          data: { sku: 's17', seen: true },
          options: { mergeBy: ['sku'] },
        })),
    );
    expect(merged.n).toBe(17);
    await expectGin(sent);
  });

  it('an import of a few hundred records by two keys', async () => {
    const data = Array.from({ length: 300 }, (_, i) => ({ sku: `s${i * 7}`, region: `r${(i * 7) % 5}`, seen: true }));
    let res = {};
    const sent = await statementsOf(
      async (d) => (res = await importJson(d, { label: 'ITEM', data, options: { mergeBy: ['sku', 'region'] } })),
    );
    expect(res).toMatchObject({ created: 0, updated: 300 });
    await expectGin(sent);
  });

  it('a chunk of a large import', async () => {
    const data = Array.from({ length: 2_500 }, (_, i) => ({ sku: `s${i}`, seen: 2 }));
    let res = {};
    const sent = await statementsOf(
      async (d) => (res = await importJson(d, { label: 'ITEM', data, options: { mergeBy: ['sku'] } })),
    );
    expect(res).toMatchObject({ created: 0, updated: 2_500 });
    expect(lookups(sent).length).toBe(3); // 1,000 keys per statement
    await expectGin(sent);
  });

  it('right after an import, before the planner has statistics for it', async () => {
    const data = (v: number) => Array.from({ length: 3_000 }, (_, i) => ({ code: `c${i}`, v }));
    await importJson(deps, { label: 'FRESH', data: data(1) });
    let res = {};
    const sent = await statementsOf(
      async (d) => (res = await importJson(d, { label: 'FRESH', data: data(2), options: { mergeBy: ['code'] } })),
    );
    expect(res).toMatchObject({ created: 0, updated: 3_000 });
    await expectGin(sent);
  });
});
