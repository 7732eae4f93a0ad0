import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, describe, expect, it } from 'vitest';
import { HnswKeeper, openDatabase, sql as S, type Database } from '@/server/db';
import { backendName, onPostgres } from '@/server/test/harness';

const { embeddingSql } = S;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A database of its own (no other test file's keeper works on it): a fresh PostgreSQL database, or PGlite in memory. */
async function freshDatabase(): Promise<{ db: Database; url?: string }> {
  if (!onPostgres) {
    const db = await openDatabase({ dataDir: null });
    cleanups.push(() => db.close());
    return { db };
  }
  const name = `engram_hnsw_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: null });
  cleanups.push(async () => {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  return { db, url: url.toString() };
}

async function addIndex(db: Database, projectId: string, dimensions = 3): Promise<string> {
  const id = uuidv7();
  await db.prisma.embeddingIndex.create({
    data: {
      projectId,
      id,
      label: `L${id.slice(-6)}`,
      property: 'text',
      source: 'external',
      provider: 'external',
      model: 'external',
      dimensions,
      similarity: 'cosine',
      status: 'ready',
    },
  });
  return id;
}

const present = async (db: Database) =>
  new Map(
    (await db.prisma.$queryRaw<{ name: string; valid: boolean }[]>(embeddingSql.hnswPresent)).map((r) => [
      r.name,
      r.valid,
    ]),
  );

async function project(db: Database): Promise<string> {
  const id = uuidv7();
  await db.prisma.project.create({ data: { id, name: `hnsw-${id}` } });
  return id;
}

describe(`HNSW keeper (${backendName})`, () => {
  it('builds the HNSW index of each embedding index after it commits, and drops the HNSW index of a deleted one', async () => {
    const { db } = await freshDatabase();
    const keeper = new HnswKeeper(db.driver);
    cleanups.push(() => keeper.stop());
    const p = await project(db);
    const a = await addIndex(db, p);
    const b = await addIndex(db, p, 5);
    expect((await present(db)).size).toBe(0);
    keeper.kick();
    await keeper.idle();
    expect(await present(db)).toEqual(
      new Map([
        [embeddingSql.hnswName(a), true],
        [embeddingSql.hnswName(b), true],
      ]),
    );

    await db.prisma.embeddingIndex.delete({ where: { projectId_id: { projectId: p, id: a } } });
    keeper.kick();
    await keeper.idle();
    expect(await present(db)).toEqual(new Map([[embeddingSql.hnswName(b), true]]));
    expect(keeper.passes).toBe(2);
  });

  it('a kick while a pass runs is not lost: the pass after it sees the later change', async () => {
    const { db } = await freshDatabase();
    const keeper = new HnswKeeper(db.driver);
    cleanups.push(() => keeper.stop());
    const p = await project(db);
    await addIndex(db, p);
    keeper.kick();
    const late = await addIndex(db, p); // committed while the first pass may already have read the list
    keeper.kick();
    await keeper.idle();
    expect((await present(db)).get(embeddingSql.hnswName(late))).toBe(true);
  });

  it.runIf(onPostgres)(
    'PostgreSQL: an invalid HNSW index (a failed concurrent build) is dropped and built again',
    async () => {
      const { db } = await freshDatabase();
      const keeper = new HnswKeeper(db.driver);
      cleanups.push(() => keeper.stop());
      const p = await project(db);
      const id = await addIndex(db, p);
      keeper.kick();
      await keeper.idle();
      // What a cancelled CREATE INDEX CONCURRENTLY leaves behind (the test role is a superuser).
      await db.driver.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = $1::regclass`, [
        embeddingSql.hnswName(id),
      ]);
      expect((await present(db)).get(embeddingSql.hnswName(id))).toBe(false);
      keeper.kick();
      await keeper.idle();
      expect((await present(db)).get(embeddingSql.hnswName(id))).toBe(true);
    },
  );

  it.runIf(onPostgres)(
    'PostgreSQL: servers sharing a database build each index once, under the advisory lock; the one that found it taken converges',
    async () => {
      const { db, url } = await freshDatabase();
      const other = await openDatabase({ url, dataDir: null });
      cleanups.push(() => other.close());
      const keepers = [new HnswKeeper(db.driver, { retryMs: 50 }), new HnswKeeper(other.driver, { retryMs: 50 })];
      cleanups.push(async () => {
        for (const k of keepers) await k.stop();
      });
      const p = await project(db);
      const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => addIndex(db, p, i + 2)));
      keepers.forEach((k) => k.kick());
      const deadline = Date.now() + 30_000;
      for (;;) {
        await Promise.all(keepers.map((k) => k.idle()));
        const now = await present(db);
        if (ids.every((id) => now.get(embeddingSql.hnswName(id)) === true)) break;
        if (Date.now() > deadline) throw new Error(`not converged: ${JSON.stringify([...now])}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(keepers[0]!.built + keepers[1]!.built).toBe(6);
      expect((await present(db)).size).toBe(6);
    },
  );

  it.runIf(onPostgres)(
    'PostgreSQL: while a transaction is open, building the HNSW of another index does not stop anyone writing vectors or searching',
    async () => {
      const { db } = await freshDatabase();
      const keeper = new HnswKeeper(db.driver);
      cleanups.push(() => keeper.stop());
      const p = await project(db);
      const busy = await addIndex(db, p);
      keeper.kick();
      await keeper.idle();
      const [rec, inside] = [uuidv7(), uuidv7()];
      for (const id of [rec, inside])
        await db.prisma.record.create({ data: { projectId: p, id, label: 'L', data: {}, types: {} } });
      // A transaction holds a new index row uncommitted, as a cross-call transaction would; the keeper runs meanwhile.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let opened!: () => void;
      const isOpen = new Promise<void>((r) => (opened = r));
      const tx = db.prisma.$transaction(
        async (t) => {
          await t.embeddingIndex.create({
            data: {
              projectId: p,
              id: uuidv7(),
              label: 'OTHER',
              property: 'text',
              source: 'external',
              provider: 'external',
              model: 'external',
              dimensions: 3,
              similarity: 'cosine',
              status: 'ready',
            },
          });
          // It writes vectors too (a lock on the embedding table that a plain CREATE INDEX would queue behind,
          // and every later writer behind that).
          await t.$executeRaw(
            embeddingSql.upsertEmbeddings(p, busy, [
              { recordId: inside, vector: [0, 1, 0], textHash: null, text: null },
            ]),
          );
          opened();
          await held;
        },
        { timeout: 30_000 },
      );
      await isOpen;
      // An index committed meanwhile: its concurrent build waits for the open transaction to end, without
      // locking the table against anyone else.
      const late = await addIndex(db, p, 4);
      keeper.kick();
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      await db.prisma.$executeRaw(
        embeddingSql.upsertEmbeddings(p, busy, [{ recordId: rec, vector: [1, 0, 0], textHash: null, text: null }]),
      );
      const hits = await db.prisma.$queryRaw<unknown[]>(
        embeddingSql.vectorSearch(p, { id: busy, dimensions: 3, similarity: 'cosine' }, [1, 0, 0], null, 5, 0, false),
      );
      const waited = Date.now() - t0;
      release();
      await tx;
      await keeper.idle();
      expect(hits).toHaveLength(1);
      expect(waited).toBeLessThan(5_000);
      expect((await present(db)).get(embeddingSql.hnswName(late))).toBe(true);
    },
  );
});
