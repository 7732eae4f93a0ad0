/**
 * Live schema at 100k records: 50k flat EVENTs and 5k USERs with 9 nested memories each (HAS_MEMORIES),
 * imported in 10k chunks; getSchema p50/p95 over 20 runs, before and after compaction, and neighbours.
 */
import { createRecord, deleteRecords, importJson } from '../server/domain/records';
import { compactSchemaStats, getSchema, getSchemaMarkdown, listPropertyValues } from '../server/domain/schema';
import type { ProjectDeps } from '../server/domain/deps';
import type { Backend } from './lib';

const RUNS = 20;
const KINDS = ['fact', 'decision', 'preference', 'event', 'note'];

const event = (i: number) => ({
  user_id: `user-${i % 5000}`,
  kind: KINDS[i % KINDS.length],
  importance: i % 10,
  score: ((i * 7919) % 1000) / 10,
  at: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
  tags: [`t${i % 7}`, `t${i % 11}`],
  done: i % 3 === 0,
  text: `event number ${i} about ${KINDS[i % 5]}`,
});

const user = (i: number) => ({
  name: `user-${i}`,
  age: 18 + (i % 60),
  plan: i % 4 === 0 ? 'pro' : 'free',
  joined: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString().slice(0, 10),
  active: i % 5 !== 0,
  country: ['NO', 'SE', 'DK', 'FI'][i % 4],
  credits: i % 7 === 0 ? null : i * 3,
  memories: Array.from({ length: 9 }, (_, j) => ({
    text: `memory ${j} of user ${i}`,
    importance: j,
    at: new Date(Date.UTC(2025, 5, 1) + i * 1000 + j).toISOString(),
    kind: KINDS[j % 5],
    pinned: j === 0,
  })),
});

async function seed(deps: ProjectDeps): Promise<number> {
  const started = performance.now();
  for (let c = 0; c < 5; c++)
    await importJson(deps, { label: 'EVENT', data: Array.from({ length: 10_000 }, (_, k) => event(c * 10_000 + k)) });
  for (let c = 0; c < 5; c++)
    await importJson(deps, { label: 'USER', data: Array.from({ length: 1_000 }, (_, k) => user(c * 1_000 + k)) });
  return performance.now() - started;
}

async function time(fn: () => Promise<unknown>, runs = RUNS): Promise<{ p50: number; p95: number }> {
  await fn(); // warm-up (plans, caches)
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95) };
}

const fmtT = (t: { p50: number; p95: number }) => `p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms`;

export async function benchSchema(b: Backend, report: (line: string) => void) {
  const deps = await b.newProject();
  const seedMs = await seed(deps);
  const schema = await getSchema(deps);
  const total = schema.labels.reduce((n, l) => n + l.count, 0);
  report(
    `seeded ${total} records in ${(seedMs / 1000).toFixed(1)} s: ${schema.labels.map((l) => `${l.name} ${l.count}`).join(', ')}`,
  );

  report(`getSchema (all labels, deltas from the import):  ${fmtT(await time(() => getSchema(deps)))}`);
  await compactSchemaStats(deps);
  report(`getSchema (all labels, compacted):               ${fmtT(await time(() => getSchema(deps)))}`);
  report(
    `getSchema (labels=EVENT):                        ${fmtT(await time(() => getSchema(deps, { labels: ['EVENT'] })))}`,
  );
  report(`getSchemaMarkdown:                               ${fmtT(await time(() => getSchemaMarkdown(deps)))}`);

  // ~990 delta rows from single creates: the most a read sums before it compacts.
  for (let i = 0; i < 90; i++) await createRecord(deps, { label: 'EVENT', data: event(100_000 + i) });
  report(`getSchema (+990 uncompacted delta rows):         ${fmtT(await time(() => getSchema(deps)))}`);
  const t = performance.now();
  await compactSchemaStats(deps);
  report(`compaction of those rows:                        ${(performance.now() - t).toFixed(1)} ms`);

  report(
    `listPropertyValues (EVENT.kind, 50k records):    ${fmtT(await time(() => listPropertyValues(deps, { label: 'EVENT', property: 'kind' }), 5))}`,
  );
  report(
    `listPropertyValues (tags, query "t1"):           ${fmtT(await time(() => listPropertyValues(deps, { property: 'tags', query: 't1' }), 5))}`,
  );

  await deleteRecords(deps, { force: true });
  await compactSchemaStats(deps);
}
