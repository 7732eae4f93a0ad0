import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDeps } from '@/server/domain/deps';
import { createRecord, importJson } from '@/server/domain/records';
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
  const res = await api.rest('POST', '/projects', { body: { name: uniqueName('values') } });
  expect(res.status).toBe(201);
  return { db: engram.db.prisma, projectId: res.body.data.id };
}

const values = (deps: ProjectDeps, body: unknown) =>
  api.rest('POST', '/properties/values', { project: deps.projectId, body });

async function seed(deps: ProjectDeps) {
  await importJson(deps, {
    label: 'TASK',
    data: [
      { status: 'open', tags: ['Red', 'blue', 'red'], n: 10, note: '100% sure' },
      { status: 'open', tags: ['blue'], n: 2, note: '100 percent' },
      { status: 'closed', tags: [], n: 10, note: 'a_b' },
      { status: 'Opening', n: 2.5, note: 'axb' },
      { status: null, note: 'back\\slash' },
      { status: 3 },
    ],
  });
  await importJson(deps, { label: 'BUG', data: [{ status: 'open' }, { status: 'wontfix' }, { status: true }] });
}

describe(`property values (${backendName})`, () => {
  it('distinct values across labels, most frequent first, then by type and value', async () => {
    const deps = await newProject();
    await seed(deps);
    const res = await values(deps, { property: 'status' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        { value: 'open', type: 'string', count: 3 },
        { value: true, type: 'boolean', count: 1 },
        { value: null, type: 'null', count: 1 },
        { value: 3, type: 'number', count: 1 },
        { value: 'Opening', type: 'string', count: 1 },
        { value: 'closed', type: 'string', count: 1 },
        { value: 'wontfix', type: 'string', count: 1 },
      ],
      total: 7,
    });
  });

  it('one label; array elements each counted; numbers ordered numerically', async () => {
    const deps = await newProject();
    await seed(deps);
    const bugs = await values(deps, { label: 'BUG', property: 'status' });
    expect(bugs.body.total).toBe(3);
    const tags = await values(deps, { label: 'TASK', property: 'tags' });
    expect(tags.body).toEqual({
      data: [
        { value: 'blue', type: 'string', count: 2 },
        { value: 'Red', type: 'string', count: 1 },
        { value: 'red', type: 'string', count: 1 },
      ],
      total: 3,
    });
    const n = await values(deps, { property: 'n' });
    expect(n.body.data).toEqual([
      { value: 10, type: 'number', count: 2 },
      { value: 2, type: 'number', count: 1 },
      { value: 2.5, type: 'number', count: 1 },
    ]);
  });

  it('query: case-insensitive substring of string values, LIKE wildcards taken literally', async () => {
    const deps = await newProject();
    await seed(deps);
    const open = await values(deps, { property: 'status', query: 'OPEN' });
    expect(open.body.data.map((v: { value: unknown }) => v.value)).toEqual(['open', 'Opening']);
    expect(open.body.total).toBe(2);
    expect((await values(deps, { property: 'tags', query: 'RED' })).body.total).toBe(2);
    expect(
      (await values(deps, { property: 'note', query: '%' })).body.data.map((v: { value: unknown }) => v.value),
    ).toEqual(['100% sure']);
    expect(
      (await values(deps, { property: 'note', query: '_' })).body.data.map((v: { value: unknown }) => v.value),
    ).toEqual(['a_b']);
    expect(
      (await values(deps, { property: 'note', query: '\\' })).body.data.map((v: { value: unknown }) => v.value),
    ).toEqual(['back\\slash']);
    expect((await values(deps, { property: 'n', query: '1' })).body).toEqual({ data: [], total: 0 });
  });

  it('pages with skip and limit; total counts every distinct value', async () => {
    const deps = await newProject();
    await importJson(deps, {
      label: 'W',
      data: Array.from({ length: 45 }, (_, i) => ({ w: `w${String(i % 30).padStart(2, '0')}` })),
    });
    const page1 = await values(deps, { property: 'w', limit: 10 });
    const page2 = await values(deps, { property: 'w', skip: 10, limit: 10 });
    const beyond = await values(deps, { property: 'w', skip: 100 });
    expect(page1.body.total).toBe(30);
    expect(page1.body.data).toHaveLength(10);
    expect(page1.body.data[0]).toEqual({ value: 'w00', type: 'string', count: 2 });
    expect(page1.body.data.slice(0, 10).every((v: { count: number }) => v.count === 2)).toBe(true);
    expect(page2.body.data.map((v: { value: string }) => v.value)).toEqual([
      'w10',
      'w11',
      'w12',
      'w13',
      'w14',
      'w15',
      'w16',
      'w17',
      'w18',
      'w19',
    ]);
    expect(beyond.body).toEqual({ data: [], total: 30 });
    expect((await values(deps, { property: 'w' })).body.data).toHaveLength(20);
  });

  it('refuses a bad limit or a missing property; another project never shows', async () => {
    const deps = await newProject();
    const other = await newProject();
    await seed(other);
    await createRecord(deps, { label: 'TASK', data: { status: 'mine' } });
    expect((await values(deps, { property: 'status' })).body).toEqual({
      data: [{ value: 'mine', type: 'string', count: 1 }],
      total: 1,
    });
    const tooMany = await values(deps, { property: 'status', limit: 1001 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'INVALID', details: { path: ['limit'] } });
    expect((await values(deps, {})).status).toBe(400);
    const trpc = await api.trpcQuery(
      'schema.propertyValues',
      { property: 'status', label: 'TASK' },
      { project: deps.projectId },
    );
    expect(trpc.body.result.data).toEqual({ items: [{ value: 'mine', type: 'string', count: 1 }], total: 1 });
  });
});
