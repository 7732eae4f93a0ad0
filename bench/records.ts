import { createRecord, importJson } from '../server/domain/records';
import { fmt, percentile, timed, type Backend } from './lib';

/** Import throughput (flat and nested) and single create latency. */
export async function benchRecords(b: Backend, report: (line: string) => void) {
  const flat = (i: number) => ({
    user_id: `u${i % 500}`,
    kind: ['fact', 'decision', 'event'][i % 3],
    importance: i % 10,
    text: `memory number ${i} about topic ${i % 97}`,
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    tags: ['a', `t${i % 7}`],
  });

  // 10k flat records in one import.
  {
    const deps = await b.newProject();
    const data = Array.from({ length: 10_000 }, (_, i) => flat(i));
    const { ms } = await timed(() => importJson(deps, { label: 'MEMORY', data }));
    report(`import 10k flat records: ${fmt(ms)} ms (${Math.round(10_000 / (ms / 1000))} records/s)`);
  }
  // 1k nested documents, 3 levels: ORDER -> customer -> address, ORDER -> items[3].
  {
    const deps = await b.newProject();
    const data = Array.from({ length: 1_000 }, (_, i) => ({
      no: i,
      total: i * 3.5,
      customer: { name: `c${i}`, address: { city: `city${i % 50}`, zip: `${10_000 + i}` } },
      items: [
        { sku: `a${i}`, qty: 1 },
        { sku: `b${i}`, qty: 2 },
        { sku: `c${i}`, qty: 3 },
      ],
    }));
    const { ms, value } = await timed(() => importJson(deps, { label: 'ORDER', data }));
    report(
      `import 1k nested documents (3 levels, ${value.created} records, ${value.relationships} edges): ${fmt(ms)} ms (${Math.round(1_000 / (ms / 1000))} documents/s, ${Math.round(value.created / (ms / 1000))} records/s)`,
    );
  }
  // Single create latency.
  {
    const deps = await b.newProject();
    const samples: number[] = [];
    for (let i = 0; i < 300; i++)
      samples.push((await timed(() => createRecord(deps, { label: 'MEMORY', data: flat(i) }))).ms);
    report(
      `single create (300 sequential): p50 ${fmt(percentile(samples, 50))} ms, p95 ${fmt(percentile(samples, 95))} ms`,
    );
  }
}
