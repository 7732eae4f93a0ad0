import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { withTransaction } from '@/server/db';
import type { Engram } from '@/server/engram';
import { DomainError } from '@/server/errors';
import { cosineSimilarity, createFakeEmbedder, textHash, type Embedder } from '@/server/domain/embeddings';
import { createProject } from '@/server/domain/projects';
import { deleteRecord, importJson, updateRecord } from '@/server/domain/records';
import { backendName, onPostgres, startTestEngram, uniqueName } from '@/server/test/harness';
import { BackfillRunner } from './backfill';
import { createIndex } from './indexes';

/**
 * The fake embedder under a model name of its own (workers of other test files sharing a PostgreSQL
 * build only indexes of their model, so they leave these alone), counting what it embeds. `holdOn(text)`
 * makes the next call that embeds `text` wait until released: a backfill batch caught mid-embedding.
 */
function controllableEmbedder(model: string, delayMs = 0) {
  const inner = createFakeEmbedder({ model });
  const state = { calls: 0, texts: 0, firstCallAt: 0, down: false };
  let held: { text: string; entered: () => void; released: Promise<void> } | null = null;
  const embedder: Embedder = {
    provider: inner.provider,
    model: inner.model,
    dimensions: inner.dimensions,
    async embed(texts, opts) {
      if (state.down) throw new DomainError('UNAVAILABLE', 'The embedding service at test is unavailable: down');
      state.calls++;
      state.texts += texts.length;
      state.firstCallAt ||= Date.now();
      const h = held;
      if (h && texts.includes(h.text)) {
        held = null;
        h.entered();
        await h.released;
      }
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      return inner.embed(texts, opts);
    },
  };
  const holdOn = (text: string) => {
    let entered!: () => void;
    let release!: () => void;
    const enteredP = new Promise<void>((r) => (entered = r));
    held = { text, entered, released: new Promise<void>((r) => (release = r)) };
    return { entered: enteredP, release };
  };
  const reset = () => Object.assign(state, { calls: 0, texts: 0, firstCallAt: 0, down: false });
  return { embedder, state, holdOn, reset, vectorOf: async (text: string) => (await inner.embed([text]))[0]! };
}

const fileModel = `fake-backfill-${randomBytes(4).toString('hex')}`;
const ctl = controllableEmbedder(fileModel);
let engram: Engram;
beforeAll(async () => {
  engram = await startTestEngram({}, ctl.embedder);
  await engram.backfill.idle(); // the start-up pass is over before a test leases anything by hand
});
afterAll(() => engram?.close());

async function seed(e: Engram, embedder: Embedder, texts: string[], kick = true) {
  const project = await createProject({ db: e.db.prisma }, { name: uniqueName('backfill') });
  const deps = { db: e.db.prisma, projectId: project.id, embedder, ...(kick ? { backfill: e.backfill } : {}) };
  const imported = await importJson(deps, {
    label: 'NOTE',
    data: texts.map((text) => ({ text })),
    options: { returnResult: true },
  });
  const ids = imported.records!.map((r) => r.__id);
  ctl.reset();
  const ix = await createIndex(deps, { label: 'NOTE', propertyName: 'text' });
  return { deps, ids, ix };
}

const indexRow = (e: Engram, projectId: string, id: string) =>
  e.db.prisma.embeddingIndex.findUniqueOrThrow({ where: { projectId_id: { projectId, id } } });
const stored = async (e: Engram, projectId: string, indexId: string) => {
  const rows = await e.db.prisma.$queryRaw<{ recordId: string; textHash: string | null; vector: string }[]>`
    SELECT record_id::text AS "recordId", text_hash AS "textHash", vector::text AS vector FROM embedding
    WHERE project_id = ${projectId}::uuid AND index_id = ${indexId}::uuid`;
  return new Map(rows.map((r) => [r.recordId, { textHash: r.textHash, vector: JSON.parse(r.vector) as number[] }]));
};

describe(`embedding backfill (${backendName})`, () => {
  it('never overwrites the vector a write stored for newer text while a batch embedded the old text', async () => {
    const hold = ctl.holdOn('apple pie with cinnamon');
    const { deps, ids, ix } = await seed(engram, ctl.embedder, [
      'apple pie with cinnamon',
      'green tea',
      'black coffee',
    ]);
    await hold.entered;
    const leased = await indexRow(engram, deps.projectId, ix.id);
    expect(leased.leaseOwner).toBe(engram.backfill.workerId);
    expect(leased.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);

    await updateRecord(deps, { id: ids[0]!, data: { text: 'quantum physics lecture' } });
    hold.release();
    await engram.backfill.idle();

    const vectors = await stored(engram, deps.projectId, ix.id);
    expect(vectors.get(ids[0]!)!.textHash).toBe(textHash('quantum physics lecture'));
    expect(
      cosineSimilarity(vectors.get(ids[0]!)!.vector, await ctl.vectorOf('quantum physics lecture')),
    ).toBeGreaterThan(0.9999);
    expect(vectors.get(ids[1]!)!.textHash).toBe(textHash('green tea'));
    const done = await indexRow(engram, deps.projectId, ix.id);
    expect({
      status: done.status,
      indexed: Number(done.indexed),
      total: Number(done.total),
      leaseOwner: done.leaseOwner,
    }).toEqual({ status: 'ready', indexed: 3, total: 3, leaseOwner: null });
  });

  it('stores no vector for text that a write replaced by a non-text value while the batch embedded it', async () => {
    const hold = ctl.holdOn('a note that becomes a number');
    const { deps, ids, ix } = await seed(engram, ctl.embedder, ['a note that becomes a number', 'a note that stays']);
    await hold.entered;
    await updateRecord(deps, { id: ids[0]!, data: { text: 42 } });
    hold.release();
    await engram.backfill.idle();

    const vectors = await stored(engram, deps.projectId, ix.id);
    expect([...vectors.keys()]).toEqual([ids[1]]);
    expect(await indexRow(engram, deps.projectId, ix.id)).toMatchObject({ status: 'ready', indexed: 1n, total: 1n });
  });

  it('skips a record deleted while its batch was embedding, and the index still ends ready', async () => {
    const hold = ctl.holdOn('delete me soon');
    const { deps, ids, ix } = await seed(engram, ctl.embedder, ['delete me soon', 'keep me', 'keep me too']);
    await hold.entered;
    await deleteRecord(deps, { id: ids[0]! });
    hold.release();
    await engram.backfill.idle();

    const done = await indexRow(engram, deps.projectId, ix.id);
    expect({
      status: done.status,
      error: done.error,
      indexed: Number(done.indexed),
      total: Number(done.total),
    }).toEqual({ status: 'ready', error: null, indexed: 2, total: 2 });
    expect([...(await stored(engram, deps.projectId, ix.id)).keys()].sort()).toEqual([ids[1], ids[2]].sort());
  });

  it('records a failing embedder on the index with its reason and frees the lease', async () => {
    ctl.state.down = true;
    const project = await createProject({ db: engram.db.prisma }, { name: uniqueName('backfill') });
    const deps = { db: engram.db.prisma, projectId: project.id, embedder: ctl.embedder, backfill: engram.backfill };
    await importJson(deps, { label: 'NOTE', data: [{ text: 'one' }, { text: 'two' }] });
    const ix = await createIndex(deps, { label: 'NOTE', propertyName: 'text' });
    await engram.backfill.idle();
    ctl.state.down = false;
    expect(await indexRow(engram, project.id, ix.id)).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/unavailable: down/),
      leaseOwner: null,
      leaseExpiresAt: null,
    });
  });

  it('leaves an index leased by a live worker alone and takes it over once that lease expires', async () => {
    const { deps, ix } = await seed(
      engram,
      ctl.embedder,
      Array.from({ length: 10 }, (_, i) => `leased note ${i}`),
      false,
    );
    const expiresAt = new Date(Date.now() + 1_500);
    await engram.db.prisma.embeddingIndex.update({
      where: { projectId_id: { projectId: deps.projectId, id: ix.id } },
      data: { leaseOwner: 'a-worker-that-died', leaseExpiresAt: expiresAt },
    });
    engram.backfill.kick();
    await engram.backfill.idle();

    expect(ctl.state.firstCallAt).toBeGreaterThanOrEqual(expiresAt.getTime());
    expect(ctl.state.texts).toBe(10);
    expect(await indexRow(engram, deps.projectId, ix.id)).toMatchObject({
      status: 'ready',
      indexed: 10n,
      leaseOwner: null,
      leaseExpiresAt: null,
    });
  });

  it.skipIf(onPostgres)(
    'a worker that owns the embedded folder frees leases a previous process left behind',
    async () => {
      const { deps, ix } = await seed(engram, ctl.embedder, ['left by a killed process'], false);
      await engram.db.prisma.embeddingIndex.update({
        where: { projectId_id: { projectId: deps.projectId, id: ix.id } },
        data: { leaseOwner: 'the-killed-process', leaseExpiresAt: new Date(Date.now() + 600_000) },
      });
      const owner = new BackfillRunner(engram.db.prisma, () => ctl.embedder, { exclusive: true });
      try {
        owner.kick();
        await owner.idle();
        expect(await indexRow(engram, deps.projectId, ix.id)).toMatchObject({
          status: 'ready',
          indexed: 1n,
          leaseOwner: null,
        });
      } finally {
        await owner.stop();
      }
    },
  );

  // Embedded: one connection, so the backfill queues behind an open transaction instead of meeting its locks.
  it.runIf(onPostgres)(
    'skips a record an open transaction is writing instead of waiting for it, and stores it on a later pass',
    async () => {
      const first = ctl.holdOn('held by a transaction');
      const { deps, ids, ix } = await seed(engram, ctl.embedder, ['held by a transaction', 'free one', 'free two']);
      await first.entered;
      let commit!: () => void;
      const open = new Promise<void>((r) => (commit = r));
      let lockedRow!: () => void;
      const locked = new Promise<void>((r) => (lockedRow = r));
      const tx = withTransaction(engram.db.prisma, async (t) => {
        await updateRecord({ ...deps, db: t }, { id: ids[0]!, data: { mood: 'busy' } }); // holds the row, leaves the text alone
        lockedRow();
        await open;
      });
      await locked;
      const again = ctl.holdOn('held by a transaction');
      first.release();
      await again.entered; // the next pass came back for it

      expect([...(await stored(engram, deps.projectId, ix.id)).keys()].sort()).toEqual([ids[1], ids[2]].sort());
      expect((await indexRow(engram, deps.projectId, ix.id)).status).toBe('indexing');
      commit();
      await tx;
      again.release();
      await engram.backfill.idle();
      expect((await stored(engram, deps.projectId, ix.id)).get(ids[0]!)?.textHash).toBe(
        textHash('held by a transaction'),
      );
      expect(await indexRow(engram, deps.projectId, ix.id)).toMatchObject({ status: 'ready', indexed: 3n, total: 3n });
    },
  );

  it.runIf(onPostgres)('two processes on one PostgreSQL embed every record exactly once between them', async () => {
    const model = `fake-shared-${randomBytes(4).toString('hex')}`;
    const a = controllableEmbedder(model, 15);
    const b = controllableEmbedder(model, 15);
    const [ea, eb] = await Promise.all([startTestEngram({}, a.embedder), startTestEngram({}, b.embedder)]);
    try {
      const n = 5 * 64 + 7;
      const { deps, ix } = await seed(
        ea,
        a.embedder,
        Array.from({ length: n }, (_, i) => `shared note number ${i}`),
      );
      eb.backfill.kick();
      await Promise.all([ea.backfill.idle(), eb.backfill.idle()]);

      expect(a.state.texts + b.state.texts).toBe(n);
      expect(await indexRow(ea, deps.projectId, ix.id)).toMatchObject({
        status: 'ready',
        indexed: BigInt(n),
        total: BigInt(n),
        leaseOwner: null,
      });
      expect((await stored(ea, deps.projectId, ix.id)).size).toBe(n);
    } finally {
      await Promise.all([ea.close(), eb.close()]);
    }
  });
});
