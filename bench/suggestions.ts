import { createRecord, importJson } from '../server/domain/records';
import { analyzeSuggestions, approveSuggestion, listSuggestions, type TSuggestion } from '../server/domain/suggestions';
import type { ProjectDeps } from '../server/domain/deps';
import { analyzeTables, fmt, percentile, timed, type Backend } from './lib';

/**
 * Issue 7's numbers (`BENCH_SUITES=suggestions npm run bench`):
 * - analysis at 10k and 100k records: customers, orders (customer_id), users, tickets (assignee holds
 *   the user's email), categories (parent_id) and a decoy (users' age overlaps the numeric ids);
 * - approval of a rule matching 10,000 pairs (one transaction), and of the 100k set's order rule;
 * - what an approved rule costs later writes: single creates and a 10,000-record import, with and without.
 * BENCH_SUGGEST_SIZES (default "10000,100000").
 */
const SIZES = (process.env.BENCH_SUGGEST_SIZES ?? '10000,100000').split(',').map(Number);

async function importAll(deps: ProjectDeps, label: string, n: number, make: (i: number) => Record<string, unknown>) {
  for (let start = 0; start < n; start += 10_000) {
    const end = Math.min(n, start + 10_000);
    await importJson(deps, { label, data: Array.from({ length: end - start }, (_, k) => make(start + k)) });
  }
}

/** `size` records: 10% customers, 55% orders, 5% users, 25% tickets, 5% categories. */
async function seed(deps: ProjectDeps, size: number) {
  const customers = Math.round(size * 0.1);
  const users = Math.round(size * 0.05);
  const categories = Math.round(size * 0.05);
  await importAll(deps, 'CUSTOMER', customers, (i) => ({
    id: i + 1,
    name: `customer ${i + 1}`,
    city: ['Lisbon', 'Oslo', 'Lima', 'Pune'][i % 4],
  }));
  await importAll(deps, 'ORDER', Math.round(size * 0.55), (i) => ({
    id: 1_000_000 + i,
    customer_id: ((i * 7919) % customers) + 1,
    total: 5 + ((i * 31) % 500),
    status: ['open', 'paid', 'sent'][i % 3],
  }));
  await importAll(deps, 'USER', users, (i) => ({
    email: `user${i}@example.com`,
    name: `user ${i}`,
    age: 18 + (i % 60),
  }));
  await importAll(deps, 'TICKET', Math.round(size * 0.25), (i) => ({
    title: `ticket ${i}`,
    assignee: `user${(i * 13) % users}@example.com`,
    priority: (i % 4) + 1,
  }));
  await importAll(deps, 'CATEGORY', categories, (i) => ({
    id: i + 1,
    name: `category ${i + 1}`,
    ...(i > 0 ? { parent_id: Math.floor((i + 1) / 2) } : {}),
  }));
}

const rule = (s: TSuggestion) =>
  `${s.source.label}.${s.source.key} → ${s.target.label}.${s.target.key} (${s.confidence})`;

export async function benchSuggestions(b: Backend, report: (line: string) => void) {
  for (const size of SIZES) {
    const deps = await b.newProject();
    const load = await timed(() => seed(deps, size));
    const first = await timed(() => analyzeSuggestions(deps, { wait: true }));
    const again = await timed(() => analyzeSuggestions(deps, { wait: true }));
    const found = (await listSuggestions(deps, {})).items;
    report(
      `${size} records (loaded in ${(load.ms / 1000).toFixed(1)} s): analysis ${fmt(first.ms)} ms, again ${fmt(again.ms)} ms; ${found.length} suggested: ${found.map(rule).join('; ')}`,
    );
    const orders = found.find((s) => s.source.key === 'customer_id');
    if (orders) {
      const approve = await timed(() => approveSuggestion(deps, { id: orders.id }));
      report(
        `${size} records: approving ORDER.customer_id → CUSTOMER.id created ${approve.value.created} edges in ${fmt(approve.ms)} ms`,
      );
    }
  }

  // A rule matching exactly 10,000 pairs: 1,000 customers, 10,000 orders.
  const deps = await b.newProject();
  await importAll(deps, 'CUSTOMER', 1_000, (i) => ({ id: i + 1, name: `customer ${i + 1}` }));
  await importAll(deps, 'ORDER', 10_000, (i) => ({ id: 1_000_000 + i, customer_id: (i % 1_000) + 1 }));
  await analyzeSuggestions(deps, { wait: true });
  const s = (await listSuggestions(deps, {})).items.find((x) => x.source.key === 'customer_id')!;
  const approve = await timed(() => approveSuggestion(deps, { id: s.id }));
  report(
    `approval of a rule matching 10,000 pairs: ${approve.value.created} edges in ${fmt(approve.ms)} ms (one transaction)`,
  );

  // Later writes under the approved rule (probe path for small writes, hash join for large ones).
  // Alternating, so both see the same machine load.
  const creates = async (n: number) => {
    const ms: Record<string, number[]> = { ORDER: [], PLAIN_ORDER: [] };
    for (let i = 0; i < n; i++) {
      for (const label of ['ORDER', 'PLAIN_ORDER'])
        ms[label]!.push(
          (await timed(() => createRecord(deps, { label, data: { id: 2_000_000 + i, customer_id: (i % 1_000) + 1 } })))
            .ms,
        );
    }
    const p = (xs: number[]) => `p50 ${fmt(percentile(xs, 50))} ms, p95 ${fmt(percentile(xs, 95))} ms`;
    return `linked by the rule ${p(ms.ORDER!)}; a label with no rule ${p(ms.PLAIN_ORDER!)}`;
  };
  const fresh = await creates(50);
  await analyzeTables(b);
  const analyzed = await creates(200);
  const bulk = await timed(() =>
    importAll(deps, 'ORDER', 10_000, (i) => ({ id: 3_000_000 + i, customer_id: (i % 1_000) + 1 })),
  );
  const bulkPlain = await timed(() =>
    importAll(deps, 'PLAIN_ORDER', 10_000, (i) => ({ id: 3_000_000 + i, customer_id: (i % 1_000) + 1 })),
  );
  report(
    `single create right after the bulk load (no planner statistics yet: the probe scans the target label), 50 each: ${fresh}`,
  );
  report(`single create after ANALYZE (what the embedded stats keeper and autovacuum leave), 200 each: ${analyzed}`);
  report(
    `import of 10,000 records: linked by the rule ${fmt(bulk.ms)} ms; a label with no rule ${fmt(bulkPlain.ms)} ms`,
  );
}
