import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InMemoryStore, InvalidNamespaceError, type BaseStore, type Item } from '@langchain/langgraph-checkpoint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engram } from '../src';
import { EngramStore } from '../src/langgraph';

/**
 * EngramStore against LangGraph's own reference, InMemoryStore: the same operations on both, the answers
 * compared (timestamps and scores aside; orders the interface leaves open compared as sets). The package
 * ships no store conformance suite, so its reference implementation is the oracle. Then what only Engram
 * does: search by meaning inside the filter, scopes, timestamps, atomic batches.
 */
const databaseUrl = process.env.DATABASE_URL || undefined;
const ENV = { ENGRAM_EMBEDDINGS_PROVIDER: 'fake', ENGRAM_SUGGEST_DEBOUNCE_MS: '0' };
let dataDir: string | undefined;
let root: Engram;
let n = 0;

beforeAll(async () => {
  dataDir = databaseUrl ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'engram-lg-'));
  root = await Engram.embedded(databaseUrl ? { databaseUrl, env: ENV } : { dataDir, env: ENV });
});
afterAll(async () => {
  await root?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function stores(): Promise<{ engram: EngramStore; ref: InMemoryStore; db: Engram }> {
  const project = `lg-${process.pid}-${Date.now().toString(36)}-${n++}`;
  await root.projects.create({ name: project });
  const db = root.withProject(project);
  return { engram: new EngramStore(db), ref: new InMemoryStore(), db };
}

const plain = (i: Item | null) => (i ? { namespace: i.namespace, key: i.key, value: i.value } : null);
const byKey = (items: Item[]) => items.map(plain).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

async function both<T>(
  s: { engram: BaseStore; ref: BaseStore },
  run: (store: BaseStore) => Promise<T>,
): Promise<[T, T]> {
  return [await run(s.engram), await run(s.ref)];
}

const DOCS: [string[], string, Record<string, unknown>][] = [
  [['users', 'alice', 'memories'], 'm1', { text: 'likes tea', kind: 'pref', score: 3, tags: ['a'], nested: { x: 1 } }],
  [['users', 'alice', 'memories'], 'm2', { text: 'lives in Oslo', kind: 'fact', score: 7 }],
  [['users', 'alice', 'profile'], 'p', { name: 'Alice', age: 31 }],
  [['users', 'bob', 'memories'], 'm1', { text: 'likes coffee', kind: 'pref', score: 5 }],
  [['docs'], 'readme', { title: 'Readme', kind: 'doc', score: 1 }],
  [['docs', 'v2'], 'readme', { title: 'Readme v2', kind: 'doc', score: 2 }],
];

async function seed(store: BaseStore) {
  for (const [ns, key, value] of DOCS) await store.put(ns, key, value);
}

describe(`EngramStore (LangGraph BaseStore) against InMemoryStore (${databaseUrl ? 'postgres' : 'embedded'})`, () => {
  it('put / get / update / delete, values verbatim, createdAt kept and updatedAt moved on update', async () => {
    const s = await stores();
    await Promise.all([seed(s.engram), seed(s.ref)]);
    for (const [ns, key] of DOCS) {
      const [a, b] = await both(s, (st) => st.get(ns, key));
      expect(plain(a)).toEqual(plain(b));
    }
    const [none1, none2] = await both(s, (st) => st.get(['users', 'carol'], 'x'));
    expect(none1).toBeNull();
    expect(none2).toBeNull();

    const before = (await s.engram.get(['users', 'alice', 'profile'], 'p'))!;
    await new Promise((r) => setTimeout(r, 5));
    await both(s, (st) => st.put(['users', 'alice', 'profile'], 'p', { name: 'Alice', age: 32, city: 'Oslo' }));
    const [after, refAfter] = await both(s, (st) => st.get(['users', 'alice', 'profile'], 'p'));
    expect(plain(after)).toEqual(plain(refAfter));
    expect(after!.createdAt.getTime()).toBe(before.createdAt.getTime());
    expect(after!.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());

    await both(s, (st) => st.delete(['users', 'alice', 'profile'], 'p'));
    const [gone, refGone] = await both(s, (st) => st.get(['users', 'alice', 'profile'], 'p'));
    expect(gone).toBeNull();
    expect(refGone).toBeNull();
    await both(s, (st) => st.delete(['users', 'nobody'], 'x')); // deleting what is not there is fine
  });

  it('search: namespace prefixes, filters with each operator, limit and offset', async () => {
    const s = await stores();
    await Promise.all([seed(s.engram), seed(s.ref)]);
    const cases: [string[], Record<string, unknown> | undefined][] = [
      [[], undefined],
      [['users'], undefined],
      [['users', 'alice'], undefined],
      [['users', 'alice', 'memories'], undefined],
      [['docs'], undefined],
      [['use'], undefined], // a prefix is whole labels, not characters
      [['users'], { kind: 'pref' }],
      [['users'], { kind: { $eq: 'fact' } }],
      [['users'], { kind: { $ne: 'fact' } }],
      [[], { score: { $gt: 2 } }],
      [[], { score: { $gte: 3, $lt: 7 } }],
      [[], { score: { $lte: 2 } }],
      [[], { kind: { $in: ['doc', 'fact'] } }],
      [[], { kind: { $nin: ['doc'] } }],
      [[], { kind: 'pref', score: 5 }],
      [[], { missing: 'x' }],
    ];
    for (const [prefix, filter] of cases) {
      const [a, b] = await both(s, (st) => st.search(prefix, { filter, limit: 100 }));
      expect(byKey(a), JSON.stringify({ prefix, filter })).toEqual(byKey(b));
      expect(a.every((i) => i.score === undefined)).toBe(true);
    }
    // Paging: the default limit is 10; pages do not overlap and cover the matches.
    await Promise.all(
      [s.engram, s.ref].map(async (st) => {
        for (let i = 0; i < 12; i++) await st.put(['bulk'], `k${i}`, { i });
      }),
    );
    const [first, refFirst] = await both(s, (st) => st.search(['bulk']));
    expect(first.length).toBe(10);
    expect(refFirst.length).toBe(10);
    const pages = await Promise.all([0, 5, 10].map((offset) => s.engram.search(['bulk'], { limit: 5, offset })));
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(new Set(pages.flat().map((i) => i.key)).size).toBe(12);
  });

  it('listNamespaces: prefix, suffix, wildcards, maxDepth, limit and offset', async () => {
    const s = await stores();
    await Promise.all([seed(s.engram), seed(s.ref)]);
    const cases = [
      {},
      { prefix: ['users'] },
      { prefix: ['users', '*', 'memories'] },
      { suffix: ['memories'] },
      { suffix: ['*', 'profile'] },
      { prefix: ['users'], suffix: ['memories'] },
      { maxDepth: 1 },
      { maxDepth: 2 },
      { prefix: ['users'], maxDepth: 2 },
      { limit: 2 },
      { limit: 2, offset: 2 },
      { prefix: ['nothing'] },
    ];
    for (const options of cases) {
      const [a, b] = await both(s, (st) => st.listNamespaces(options));
      expect(a, JSON.stringify(options)).toEqual(b);
    }
  });

  it('batch: reads see the store as it was before the batch; the last put of a key wins', async () => {
    const s = await stores();
    await Promise.all([seed(s.engram), seed(s.ref)]);
    const ops = [
      { namespace: ['docs'], key: 'readme' },
      { namespace: ['docs'], key: 'readme', value: { title: 'first' } },
      { namespace: ['docs'], key: 'readme', value: { title: 'second' } },
      { namespace: ['docs'], key: 'new', value: { title: 'new' } },
      { namespacePrefix: ['docs'], limit: 10, offset: 0 },
      { namespace: ['users', 'bob', 'memories'], key: 'm1', value: null },
      { matchConditions: [{ matchType: 'prefix' as const, path: ['users'] }], limit: 10, offset: 0 },
    ];
    // What the batch's reads must see: the store before the batch. (InMemoryStore hands out its live objects,
    // which its own puts then mutate, so its answers are snapshotted here, before the batch.)
    const beforeGet = plain(await s.ref.get(['docs'], 'readme'));
    const beforeSearch = byKey(await s.ref.search(['docs']));
    const [a, b] = await both(s, (st) => st.batch(ops));
    expect(plain(a[0] as unknown as Item)).toEqual(beforeGet);
    expect(byKey(a[4] as unknown as Item[])).toEqual(beforeSearch);
    expect(a[6]).toEqual(b[6]);
    for (const [ns, key] of [
      [['docs'], 'readme'],
      [['docs'], 'new'],
      [['users', 'bob', 'memories'], 'm1'],
    ] as [string[], string][]) {
      const [x, y] = await both(s, (st) => st.get(ns, key));
      expect(plain(x)).toEqual(plain(y));
    }
  });

  it('refuses the namespaces LangGraph refuses, writing nothing', async () => {
    const s = await stores();
    for (const ns of [[], ['a.b'], ['a:b'], [''], ['langgraph', 'x']]) {
      await expect(s.engram.put(ns, 'k', { v: 1 }), JSON.stringify(ns)).rejects.toBeInstanceOf(InvalidNamespaceError);
    }
    expect(await s.db.labels.find()).toEqual({});
  });

  it('search with a query ranks by meaning inside the namespace and the filter; index: false stays out', async () => {
    const { engram, db } = await stores();
    await engram.put(['u', 'alice'], 'a', { text: 'We decided to launch the Pro plan in March', kind: 'decision' });
    await engram.put(['u', 'alice'], 'b', { text: 'Alice drinks green tea', kind: 'pref' });
    await engram.put(['u', 'alice'], 'c', { text: 'Launch party for the Pro plan was fun', kind: 'event' }, false);
    await engram.put(['u', 'bob'], 'a', { text: 'Bob decided to launch Pro later', kind: 'decision' });
    const [index] = await db.ai.indexes.list();
    expect(index).toMatchObject({ label: 'LG_ITEM', propertyName: 'search_text' });
    const hits = await engram.search(['u', 'alice'], { query: 'what did we decide about the Pro launch' });
    expect(hits.map((h) => h.key)).toEqual(['a', 'b']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score!);
    const filtered = await engram.search(['u'], { query: 'Pro launch', filter: { kind: 'decision' } });
    expect(filtered.map((h) => h.namespace.join('/')).sort()).toEqual(['u/alice', 'u/bob']);
  });

  it('a scoped store sees and writes only its scope', async () => {
    const { db } = await stores();
    const acme = new EngramStore(db, { scope: { tenant: 'acme' } });
    const other = new EngramStore(db, { scope: { tenant: 'other' } });
    await acme.put(['memories'], 'k', { v: 'acme' });
    await other.put(['memories'], 'k', { v: 'other' });
    expect((await acme.get(['memories'], 'k'))!.value).toEqual({ v: 'acme' });
    expect((await other.get(['memories'], 'k'))!.value).toEqual({ v: 'other' });
    expect((await acme.search(['memories'])).map((i) => i.value)).toEqual([{ v: 'acme' }]);
    await acme.delete(['memories'], 'k');
    expect(await acme.get(['memories'], 'k')).toBeNull();
    expect((await other.get(['memories'], 'k'))!.value).toEqual({ v: 'other' });
    expect(await acme.listNamespaces()).toEqual([]);
    expect(await other.listNamespaces()).toEqual([['memories']]);
  });
});
