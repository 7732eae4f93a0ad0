import { withCallContext } from '../server/call-context';
import { createRecord, importJson, updateRecord } from '../server/domain/records';
import { fmt, percentile, timed, type Backend } from './lib';

/**
 * The cost of history (issue 13): the same creates, updates and a bulk import with the history triggers
 * on and off (ALTER TABLE … DISABLE TRIGGER, this benchmark's database only), in alternating rounds. On, the
 * writes run inside a call context as the API runs them (the caller and operation are stamped into each
 * transaction); off, without one: the write path as it was before history.
 */
async function setTriggers(b: Backend, on: boolean) {
  const db = b.engram.db.prisma;
  if (on) {
    await db.$executeRaw`ALTER TABLE record ENABLE TRIGGER record_version_insert`;
    await db.$executeRaw`ALTER TABLE record ENABLE TRIGGER record_version_update`;
    await db.$executeRaw`ALTER TABLE record ENABLE TRIGGER record_version_delete`;
  } else {
    await db.$executeRaw`ALTER TABLE record DISABLE TRIGGER record_version_insert`;
    await db.$executeRaw`ALTER TABLE record DISABLE TRIGGER record_version_update`;
    await db.$executeRaw`ALTER TABLE record DISABLE TRIGGER record_version_delete`;
  }
}

export async function benchHistory(b: Backend, report: (line: string) => void) {
  const deps = await b.newProject();
  const N = 300;
  const ROUNDS = 4;
  const samples: Record<'on' | 'off', { create: number[]; update: number[]; importMs: number[] }> = {
    on: { create: [], update: [], importMs: [] },
    off: { create: [], update: [], importMs: [] },
  };
  const ctx = { actor: 'master', operation: 'bench.history' };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        await setTriggers(b, mode === 'on');
        const s = samples[mode];
        // Off: no triggers and no call context (so no stamp statement either): the write path as before history.
        const run = (fn: () => Promise<void>) => (mode === 'on' ? withCallContext(ctx, fn) : fn());
        await run(async () => {
          for (let i = 0; i < N; i++) {
            const t0 = performance.now();
            const r = await createRecord(deps, {
              label: 'NOTE',
              data: { i, mode, text: `note ${i} of round ${round}` },
            });
            s.create.push(performance.now() - t0);
            const t1 = performance.now();
            await updateRecord(deps, { id: r.__id, data: { seen: true } });
            s.update.push(performance.now() - t1);
          }
          const { ms } = await timed(() =>
            importJson(deps, { label: 'ROW', data: Array.from({ length: 5_000 }, (_, i) => ({ i, round, mode })) }),
          );
          s.importMs.push(ms);
        });
      }
    }
  } finally {
    await setTriggers(b, true);
  }
  const line = (what: string, on: number[], off: number[]) =>
    `${what.padEnd(26)} with history p50 ${fmt(percentile(on, 50))} ms / without ${fmt(percentile(off, 50))} ms (${(
      (percentile(on, 50) / percentile(off, 50) - 1) *
      100
    ).toFixed(1)}%)`;
  report(
    `${ROUNDS} alternating rounds; ${N} creates and ${N} updates per round, one import of 5,000 records per round`,
  );
  report(line('create', samples.on.create, samples.off.create));
  report(line('update (PATCH)', samples.on.update, samples.off.update));
  report(line('import of 5,000 records', samples.on.importMs, samples.off.importMs));
}
