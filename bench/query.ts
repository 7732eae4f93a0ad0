/**
 * The query language at 100k records (issue 4, "Measure"): p50/p95 of four SearchQueries run through
 * queryRecords (rows and total count, limit 100), and for each, the plan PostgreSQL chooses for the
 * SQL it compiled to: which indexes it reads.
 *
 * Data, one project, imported as nested documents in 10k-record chunks (so HAS_* edges exist):
 *   10k ACCOUNT {name, region (50), tier}
 *     -[HAS_USER]-> 10k USER {user_id (1,000 distinct), plan}
 *       -[HAS_MEMORY]-> 80k MEMORY {user_id (the user's), kind (5), importance 0..9, createdAt (2025), text}
 *
 * Equality is measured before ANALYZE (as PGlite always is), after it, and after 5k more writes; for it,
 * the plan of every one of the 1,000 user_id values is tallied, because the planner's estimate for one
 * value depends on ANALYZE's random sample.
 */
import type { Sql } from '../server/db/sql/compose';
import { analyzeTables, explainJson, summarizePlan, type PlanNode } from '../server/db/sql/explain';
import type { ProjectDeps } from '../server/domain/deps';
import { importJson, queryRecords } from '../server/domain/records';
import { fmt, percentile, timed, type Backend } from './lib';

const ACCOUNTS = Number(process.env.BENCH_QUERY_ACCOUNTS ?? 10_000); // x10 records
const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 30);
const WARMUP = 3;
const CHUNK = 1_000; // accounts per import: 10k records
const KINDS = ['fact', 'decision', 'preference', 'event', 'note'];
const TIERS = ['free', 'pro', 'team', 'enterprise'];
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 86_400_000;

const account = (i: number) => ({
  name: `acct-${i}`,
  region: `r${i % 50}`,
  tier: TIERS[i % TIERS.length],
  USER: {
    user_id: `u${i % 1_000}`,
    plan: i % 3 === 0 ? 'pro' : 'free',
    MEMORY: Array.from({ length: 8 }, (_, j) => {
      const n = i * 8 + j;
      return {
        user_id: `u${i % 1_000}`,
        kind: KINDS[(n * 7) % KINDS.length],
        importance: (n * 13) % 10,
        // Spread over the year, not correlated with insertion (and so with id) order.
        createdAt: new Date(YEAR_START + ((n * 7_919) % 1_000_003) * (YEAR_MS / 1_000_003)).toISOString(),
        text: `memory ${n} of user u${i % 1_000} about topic ${n % 97}`,
      };
    }),
  },
});

/** The measured queries; `run` varies the equality value from run to run (a fixed value would measure one sample's luck). */
type Query = { name: string; query: (run: number) => Record<string, unknown> };
const userOf = (run: number) => `u${(42 + run * 37) % 1_000}`;
const EQUALITY: Query = {
  name: 'equality (user_id = one of 1,000 values; 80 matches at 100k)',
  query: (run) => ({ labels: ['MEMORY'], where: { user_id: userOf(run) }, limit: 100 }),
};
const QUERIES: Query[] = [
  EQUALITY,
  {
    name: 'range + $in (createdAt in one month, kind in 2 of 5)',
    query: () => ({
      labels: ['MEMORY'],
      where: {
        createdAt: { $gte: '2025-03-01T00:00:00Z', $lt: '2025-04-01T00:00:00Z' },
        kind: { $in: ['fact', 'decision'] },
      },
      limit: 100,
    }),
  },
  {
    name: '2-hop related (MEMORY <-HAS_MEMORY- USER <-HAS_USER- ACCOUNT with region r7)',
    query: () => ({
      labels: ['MEMORY'],
      where: { ACCOUNT: { $relation: { direction: 'in', hops: 2 }, region: 'r7' } },
      limit: 100,
    }),
  },
  {
    name: 'groupBy kind, $count + $avg(importance) over all MEMORY',
    query: () => ({
      labels: ['MEMORY'],
      select: { kind: '$record.kind', n: { $count: '*' }, avgImportance: { $avg: '$record.importance' } },
      groupBy: ['kind'],
      orderBy: { kind: 'asc' },
      limit: 100,
    }),
  },
];

async function seed(
  deps: ProjectDeps,
  from: number,
  count: number,
): Promise<{ ms: number; records: number; edges: number }> {
  let records = 0;
  let edges = 0;
  const { ms } = await timed(async () => {
    for (let c = from; c < from + count; c += CHUNK) {
      const data = Array.from({ length: Math.min(CHUNK, from + count - c) }, (_, k) => account(c + k));
      const out = await importJson(deps, { label: 'ACCOUNT', data });
      records += out.created;
      edges += out.relationships;
    }
  });
  return { ms, records, edges };
}

/**
 * deps whose $queryRaw also keeps the compiled statements (rows, then total), so the bench explains
 * exactly what queryRecords ran. With `dry`, nothing runs: the statements are only compiled.
 */
function recording(deps: ProjectDeps, dry = false): { deps: ProjectDeps; statements: Sql[] } {
  const statements: Sql[] = [];
  const db = new Proxy(deps.db, {
    get(target, prop, receiver) {
      if (prop === '$queryRaw') {
        return (q: Sql, ...rest: unknown[]) => {
          statements.push(q);
          return dry ? Promise.resolve([]) : (target.$queryRaw as (...a: unknown[]) => unknown)(q, ...rest);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { deps: { ...deps, db }, statements };
}

const explain = async (deps: ProjectDeps, stmt: Sql) =>
  summarizePlan(await deps.db.$queryRaw<unknown[]>(explainJson(stmt)));

const describePlan = (root: PlanNode, scans: string[]) => {
  const uniq = [...new Set(scans)];
  return `${root['Node Type']} (est. ${root['Plan Rows']} rows): ${uniq.length > 0 ? uniq.join(', ') : 'no scan nodes'}`;
};

export async function benchQuery(b: Backend, report: (line: string) => void) {
  const deps = await b.newProject();
  const seeded = await seed(deps, 0, ACCOUNTS);
  report(
    `seed: ${seeded.records} records, ${seeded.edges} edges (nested import, ${CHUNK * 10} records per call) in ${fmt(seeded.ms)} ms`,
  );
  report(
    `each run is one queryRecords (a page of at most 100 rows + the total count); ${WARMUP} warm-up runs, then ${RUNS} timed`,
  );

  // What an embedded database always looks like: PGlite never analyzes by itself (PostgreSQL does
  // once autovacuum gets to the table).
  await measure(deps, `${EQUALITY.name}, before any ANALYZE`, EQUALITY.query, report, true);

  const analyze = await timed(() => deps.db.$executeRaw(analyzeTables()));
  report(`ANALYZE record, relationship: ${fmt(analyze.ms)} ms`);
  for (const q of QUERIES) await measure(deps, q.name, q.query, report, q === EQUALITY);

  // An agent keeps writing: the same equality after 5k more records, without a new ANALYZE. Index
  // scans must not depend on how much was written since the index was last cleaned up.
  await seed(deps, ACCOUNTS, 500);
  await measure(deps, `${EQUALITY.name}, after 5k more records (no new ANALYZE)`, EQUALITY.query, report, true);
}

/**
 * Warm-up, timed runs, and the plan of each statement queryRecords issued for run 0 (rows, then total).
 * With `everyValue`, also how many of the 1,000 user_id values get a plan that reads record_data_idx.
 */
async function measure(
  deps: ProjectDeps,
  name: string,
  query: Query['query'],
  report: (line: string) => void,
  everyValue = false,
) {
  const rec = recording(deps);
  const first = await queryRecords(rec.deps, query(0));
  for (let i = 1; i < WARMUP; i++) await queryRecords(deps, query(i));
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push((await timed(() => queryRecords(deps, query(i)))).ms);
  report(
    `${name}: p50 ${fmt(percentile(samples, 50))} ms, p95 ${fmt(percentile(samples, 95))} ms — run 0: ${first.items.length} rows, total ${first.total}`,
  );
  const roles = ['rows', 'total'];
  for (const [i, stmt] of rec.statements.entries()) {
    const plan = await explain(deps, stmt);
    const index = plan.indexes.length > 0 ? `index: ${plan.indexes.join(', ')}` : 'index: none';
    report(`    ${roles[i] ?? `statement ${i + 1}`} plan — ${index}; ${describePlan(plan.root, plan.scans)}`);
  }
  if (process.env.BENCH_QUERY_SQL)
    for (const stmt of rec.statements)
      report(`    SQL: ${stmt.sql.replace(/\s+/g, ' ')} -- ${JSON.stringify(stmt.values)}`);
  if (!everyValue) return;
  // The plan of every value: the planner's estimate for one value comes from ANALYZE's sample.
  const tally = roles.map(() => new Map<string, number>());
  for (let u = 0; u < 1_000; u++) {
    const dry = recording(deps, true);
    await queryRecords(dry.deps, { ...query(0), where: { user_id: `u${u}` } });
    for (const [i, stmt] of dry.statements.entries()) {
      const scans = [...new Set((await explain(deps, stmt)).scans)].join(' + ') || 'no scan';
      tally[i]?.set(scans, (tally[i]!.get(scans) ?? 0) + 1);
    }
  }
  for (const [i, t] of tally.entries()) {
    const gin = [...t].filter(([k]) => k.includes('record_data_idx')).reduce((n, [, c]) => n + c, 0);
    report(
      `    ${roles[i]} plans over all 1,000 values: record_data_idx in ${gin}/1000 — ${[...t]
        .sort((x, y) => y[1] - x[1])
        .map(([k, c]) => `${c}× ${k}`)
        .join('; ')}`,
    );
  }
}
