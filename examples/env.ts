import { Engram } from '@engram/sdk';

/** The client every example uses: ENGRAM_URL, ENGRAM_KEY and (with the master key) ENGRAM_PROJECT. */
export function connect(): Engram {
  const apiKey = process.env.ENGRAM_KEY;
  if (!apiKey) throw new Error('Set ENGRAM_KEY to an API key or the master key (./data/master.key)');
  return new Engram({
    url: process.env.ENGRAM_URL ?? 'http://localhost:3000',
    apiKey,
    project: process.env.ENGRAM_PROJECT,
  });
}

/** Waits until an embedding index has embedded what was written before it (a new index backfills). */
export async function untilReady(db: Engram, label: string, propertyName: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const index = (await db.ai.indexes.list()).find((x) => x.label === label && x.propertyName === propertyName);
    if (index?.status === 'ready') return;
    if (index?.status === 'error') throw new Error(`index ${label}.${propertyName}: ${index.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`index ${label}.${propertyName} not ready`);
}
