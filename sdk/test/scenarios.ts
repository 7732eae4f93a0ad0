import type { ExpectStatic } from 'vitest';
import {
  ConflictError,
  Engram,
  EngramError,
  ForbiddenError,
  InvalidError,
  LimitExceededError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
  type EngramRecord,
} from '../src';

/**
 * What the SDK must do, written once and run three ways: against the production server over HTTP on
 * embedded PGlite and on PostgreSQL (e2e/api/sdk*.spec.ts), and in-process with Engram.embedded
 * (sdk/test/embedded.int.test.ts, both backends). Every scenario works in a project of its own.
 */
export type SdkContext = {
  /** A master-key client on a fresh project. */
  db: Engram;
  project: string;
  backend: 'embedded' | 'postgres';
  mode: 'http' | 'in-process';
  expect: ExpectStatic;
  /** The embedding model the server runs ('fake' in-process, the built-in model on the e2e server). */
  semantic: boolean;
};

export type Scenario = (c: SdkContext) => Promise<void>;

const NO_SUCH_ID = '01900000-0000-7000-8000-000000000000';

async function indexReady(db: Engram, id: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const idx = await db.ai.indexes.get(id);
    if (idx.status === 'ready') return idx;
    if (idx.status === 'error' || Date.now() > until) throw new Error(`index ${id}: ${JSON.stringify(idx)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function caught(p: Promise<unknown>): Promise<EngramError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EngramError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

/** Scenarios that may run alongside others. */
export const scenarios: Record<string, Scenario> = {
  async 'the seed example: an index on MEMORY.output, a decision for alice, a search within her memories'({
    db,
    expect,
  }) {
    const index = await db.ai.indexes.create({ label: 'MEMORY', propertyName: 'output' });
    await db.records.create({
      label: 'MEMORY',
      data: { user_id: 'alice', output: 'We decided to launch the Pro plan in March, priced at $20 a month' },
    });
    await db.records.create({
      label: 'MEMORY',
      data: { user_id: 'alice', output: 'Alice prefers tea over coffee in the morning' },
    });
    await db.records.create({
      label: 'MEMORY',
      data: { user_id: 'bob', output: 'We decided to delay the Pro launch for Bob' },
    });
    await indexReady(db, index.id);
    const hits = await db.ai.search({
      labels: ['MEMORY'],
      propertyName: 'output',
      query: 'What did we decide about the Pro launch?',
      where: { user_id: 'alice' },
    });
    expect(hits.items.length).toBe(2);
    expect(hits.items.every((h) => h.user_id === 'alice')).toBe(true);
    expect(hits.items[0]!.output).toContain('launch the Pro plan');
    expect(hits.items[0]!.__score).toBeGreaterThan(hits.items[1]!.__score);
  },

  async 'records: create, get, update, set, upsert, find/findOne/findUniq, delete by id and by query'({ db, expect }) {
    type Person = { name: string; age: number; city?: string };
    const ada = await db.records.create<Person>({
      label: 'PERSON',
      data: { name: 'Ada', age: 36, city: 'London', address: { street: 'St James' } },
    });
    expect(ada).toMatchObject({ __label: 'PERSON', name: 'Ada', age: 36 });
    expect(ada.__proptypes).toMatchObject({ name: 'string', age: 'number' });
    expect(Date.parse(ada.__createdAt)).toBeGreaterThan(0);
    expect((await db.records.get<Person>(ada.__id)).name).toBe('Ada');
    const children = await db.records.relationships(ada.__id);
    expect(children).toEqual([
      expect.objectContaining({ direction: 'out', type: 'HAS_ADDRESS', otherLabel: 'address' }),
    ]);

    expect(await db.records.update(ada.__id, { age: 37 })).toMatchObject({ name: 'Ada', age: 37 });
    const replaced = await db.records.set(ada.__id, { name: 'Ada Lovelace' });
    expect(replaced.name).toBe('Ada Lovelace');
    expect(replaced.age).toBeUndefined();

    const u1 = await db.records.upsert({
      label: 'PERSON',
      data: { email: 'alan@example.com', age: 41 },
      options: { mergeBy: ['email'] },
    });
    const u2 = await db.records.upsert({
      label: 'PERSON',
      data: { email: 'alan@example.com', city: 'Wilmslow' },
      options: { mergeBy: ['email'] },
    });
    expect(u2.__id).toBe(u1.__id);
    expect(u2).toMatchObject({ age: 41, city: 'Wilmslow' });

    const many = await db.records.createMany({
      label: 'PERSON',
      data: [
        { name: 'Grace', age: 85 },
        { name: 'Tim', age: 25 },
      ],
    });
    expect(many).toMatchObject({ created: 2 });

    const adults = await db.records.find<Person>({
      labels: ['PERSON'],
      where: { age: { $gte: 30 } },
      orderBy: { age: 'asc' },
    });
    expect(adults.items.map((r) => r.age)).toEqual([41, 85]);
    expect(adults.total).toBe(2);
    expect((await db.records.findOne<Person>({ where: { name: 'Grace' } }))?.age).toBe(85);
    expect(await db.records.findOne({ where: { name: 'Nobody' } })).toBeNull();
    expect((await db.records.findUniq<Person>({ where: { name: 'Tim' } }))?.age).toBe(25);
    const notUnique = await caught(db.records.findUniq({ labels: ['PERSON'], where: { age: { $gt: 0 } } }));
    expect(notUnique).toBeInstanceOf(ConflictError);
    expect(notUnique.details).toMatchObject({ reason: 'not-unique', total: 3 });

    const counts = await db.records.aggregate({
      labels: ['PERSON'],
      where: { age: { $exists: true } },
      select: { n: { $count: '*' }, oldest: { $max: '$record.age' } },
    });
    expect(counts.items).toEqual([{ n: 3, oldest: 85 }]);

    const grace = (await db.records.findOne({ where: { name: 'Grace' } }))!;
    const tim = (await db.records.findOne({ where: { name: 'Tim' } }))!;
    expect(await db.records.deleteById([grace.__id, tim.__id])).toEqual({ deleted: 2 });
    expect(await db.records.deleteById(ada.__id, { cascade: true })).toEqual({ deleted: 2 });
    await expect(db.records.get(ada.__id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.records.delete({ labels: ['PERSON'], where: { email: 'alan@example.com' } })).toEqual({
      deleted: 1,
    });
    expect((await db.records.find({ labels: ['PERSON'] })).total).toBe(0);
  },

  async 'history: versions newest first, a read as of a time, restore'({ db, expect }) {
    const doc = await db.records.create<{ title: string }>({ label: 'DOC', data: { title: 'one' } });
    await new Promise((r) => setTimeout(r, 10));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 10));
    await db.records.set(doc.__id, { title: 'two', extra: true });
    const versions = await db.records.history(doc.__id);
    expect(versions.total).toBe(2);
    expect(versions.items.map((v) => [v.version, v.change, v.operation, v.data])).toEqual([
      [2, 'update', 'records.set', { title: 'two', extra: true }],
      [1, 'create', 'records.create', { title: 'one' }],
    ]);
    expect((await db.records.get<{ title: string }>(doc.__id, { asOf: between })).title).toBe('one');
    await expect(db.records.get(doc.__id, { asOf: '2001-01-01' })).rejects.toBeInstanceOf(NotFoundError);
    const restored = await db.records.restore<{ title: string }>(doc.__id, 1);
    expect(restored.title).toBe('one');
    expect(restored.extra).toBeUndefined();
    const page = await db.records.history(doc.__id, { limit: 2 });
    expect(page.items.map((v) => v.version)).toEqual([3, 2]);
    expect((await page.next())!.items.map((v) => v.version)).toEqual([1]);
    const other = await db.records.create({ label: 'DOC', data: { title: 'other' } });
    await db.relationships.attach({ sourceId: doc.__id, targetIds: other.__id, type: 'CITES' });
    const events = await db.records.relationshipHistory(other.__id);
    expect(events.items).toEqual([
      expect.objectContaining({ change: 'attach', direction: 'in', type: 'CITES', otherId: doc.__id }),
    ]);
  },

  async 'supersede: a newer memory replaces an older one; latestOnly leaves the old one out'({ db, expect }) {
    const old = await db.records.create({ label: 'MEMORY', data: { user_id: 'alice', text: 'lives in Paris' } });
    const now = await db.records.create({
      label: 'MEMORY',
      data: { user_id: 'alice', text: 'lives in Oslo' },
      options: { supersedes: old.__id },
    });
    expect((await db.records.find({ labels: ['MEMORY'] })).total).toBe(2);
    const latest = await db.records.find({ labels: ['MEMORY'], where: { user_id: 'alice' }, latestOnly: true });
    expect(latest.items.map((r) => r.__id)).toEqual([now.__id]);
    await expect(
      db.records.create({
        label: 'MEMORY',
        data: { text: 'x' },
        options: { supersedes: '01900000-0000-7000-8000-000000000000' },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', path: ['options', 'supersedes'] });
  },

  async 'import and export: JSON, JSONL and CSV in, CSV out'({ db, expect }) {
    expect(
      await db.records.importJson({ label: 'EVENT', data: '{"n":1,"kind":"a"}\n{"n":2,"kind":"b"}\n' }),
    ).toMatchObject({ created: 2 });
    expect(await db.records.importCsv({ label: 'ROW', csv: 'id,name\n1,Ada\n2,"Lovelace, A."\n' })).toMatchObject({
      created: 2,
    });
    const rows = await db.records.find({ labels: ['ROW'], orderBy: { id: 'asc' } });
    expect(rows.items.map((r) => [r.id, r.name])).toEqual([
      [1, 'Ada'],
      [2, 'Lovelace, A.'],
    ]);
    const csv = await db.records.exportCsv({ labels: ['ROW'], orderBy: { id: 'asc' } });
    expect(csv.split('\n')[0]).toContain('name');
    expect(csv).toContain('"Lovelace, A."');
    expect(csv.trim().split('\n')).toHaveLength(3);
  },

  async 'paging: pages with next(), iterate over every record once, in order'({ db, expect }) {
    await db.records.createMany({ label: 'ITEM', data: Array.from({ length: 25 }, (_, i) => ({ i })) });
    const first = await db.records.find<{ i: number }>({ labels: ['ITEM'], orderBy: { i: 'asc' }, limit: 10 });
    expect(first).toMatchObject({ total: 25, skip: 0, hasMore: true });
    const second = (await first.next())!;
    const third = (await second.next())!;
    expect([first.items.length, second.items.length, third.items.length]).toEqual([10, 10, 5]);
    expect(third.hasMore).toBe(false);
    expect(await third.next()).toBeNull();
    expect(third.items.map((r) => r.i)).toEqual([20, 21, 22, 23, 24]);

    const seen: number[] = [];
    for await (const r of db.records.iterate<{ i: number }>(
      { labels: ['ITEM'], orderBy: { i: 'asc' } },
      { pageSize: 7 },
    ))
      seen.push(r.i);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const filtered: number[] = [];
    for await (const r of db.records.iterate<{ i: number }>({ labels: ['ITEM'], where: { i: { $lt: 3 } } }))
      filtered.push(r.i);
    expect(filtered.sort()).toEqual([0, 1, 2]);
  },

  async 'relationships, labels, properties and the live schema'({ db, expect }) {
    const acme = await db.records.create({ label: 'COMPANY', data: { name: 'Acme' } });
    const ada = await db.records.create({ label: 'PERSON', data: { name: 'Ada', role: 'cto' } });
    const bob = await db.records.create({ label: 'PERSON', data: { name: 'Bob', role: 'dev' } });
    expect(await db.relationships.attach({ sourceId: ada.__id, targetIds: [acme.__id], type: 'WORKS_AT' })).toEqual({
      attached: 1,
    });
    expect(await db.relationships.attach({ sourceId: bob.__id, targetIds: acme.__id, type: 'WORKS_AT' })).toEqual({
      attached: 1,
    });
    const edges = await db.relationships.find({ where: { type: 'WORKS_AT' } });
    expect(edges.total).toBe(2);
    expect(edges.items.every((e) => e.targetId === acme.__id && e.origin === 'manual')).toBe(true);
    const around = await db.relationships.neighbors({ id: acme.__id });
    expect(around.nodes.map((n) => n.name).sort()).toEqual(['Acme', 'Ada', 'Bob']);
    const graph = await db.relationships.graph({ label: 'COMPANY' });
    expect(graph.nodes.length).toBeGreaterThanOrEqual(1);

    // A related-records filter: people who work at Acme.
    const staff = await db.records.find({
      labels: ['PERSON'],
      where: { COMPANY: { $relation: { type: 'WORKS_AT', direction: 'out' }, name: 'Acme' } },
    });
    expect(staff.total).toBe(2);

    expect(await db.labels.find()).toEqual({ COMPANY: 1, PERSON: 2 });
    expect(await db.labels.find({ where: { role: 'cto' } })).toEqual({ PERSON: 1 });
    const props = await db.properties.find({ labels: ['PERSON'] });
    expect(props.map((p) => p.name).sort()).toEqual(['name', 'role']);
    const values = await db.properties.values({ label: 'PERSON', property: 'role' });
    expect(values.items.map((v) => v.value).sort()).toEqual(['cto', 'dev']);

    const schema = await db.schema.get();
    expect(schema.labels.map((l) => l.name).sort()).toEqual(['COMPANY', 'PERSON']);
    const markdown = await db.schema.markdown({ labels: ['PERSON'] });
    expect(markdown).toContain('PERSON');
    expect(markdown).not.toContain('COMPANY (');

    expect(await db.relationships.detach({ sourceId: ada.__id, targetIds: acme.__id, types: 'WORKS_AT' })).toEqual({
      detached: 1,
    });
    expect((await db.relationships.find({})).total).toBe(1);
  },

  async 'suggestions: analyze, list, get, preview, approve, reject, withdraw'({ db, expect }) {
    await db.records.importJson({
      data: {
        CUSTOMER: Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: `customer ${i + 1}` })),
        ORDER: Array.from({ length: 120 }, (_, i) => ({ id: 1001 + i, customer_id: (i % 40) + 1 })),
        USER: Array.from({ length: 25 }, (_, i) => ({ email: `user${i}@example.com` })),
        TICKET: Array.from({ length: 60 }, (_, i) => ({ title: `t${i}`, assignee: `user${i % 25}@example.com` })),
      },
    });
    expect(await db.suggestions.analyze({ wait: true })).toMatchObject({ status: 'done', found: 2 });
    expect(await db.suggestions.analysis()).toMatchObject({ status: 'done', found: 2 });
    const list = await db.suggestions.list();
    expect(list.total).toBe(2);
    const orders = list.items.find((s) => s.source.key === 'customer_id')!;
    const tickets = list.items.find((s) => s.source.key === 'assignee')!;
    expect(await db.suggestions.get(orders.id)).toEqual(orders);
    expect(await db.suggestions.preview(orders.id)).toMatchObject({ create: 120, existing: 0 });
    const approved = await db.suggestions.approve({ id: orders.id, type: 'PLACED_BY' });
    expect(approved).toMatchObject({ created: 120, suggestion: { status: 'approved', type: 'PLACED_BY' } });
    expect((await db.relationships.find({ where: { type: 'PLACED_BY' }, limit: 1 })).total).toBe(120);
    expect(await db.suggestions.reject(tickets.id)).toMatchObject({ status: 'rejected' });
    expect((await db.suggestions.list({ status: 'rejected' })).items.map((s) => s.id)).toEqual([tickets.id]);
    expect(await db.suggestions.withdraw({ id: orders.id, deleteEdges: true })).toEqual({
      deleted: true,
      edgesDeleted: 120,
    });
    expect((await db.relationships.find({ where: { type: 'PLACED_BY' } })).total).toBe(0);
  },

  async 'indexes: list, get, external vectors, vector search, retry refused when nothing failed, delete'({
    db,
    expect,
  }) {
    const ext = await db.ai.indexes.create({ label: 'DOC', propertyName: 'emb', external: true, dimensions: 3 });
    expect(ext).toMatchObject({ label: 'DOC', propertyName: 'emb', source: 'external', dimensions: 3 });
    const a = await db.records.create({ label: 'DOC', data: { title: 'north' } });
    const b = await db.records.create({ label: 'DOC', data: { title: 'east' } });
    expect(
      await db.ai.indexes.upsertVectors({
        id: ext.id,
        items: [
          { recordId: a.__id, vector: [0, 1, 0] },
          { recordId: b.__id, vector: [1, 0, 0] },
        ],
      }),
    ).toEqual({ upserted: 2 });
    const hits = await db.ai.search({
      labels: ['DOC'],
      propertyName: 'emb',
      queryVector: [0.1, 0.9, 0],
      mode: 'semantic',
    });
    expect(hits.items.map((h) => h.title)).toEqual(['north', 'east']);
    expect((await db.ai.indexes.list()).map((i) => i.id)).toEqual([ext.id]);
    expect((await db.ai.indexes.get(ext.id)).id).toBe(ext.id);
    const retry = await caught(db.ai.indexes.retry(ext.id));
    expect(retry).toBeInstanceOf(EngramError);
    expect([400, 409]).toContain(retry.status);
    expect((await db.ai.indexes.delete(ext.id)).id).toBe(ext.id);
    await expect(db.ai.indexes.get(ext.id)).rejects.toBeInstanceOf(NotFoundError);
  },

  async 'batch: ops in one transaction, $op references, all or nothing'({ db, expect }) {
    const done = await db.batch([
      { op: 'create', label: 'TEAM', data: { name: 'core' } },
      { op: 'create', label: 'MEMBER', data: { name: 'Ada' } },
      { op: 'attach', sourceId: { $op: 1 }, targetIds: { $op: 0 }, type: 'MEMBER_OF' },
      { op: 'upsert', label: 'TEAM', data: { name: 'core', size: 1 }, mergeBy: ['name'] },
    ]);
    expect(done.results.map((r) => r.op)).toEqual(['create', 'create', 'attach', 'upsert']);
    expect(await db.labels.find()).toEqual({ MEMBER: 1, TEAM: 1 });
    const failed = await caught(
      db.batch([
        { op: 'create', label: 'TEAM', data: { name: 'other' } },
        { op: 'update', id: NO_SUCH_ID, data: { x: 1 } },
      ]),
    );
    expect(failed).toBeInstanceOf(NotFoundError);
    expect(await db.labels.find()).toEqual({ MEMBER: 1, TEAM: 1 });
  },

  async 'errors: each code as its class, with status, path, expected and got'({ db, expect }) {
    const invalid = await caught(db.records.create({ label: '', data: {} }));
    expect(invalid).toBeInstanceOf(InvalidError);
    expect(invalid).toMatchObject({ code: 'INVALID', status: 400, path: ['label'] });
    expect(invalid.expected).toBeTruthy();
    const badWhere = await caught(db.records.find({ where: { age: { $gt: [1] } } as Record<string, unknown> }));
    expect(badWhere).toMatchObject({ code: 'INVALID', status: 400 });
    expect(badWhere.path?.slice(0, 3)).toEqual(['where', 'age', '$gt']);

    const missing = await caught(db.records.get(NO_SUCH_ID));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', status: 404, operation: 'GET /records/{id}' });

    const wrongKey = await caught(db.with({ apiKey: 'not-a-key-of-this-server-0123456789' }).records.find());
    expect(wrongKey).toBeInstanceOf(UnauthorizedError);
    expect(wrongKey.status).toBe(401);

    const key = await db.keys.create({ name: 'reader', scope: 'read' });
    const reader = db.with({ apiKey: key.key, project: undefined });
    expect((await reader.records.find()).total).toBe(0);
    const forbidden = await caught(reader.records.create({ label: 'X', data: {} }));
    expect(forbidden).toBeInstanceOf(ForbiddenError);
    expect(forbidden.status).toBe(403);

    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { child: deep };
    const tooDeep = await caught(db.records.create({ label: 'DEEP', data: deep }));
    expect(tooDeep).toBeInstanceOf(LimitExceededError);
    expect(tooDeep.code).toBe('LIMIT_EXCEEDED');
    expect((await db.records.find({ labels: ['DEEP'] })).total).toBe(0);

    const tx = await db.tx.begin({ ttl: 5_000 });
    await tx.rollback();
    const ended = await caught(tx.commit());
    expect(ended).toBeInstanceOf(ConflictError);
    expect(ended.status).toBe(409);

    const nowhere = new Engram({ url: 'http://127.0.0.1:9', apiKey: 'k', retries: 1, timeoutMs: 2_000 });
    const down = await caught(nowhere.records.find());
    expect(down).toBeInstanceOf(UnavailableError);
    expect(down).toMatchObject({ code: 'UNAVAILABLE', status: 0 });
  },

  async 'retries: reads again after 503 and network errors, a write is sent once'({ db, expect }) {
    // Faults injected in front of the real server through the client's fetch option.
    let failNext = 0;
    let sent = 0;
    const inner = db.options.fetch;
    const flaky = db.with({
      retries: 2,
      fetch: async (req) => {
        sent++;
        if (failNext > 0) {
          failNext--;
          if (failNext % 2 === 0) throw new TypeError('fetch failed');
          return Response.json({ error: { code: 'UNAVAILABLE', message: 'busy' } }, { status: 503 });
        }
        return inner(req);
      },
    });
    await flaky.records.create({ label: 'R', data: { n: 1 } });
    failNext = 2;
    sent = 0;
    expect((await flaky.records.find({ labels: ['R'] })).total).toBe(1);
    expect(sent).toBe(3);
    failNext = 3;
    sent = 0;
    await expect(flaky.records.find({ labels: ['R'] })).rejects.toBeInstanceOf(UnavailableError);
    expect(sent).toBe(3);
    failNext = 1;
    sent = 0;
    await expect(flaky.records.create({ label: 'R', data: { n: 2 } })).rejects.toBeInstanceOf(UnavailableError);
    expect(sent).toBe(1);
    expect((await db.records.find({ labels: ['R'] })).total).toBe(1);
  },

  async 'projects and keys: a key sees its own project only; revoked keys are refused'({ db, expect, project }) {
    const current = await db.projects.current();
    expect(current.project.name).toBe(project);
    expect((await db.projects.list()).some((p) => p.name === project)).toBe(true);
    const other = await db.projects.create({ name: `${project}-other` });
    await db.withProject(other.name).records.create({ label: 'SECRET', data: { v: 1 } });
    const key = await db.keys.create({ name: 'writer', scope: 'write' });
    expect(key.key).toBeTruthy();
    expect((await db.keys.list()).map((k) => k.id)).toContain(key.id);
    const writer = db.with({ apiKey: key.key, project: undefined });
    await writer.records.create({ label: 'MINE', data: { v: 2 } });
    expect(await writer.labels.find()).toEqual({ MINE: 1 });
    await expect(writer.withProject(other.name).records.find()).rejects.toBeInstanceOf(NotFoundError);
    expect((await db.keys.revoke(key.id)).revokedAt).toBeTruthy();
    await expect(writer.records.find()).rejects.toBeInstanceOf(UnauthorizedError);
  },
};

/** Scenarios that hold a transaction open (on the embedded database it holds the one connection). */
export const txScenarios: Record<string, Scenario> = {
  async 'transactions: begin, calls with { tx } and on tx.*, reads see their writes, commit and rollback'({
    db,
    expect,
  }) {
    const tx = await db.tx.begin({ ttl: 20_000 });
    expect((await db.tx.get(tx.id)).id).toBe(tx.id);
    const a = await tx.records.create({ label: 'TX', data: { n: 1 } });
    await db.records.create({ label: 'TX', data: { n: 2 } }, { tx });
    await db.records.update(a.__id, { n: 10 }, { tx: tx.id });
    expect((await tx.records.find({ labels: ['TX'], orderBy: { n: 'asc' } })).items.map((r) => r.n)).toEqual([2, 10]);
    expect(await tx.commit()).toEqual({ id: tx.id, status: 'committed' });
    expect((await db.records.find({ labels: ['TX'] })).total).toBe(2);
    await expect(db.tx.get(tx.id)).rejects.toBeInstanceOf(EngramError);

    const undone = await db.tx.begin();
    await undone.records.create({ label: 'TX', data: { n: 3 } });
    await undone.batch([{ op: 'create', label: 'TX', data: { n: 4 } }]);
    expect(await db.tx.rollback(undone)).toEqual({ id: undone.id, status: 'rolled back' });
    expect((await db.records.find({ labels: ['TX'] })).total).toBe(2);
  },

  async 'tx.run: commits what the function wrote, rolls back when it throws'({ db, expect }) {
    const made = await db.tx.run(async (tx) => {
      const r = await tx.records.create<{ n: number }>({ label: 'RUN', data: { n: 1 } });
      await tx.relationships.attach({
        sourceId: r.__id,
        targetIds: (await tx.records.create({ label: 'RUN', data: { n: 2 } })).__id,
      });
      return r;
    });
    expect(made.n).toBe(1);
    expect((await db.records.find({ labels: ['RUN'] })).total).toBe(2);
    const boom = new Error('boom');
    await expect(
      db.tx.run(async (tx) => {
        await tx.records.create({ label: 'RUN', data: { n: 3 } });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect((await db.records.find({ labels: ['RUN'] })).total).toBe(2);
    expect(await db.tx.list()).toEqual([]);
  },
};

/**
 * PostgreSQL only: a transaction that loses a race for the same record is retried by tx.run. (On the
 * embedded database transactions take turns on one connection, so no such race can happen.)
 */
export const postgresTxScenarios: Record<string, Scenario> = {
  async 'tx.run: a serialization conflict runs the function again, a bounded number of times'({ db, expect }) {
    const rec = await db.records.create<{ n: number }>({ label: 'COUNTER', data: { n: 0 } });
    let attempts = 0;
    const result = await db.tx.run(async (tx) => {
      attempts++;
      const seen = await tx.records.get<{ n: number }>(rec.__id);
      if (attempts === 1) await db.records.update(rec.__id, { n: 100 }); // a concurrent commit, outside
      return tx.records.update<{ n: number }>(rec.__id, { n: seen.n + 1 });
    });
    expect(attempts).toBe(2);
    expect(result.n).toBe(101);
    expect((await db.records.get<{ n: number }>(rec.__id)).n).toBe(101);

    let tries = 0;
    const lost = await caught(
      db.tx.run(
        async (tx) => {
          tries++;
          await tx.records.get(rec.__id);
          await db.records.update(rec.__id, { n: tries * 1000 });
          await tx.records.update(rec.__id, { n: -1 });
        },
        { retries: 1 },
      ),
    );
    expect(lost).toBeInstanceOf(ConflictError);
    expect((lost as ConflictError).retryable).toBe(true);
    expect(tries).toBe(2);
    expect((await db.records.get<{ n: number }>(rec.__id)).n).toBe(2000);
  },
};

export type { EngramRecord };
