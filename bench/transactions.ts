import { createRecord } from '../server/domain/records';
import { runBatch } from '../server/domain/transactions';
import { fmt, percentile, timed, type Backend } from './lib';

/**
 * Issue 6's numbers: 1,000 transactions of 3 writes each (begin, write ×3, commit) through the
 * transaction manager the API uses, and the same work as 1,000 batch calls. Sequential, one client.
 */
export async function benchTransactions(b: Backend, report: (line: string) => void) {
  const deps = await b.newProject();
  const owner = { projectId: deps.projectId, principal: 'master' };
  const N = 1_000;
  const txMs: number[] = [];
  const { ms: txTotal } = await timed(async () => {
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      const tx = await b.engram.transactions.begin(owner);
      for (let w = 0; w < 3; w++) {
        await b.engram.transactions.run(tx.id, owner, (db) =>
          createRecord({ ...deps, db }, { label: 'STEP', data: { i, w, note: `step ${w} of task ${i}` } }),
        );
      }
      await b.engram.transactions.commit(tx.id, owner);
      txMs.push(performance.now() - t0);
    }
  });
  report(
    `${N} transactions × 3 writes: ${fmt(txTotal)} ms (${Math.round(N / (txTotal / 1000))} tx/s); per transaction p50 ${fmt(percentile(txMs, 50))} ms, p95 ${fmt(percentile(txMs, 95))} ms`,
  );

  const batchMs: number[] = [];
  const { ms: batchTotal } = await timed(async () => {
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      await runBatch(deps, {
        ops: [0, 1, 2].map((w) => ({
          op: 'create' as const,
          label: 'STEP',
          data: { i, w, note: `step ${w} of task ${i}` },
        })),
      });
      batchMs.push(performance.now() - t0);
    }
  });
  report(
    `${N} batch calls × 3 creates: ${fmt(batchTotal)} ms (${Math.round(N / (batchTotal / 1000))} batches/s); per batch p50 ${fmt(percentile(batchMs, 50))} ms, p95 ${fmt(percentile(batchMs, 95))} ms`,
  );
}
