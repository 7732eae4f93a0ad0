import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql as S } from '@/server/db';
import type { ProjectDeps } from '@/server/domain/deps';
import { attachRelationships, detachRelationships, searchRelationships } from '@/server/domain/relationships';
import {
  createRecord,
  deleteRecord,
  deleteRecords,
  importJson,
  searchRecords,
  setRecord,
  updateRecord,
  type TRecord,
} from '@/server/domain/records';
import { COMPACT_THRESHOLD, compactSchemaStats, getSchema, type TSchema } from '@/server/domain/schema';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

let engram: Engram;
let api: ReturnType<typeof httpClient>;

beforeAll(async () => {
  engram = await startTestEngram();
  api = httpClient(engram);
});
afterAll(() => engram?.close());

async function newProject(): Promise<ProjectDeps> {
  const res = await api.rest('POST', '/projects', { body: { name: uniqueName('schema') } });
  expect(res.status).toBe(201);
  return { db: engram.db.prisma, projectId: res.body.data.id };
}

/** The schema through the real REST handler. */
async function restSchema(deps: ProjectDeps, query = ''): Promise<TSchema> {
  const res = await api.rest('GET', `/schema${query}`, { project: deps.projectId });
  expect(res.status).toBe(200);
  return res.body.data as TSchema;
}

type Shape = Record<
  string,
  { count: number; props: Record<string, Record<string, number>>; rels: Record<string, number> }
>;

/** What the schema must say, computed the slow way: every record and every edge read back. */
async function groundTruth(deps: ProjectDeps): Promise<Shape> {
  const shape: Shape = {};
  const at = (label: string) => (shape[label] ??= { count: 0, props: {}, rels: {} });
  for (let skip = 0; ; skip += 1000) {
    const page = await searchRecords(deps, { skip, limit: 1000, orderBy: 'asc' });
    for (const r of page.items as TRecord[]) {
      const l = at(r.__label);
      l.count += 1;
      for (const [name, type] of Object.entries(r.__proptypes)) {
        const types = (l.props[name] ??= {});
        types[type] = (types[type] ?? 0) + 1;
      }
    }
    if (page.items.length < 1000) break;
  }
  for (let skip = 0; ; skip += 1000) {
    const page = await searchRelationships(deps, { skip, limit: 1000 });
    for (const e of page.items) {
      const out = `out ${e.type} ${e.targetLabel}`;
      const inn = `in ${e.type} ${e.sourceLabel}`;
      at(e.sourceLabel).rels[out] = (at(e.sourceLabel).rels[out] ?? 0) + 1;
      at(e.targetLabel).rels[inn] = (at(e.targetLabel).rels[inn] ?? 0) + 1;
    }
    if (page.items.length < 1000) break;
  }
  return shape;
}

function shapeOf(schema: TSchema): Shape {
  const shape: Shape = {};
  for (const l of schema.labels) {
    const props: Shape[string]['props'] = {};
    for (const p of l.properties) {
      expect(p.coverage).toBeCloseTo(p.count / l.count, 12);
      props[p.name] = {};
      // the per-type split is not in the output; the types and the property total are
      for (const t of p.types) props[p.name]![t] = -1;
      props[p.name]!.__total = p.count;
    }
    const rels: Record<string, number> = {};
    for (const r of l.relationships) rels[`${r.direction} ${r.type} ${r.label}`] = r.count;
    shape[l.name] = { count: l.count, props, rels };
  }
  return shape;
}

/** Ground truth reduced to what the schema shows: types present and the property total. */
function expected(truth: Shape): Shape {
  const out: Shape = {};
  for (const [label, l] of Object.entries(truth)) {
    const props: Shape[string]['props'] = {};
    for (const [name, types] of Object.entries(l.props)) {
      props[name] = Object.fromEntries(Object.keys(types).map((t) => [t, -1]));
      props[name]!.__total = Object.values(types).reduce((a, b) => a + b, 0);
    }
    out[label] = { count: l.count, props, rels: l.rels };
  }
  return out;
}

async function expectExact(deps: ProjectDeps) {
  const schema = await restSchema(deps);
  expect(shapeOf(schema)).toEqual(expected(await groundTruth(deps)));
  const names = schema.labels.map((l) => l.name);
  expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  for (const l of schema.labels) {
    const props = l.properties.map((p) => p.name);
    expect(props).toEqual([...props].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return schema;
}

const deltaRows = async (deps: ProjectDeps) =>
  (await engram.db.prisma.$queryRaw<{ n: number }[]>(S.schemaSql.countDeltaRows(deps.projectId, 1_000_000)))[0]!.n;

const USERS = [
  {
    name: 'ann',
    age: 31,
    joined: '2024-01-05',
    tags: ['a', 'b'],
    posts: [
      { title: 'hello', likes: 3 },
      { title: 'again', likes: 10 },
    ],
  },
  {
    name: 'bob',
    age: 42,
    joined: '2024-03-01T09:30:00+02:00',
    tags: ['a'],
    posts: [{ title: 'first', likes: 1, comments: [{ text: 'nice' }] }],
  },
  { name: 'cid', joined: '2023-12-31T23:00:00Z', nickname: null, address: { city: 'Oslo' } },
];

describe(`live schema counts (${backendName})`, () => {
  it('nested imports: children labels, HAS_* relationships in both directions, exact coverage', async () => {
    const deps = await newProject();
    await importJson(deps, { label: 'USER', data: USERS });
    const schema = await expectExact(deps);
    const user = schema.labels.find((l) => l.name === 'USER')!;
    expect(user).toMatchObject({ count: 3, sampledFrom: 3 });
    expect(user.properties.find((p) => p.name === 'age')).toMatchObject({
      types: ['number'],
      count: 2,
      coverage: 2 / 3,
      min: 31,
      max: 42,
    });
    expect(user.properties.find((p) => p.name === 'nickname')).toMatchObject({ types: ['null'], count: 1 });
    expect(user.relationships).toEqual([
      { type: 'HAS_ADDRESS', direction: 'out', label: 'address', count: 1 },
      { type: 'HAS_POSTS', direction: 'out', label: 'posts', count: 3 },
    ]);
    const posts = schema.labels.find((l) => l.name === 'posts')!;
    expect(posts.count).toBe(3);
    expect(posts.relationships).toEqual([
      { type: 'HAS_COMMENTS', direction: 'out', label: 'comments', count: 1 },
      { type: 'HAS_POSTS', direction: 'in', label: 'USER', count: 3 },
    ]);
    expect(schema.labels.map((l) => l.name)).toEqual(['USER', 'address', 'comments', 'posts']);
  });

  it('stays exact through creates, type-changing updates, replaces, deletes and relationship changes', async () => {
    const deps = await newProject();
    await importJson(deps, { label: 'USER', data: USERS });
    const a = await createRecord(deps, { label: 'NOTE', data: { body: 'x', score: 1 } });
    const b = await createRecord(deps, { label: 'NOTE', data: { body: 'y', score: 2, pinned: true } });
    await expectExact(deps);

    await updateRecord(deps, { id: a.__id, data: { score: 'high', extra: [1, 2] } });
    let note = (await expectExact(deps)).labels.find((l) => l.name === 'NOTE')!;
    expect(note.properties.find((p) => p.name === 'score')!.types.sort()).toEqual(['number', 'string']);

    await setRecord(deps, { id: b.__id, data: { body: 'z' } });
    note = (await expectExact(deps)).labels.find((l) => l.name === 'NOTE')!;
    expect(note.properties.map((p) => p.name)).toEqual(['body', 'extra', 'score']);
    expect(note.properties.find((p) => p.name === 'score')).toMatchObject({
      types: ['string'],
      count: 1,
      coverage: 0.5,
    });

    const users = { items: (await searchRecords(deps, { labels: ['USER'], orderBy: 'asc' })).items as TRecord[] };
    await attachRelationships(deps, { sourceId: a.__id, targetIds: users.items.map((u) => u.__id), type: 'ABOUT' });
    await attachRelationships(deps, { sourceId: a.__id, targetIds: b.__id, type: 'LINKS' });
    await expectExact(deps);
    await detachRelationships(deps, { sourceId: a.__id, targetIds: users.items[0]!.__id, types: 'ABOUT' });
    await expectExact(deps);

    await deleteRecord(deps, { id: users.items[0]!.__id }); // children stay, its edges go
    await expectExact(deps);
    await deleteRecord(deps, { id: users.items[1]!.__id, cascade: true });
    await expectExact(deps);
    await deleteRecords(deps, { labels: ['NOTE'], where: { body: 'z' } });
    await expectExact(deps);
    await deleteRecords(deps, { force: true });
    expect((await restSchema(deps)).labels).toEqual([]);
  });

  it('compaction folds the deltas and changes no count', async () => {
    const deps = await newProject();
    await importJson(deps, { label: 'USER', data: USERS });
    const one = await createRecord(deps, { label: 'NOTE', data: { body: 'x' } });
    await deleteRecord(deps, { id: one.__id });
    const before = await getSchema(deps);
    expect(await deltaRows(deps)).toBeGreaterThan(0);
    expect(await compactSchemaStats(deps)).toEqual({ compacted: true });
    expect(await deltaRows(deps)).toBe(0);
    expect(await getSchema(deps)).toEqual(before);
    expect(before.labels.map((l) => l.name)).not.toContain('NOTE'); // its +1 and -1 cancelled out
    await importJson(deps, { label: 'USER', data: USERS.slice(0, 1) });
    await expectExact(deps); // stat + new deltas
  });

  it('concurrent writes, compactions and reads leave the counts exact', async () => {
    const deps = await newProject();
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      work.push(createRecord(deps, { label: 'C', data: { i, even: i % 2 === 0, child: { i } } }));
      if (i % 5 === 0) work.push(compactSchemaStats(deps), getSchema(deps));
    }
    await Promise.all(work);
    await compactSchemaStats(deps);
    const c = (await expectExact(deps)).labels.find((l) => l.name === 'C')!;
    expect(c).toMatchObject({
      count: 40,
      relationships: [{ type: 'HAS_CHILD', direction: 'out', label: 'child', count: 40 }],
    });
  });

  it(`a read compacts once more than ${COMPACT_THRESHOLD} delta rows piled up`, async () => {
    const deps = await newProject();
    // Each create appends 11 delta rows: the record count and one per property.
    const creates = Math.floor(COMPACT_THRESHOLD / 11) + 1;
    for (let i = 0; i < creates; i++)
      await createRecord(deps, {
        label: 'EVENT',
        data: { i, kind: `k${i % 3}`, at: '2025-01-01', ok: true, a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 },
      });
    expect(await deltaRows(deps)).toBeGreaterThan(COMPACT_THRESHOLD);
    const schema = await expectExact(deps);
    expect(await deltaRows(deps)).toBe(0);
    expect(schema.labels[0]).toMatchObject({ name: 'EVENT', count: creates });
  });

  it('filters by labels: comma-separated, repeated, and from tRPC; the other end of a relationship still shows', async () => {
    const deps = await newProject();
    await importJson(deps, { label: 'USER', data: USERS });
    const byComma = await restSchema(deps, '?labels=USER,comments');
    expect(byComma.labels.map((l) => l.name)).toEqual(['USER', 'comments']);
    expect(byComma.labels[0]!.relationships.map((r) => r.label)).toEqual(['address', 'posts']);
    const repeated = await restSchema(deps, '?labels=posts&labels=USER');
    expect(repeated.labels.map((l) => l.name)).toEqual(['USER', 'posts']);
    const trpc = await api.trpcQuery('schema.get', { labels: ['address'] }, { project: deps.projectId });
    expect(trpc.status).toBe(200);
    expect(trpc.body.result.data.labels.map((l: { name: string }) => l.name)).toEqual(['address']);
    expect((await restSchema(deps, '?labels=NOPE')).labels).toEqual([]);
    expect((await restSchema(deps, '?labels=')).labels).toHaveLength(4);
    const tooMany = await api.rest(
      'GET',
      `/schema?labels=${Array.from({ length: 101 }, (_, i) => `L${i}`).join(',')}`,
      { project: deps.projectId },
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('INVALID');
  });

  it('another project never shows up', async () => {
    const mine = await newProject();
    const theirs = await newProject();
    await importJson(mine, { label: 'MINE', data: [{ secret: 'no' }] });
    await importJson(theirs, { label: 'THEIRS', data: [{ secret: 'yes', child: { x: 1 } }] });
    const schema = await restSchema(mine);
    expect(schema.labels.map((l) => l.name)).toEqual(['MINE']);
    expect(JSON.stringify(schema)).not.toContain('THEIRS');
    expect((await restSchema(mine, '?labels=THEIRS,child')).labels).toEqual([]);
    const md = await api.rest('GET', '/schema/markdown', { project: mine.projectId });
    expect(md.body).not.toContain('THEIRS');
  });

  it('a read-scoped key may read the schema', async () => {
    const deps = await newProject();
    await importJson(deps, { label: 'USER', data: USERS.slice(0, 1) });
    const key = await api.rest('POST', '/keys', { project: deps.projectId, body: { name: 'reader', scope: 'read' } });
    const res = await api.rest('GET', '/schema', { token: key.body.data.key });
    expect(res.status).toBe(200);
    expect(res.body.data.labels.map((l: { name: string }) => l.name)).toContain('USER');
    expect((await api.rest('GET', '/schema', { token: null })).status).toBe(401);
  });
});

describe(`live schema ranges and samples (${backendName})`, () => {
  it('min/max for numbers and datetimes, most frequent strings, array elements', async () => {
    const deps = await newProject();
    await importJson(deps, {
      label: 'ITEM',
      data: [
        {
          n: 5,
          at: '2024-06-01T12:00:00+02:00',
          color: 'red',
          sizes: [3, 9],
          days: ['2020-01-01', '2030-01-01'],
          words: ['x'],
        },
        { n: -2.5, at: '2024-06-01T11:00:00Z', color: 'blue', sizes: [1], words: ['y', 'x'] },
        { n: 100, at: '2023-01-01', color: 'red', flag: true },
        { n: 7, color: 'green | "quoted"', sizes: [] },
        { color: 'red' },
        { color: 'blue' },
        { color: 'pink' },
        { color: 'teal' },
      ],
    });
    const item = (await restSchema(deps)).labels[0]!;
    const prop = (name: string) => item.properties.find((p) => p.name === name)!;
    expect(item).toMatchObject({ name: 'ITEM', count: 8, sampledFrom: 8 });
    expect(prop('n')).toMatchObject({ min: -2.5, max: 100, count: 4, coverage: 0.5 });
    // 12:00+02:00 is 10:00Z, earlier than 11:00Z
    expect(prop('at')).toMatchObject({ min: '2023-01-01', max: '2024-06-01T11:00:00Z' });
    expect(prop('color').samples).toEqual(['red', 'blue', 'green | "quoted"', 'pink', 'teal']);
    expect(prop('sizes')).toMatchObject({ types: ['number[]', 'array'], min: 1, max: 9 });
    expect(prop('days')).toMatchObject({ min: '2020-01-01', max: '2030-01-01' });
    expect(prop('words').samples).toEqual(['x', 'y']);
    expect(prop('flag')).not.toHaveProperty('min');
    expect(prop('flag')).not.toHaveProperty('samples');
  });

  it('ranges come from the most recent 1000 records of a label, and say so', async () => {
    const deps = await newProject();
    await importJson(deps, { label: 'SEQ', data: Array.from({ length: 1200 }, (_, i) => ({ i, s: `v${i}` })) });
    const seq = (await restSchema(deps)).labels[0]!;
    expect(seq).toMatchObject({ count: 1200, sampledFrom: 1000 });
    expect(seq.properties.find((p) => p.name === 'i')).toMatchObject({ count: 1200, coverage: 1, min: 200, max: 1199 });
    expect(seq.properties.find((p) => p.name === 's')!.samples).toHaveLength(5);
  });

  it('long strings are cut and a datetime PostgreSQL cannot cast does not break the schema', async () => {
    const deps = await newProject();
    await importJson(deps, {
      label: 'ODD',
      data: [{ text: 'x'.repeat(5_000), at: '0000-01-01' }, { at: '2020-01-01T10:00+99:00' }, { at: '2021-01-01' }],
    });
    const odd = (await restSchema(deps)).labels[0]!;
    expect(odd.properties.find((p) => p.name === 'text')!.samples![0]).toHaveLength(200);
    expect(odd.properties.find((p) => p.name === 'at')).toMatchObject({ count: 3, max: '2021-01-01' });
  });
});

describe(`live schema as Markdown (${backendName})`, () => {
  it('names the labels, properties and relationships, over REST and tRPC', async () => {
    const deps = await newProject();
    await importJson(deps, { label: 'USER', data: USERS });
    const res = await api.rest('GET', '/schema/markdown', { project: deps.projectId });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const md: string = res.body;
    expect(md).toContain('## USER (3 records)');
    expect(md).toContain('## posts (3 records)');
    expect(md).toContain('| age | number | 66.7% | 31 … 42 |');
    expect(md).toContain('| name | string | 100% | "ann", "bob", "cid" |');
    expect(md).toContain('| joined | datetime | 100% | 2023-12-31T23:00:00Z … 2024-03-01T09:30:00+02:00 |');
    expect(md).toContain('- (USER)-[:HAS_POSTS]->(posts) × 3');
    expect(md).toContain('- (posts)<-[:HAS_POSTS]-(USER) × 3');
    expect(md).toContain('- (posts)-[:HAS_COMMENTS]->(comments) × 1');
    const only = await api.trpcQuery('schema.markdown', { labels: ['comments'] }, { project: deps.projectId });
    expect(only.body.result.data.markdown).toContain('## comments (1 record)');
    expect(only.body.result.data.markdown).not.toContain('## USER');
  });
});

describe(`live schema lists embedding indexes (${backendName})`, () => {
  it('with their status and progress, in JSON and Markdown, per label', async () => {
    const deps = await newProject();
    await importJson(deps, { label: 'MEMORY', data: [{ text: 'tea in the morning' }, { text: 'moved to Oslo' }] });
    await importJson(deps, { label: 'DOC', data: [{ body: 'x' }] });
    const created = await api.rest('POST', '/ai/indexes', {
      project: deps.projectId,
      body: { label: 'MEMORY', propertyName: 'text' },
    });
    expect(created.status).toBe(201);
    await api.rest('POST', '/ai/indexes', {
      project: deps.projectId,
      body: { label: 'DOC', propertyName: 'body', external: true, dimensions: 3 },
    });
    await engram.backfill.idle();
    const schema = await restSchema(deps);
    const memory = schema.labels.find((l) => l.name === 'MEMORY')!;
    expect(memory.indexes).toEqual([
      expect.objectContaining({
        id: created.body.data.id,
        property: 'text',
        source: 'managed',
        status: 'ready',
        progress: { indexed: 2, total: 2 },
      }),
    ]);
    expect(schema.labels.find((l) => l.name === 'DOC')!.indexes).toEqual([
      expect.objectContaining({ property: 'body', source: 'external', dimensions: 3 }),
    ]);
    const md: string = (await api.rest('GET', '/schema/markdown', { project: deps.projectId })).body;
    expect(md).toContain('Searchable by meaning:\n- text (');
    expect(md).toContain('- body (external vectors, 3-d cosine; ready)');
    const other = await newProject();
    await importJson(other, { label: 'MEMORY', data: [{ text: 'y' }] });
    expect((await restSchema(other)).labels[0]!.indexes).toEqual([]);
  });
});
