import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

let engram: Engram;
let api: ReturnType<typeof httpClient>;
beforeAll(async () => {
  engram = await startTestEngram();
  api = httpClient(engram);
});
afterAll(() => engram?.close());

/** A fresh project per test, and a client bound to it. */
async function project() {
  const name = uniqueName('rec');
  const res = await api.rest('POST', '/projects', { body: { name } });
  expect(res.status).toBe(201);
  const call = (method: string, path: string, body?: unknown) => api.rest(method, path, { project: name, body });
  const count = async (labels?: string[]) =>
    (await call('POST', '/records/search', { labels, limit: 1 })).body.total as number;
  return { name, id: res.body.data.id as string, call, count };
}

describe(`records: create and get (${backendName})`, () => {
  it('stores JSON with inferred types and returns the documented shape', async () => {
    const p = await project();
    const data = {
      name: 'Ann',
      age: 31,
      score: 1.5,
      admin: false,
      born: '1990-05-01',
      seen: '2026-01-02T03:04:05.123Z',
      nick: null,
      tags: ['a', 'b'],
      days: ['2024-01-01'],
      nums: [1, 2],
      none: [],
    };
    const res = await p.call('POST', '/records', { label: 'USER', data });
    expect(res.status).toBe(201);
    const rec = res.body.data;
    expect(rec.__id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/); // UUIDv7
    expect(rec.__label).toBe('USER');
    expect(rec.__proptypes).toEqual({
      name: 'string',
      age: 'number',
      score: 'number',
      admin: 'boolean',
      born: 'datetime',
      seen: 'datetime',
      nick: 'null',
      tags: 'string[]',
      days: 'datetime[]',
      nums: 'number[]',
      none: 'array',
    });
    const { __id, __label, __proptypes, __createdAt, __updatedAt, ...props } = rec;
    expect(props).toEqual(data);
    expect(__createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(__updatedAt).toBe(__createdAt);
    const got = await p.call('GET', `/records/${__id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(rec);
    expect([__label, __proptypes]).toBeTruthy();
  });

  it('keeps a written null distinct from a missing property', async () => {
    const p = await project();
    await p.call('POST', '/records', { label: 'N', data: { k: 1, v: null } });
    await p.call('POST', '/records', { label: 'N', data: { k: 2 } });
    const withNull = await p.call('POST', '/records/search', { labels: ['N'], where: { v: null } });
    expect(withNull.body.data.map((r: { k: number }) => r.k)).toEqual([1]);
    expect(withNull.body.data[0]).toHaveProperty('v', null);
    const missing = (await p.call('POST', '/records/search', { labels: ['N'], where: { k: 2 } })).body.data[0];
    expect(missing).not.toHaveProperty('v');
  });

  it('turns nested objects and arrays of objects into linked child records in one write', async () => {
    const p = await project();
    const res = await p.call('POST', '/records', {
      label: 'ORDER',
      data: { no: 7, customer: { name: 'Bo', address: { city: 'Oslo' } }, items: [{ sku: 'a' }, { sku: 'b' }] },
    });
    expect(res.status).toBe(201);
    const order = res.body.data;
    expect(order).not.toHaveProperty('customer');
    expect(order).not.toHaveProperty('items');
    const labels = (await p.call('POST', '/labels/search', {})).body.data;
    expect(labels).toEqual({ ORDER: 1, customer: 1, address: 1, items: 2 });
    const rels = (await p.call('GET', `/records/${order.__id}/relationships`)).body.data;
    expect(rels.map((r: { type: string; direction: string }) => `${r.direction}:${r.type}`).sort()).toEqual([
      'out:HAS_CUSTOMER',
      'out:HAS_ITEMS',
      'out:HAS_ITEMS',
    ]);
    const custom = await p.call('POST', '/records', {
      label: 'A',
      data: { b: { c: 1 } },
      options: { relationshipType: 'OWNS' },
    });
    const edges = await p.call('POST', '/relationships/search', { source: { labels: ['A'] } });
    expect(edges.body.data).toHaveLength(1);
    expect(edges.body.data[0]).toMatchObject({
      sourceId: custom.body.data.__id,
      type: 'OWNS',
      targetLabel: 'b',
      origin: 'nested',
    });
  });

  it('explicit properties override inference and are checked against their type', async () => {
    const p = await project();
    const res = await p.call('POST', '/records', {
      label: 'T',
      properties: [
        { name: 'when', type: 'string', value: '2024-01-01' },
        { name: 'n', type: 'number', value: '42' },
        { name: 'flag', type: 'boolean', value: 'true' },
        { name: 'v', type: 'vector', value: [0.1, 0.2] },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      when: '2024-01-01',
      n: 42,
      flag: true,
      v: [0.1, 0.2],
      __proptypes: { when: 'string', n: 'number', flag: 'boolean', v: 'vector' },
    });
    const bad = await p.call('POST', '/records', {
      label: 'T',
      properties: [
        { name: 'ok', type: 'string', value: 'x' },
        { name: 'n', type: 'number', value: 'abc' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'INVALID',
      details: { path: ['properties', 1, 'value'], expected: 'number' },
    });
    const dup = await p.call('POST', '/records', {
      label: 'T',
      properties: [
        { name: 'a', type: 'string', value: 'x' },
        { name: 'a', type: 'string', value: 'y' },
      ],
    });
    expect(dup.status).toBe(400);
    expect(await p.count(['T'])).toBe(1);
  });

  it('rejects untypable input with INVALID naming the JSON path, and writes nothing', async () => {
    const p = await project();
    const cases: [unknown, (string | number)[]][] = [
      [{ tags: ['a', 1] }, ['data', 'tags', 1]],
      [{ m: [[1], [2]] }, ['data', 'm', 0]],
      [{ m: [1, null] }, ['data', 'm', 1]],
      [{ ok: 1, child: { list: [{ x: 1 }, 'str'] } }, ['data', 'child', 'list', 1]],
      [{ __id: 'x' }, ['data', '__id']],
      [{ $where: 1 }, ['data', '$where']],
      [{ s: 'a\u0000b' }, ['data', 's']],
      [{ s: 'lone \ud800 surrogate' }, ['data', 's']],
    ];
    for (const [data, path] of cases) {
      const res = await p.call('POST', '/records', { label: 'BAD', data });
      expect(res.status, JSON.stringify(data)).toBe(400);
      expect(res.body.error.code).toBe('INVALID');
      expect(res.body.error.details.path).toEqual(path);
    }
    const longLabel = await p.call('POST', '/records', { label: 'L'.repeat(129), data: {} });
    expect(longLabel.status).toBe(400);
    expect(longLabel.body.error.details.path).toEqual(['label']);
    expect(await p.count()).toBe(0);
  });

  it('answers limits with LIMIT_EXCEEDED before writing', async () => {
    const p = await project();
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 17; i++) deep = { [`l${i}`]: deep };
    const res = await p.call('POST', '/records', { label: 'DEEP', data: deep });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 16 } });
    const wide = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`p${i}`, i]));
    const tooWide = await p.call('POST', '/records', { label: 'WIDE', data: wide });
    expect(tooWide.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 1000 } });
    expect(await p.count()).toBe(0);
  });
});

describe(`records: upsert, update, set, delete (${backendName})`, () => {
  it('mergeBy upserts: append merges, rewrite replaces, several matches conflict', async () => {
    const p = await project();
    const a = await p.call('POST', '/records', { label: 'U', data: { email: 'a@x', name: 'A', plan: 'free' } });
    const merged = await p.call('POST', '/records', {
      label: 'U',
      data: { email: 'a@x', plan: 'pro' },
      options: { mergeBy: ['email'] },
    });
    expect(merged.status).toBe(201);
    expect(merged.body.data).toMatchObject({ __id: a.body.data.__id, name: 'A', plan: 'pro' });
    const rewritten = await p.call('POST', '/records', {
      label: 'U',
      data: { email: 'a@x', age: 3 },
      options: { mergeBy: ['email'], mergeStrategy: 'rewrite' },
    });
    expect(rewritten.body.data.__id).toBe(a.body.data.__id);
    expect(rewritten.body.data).not.toHaveProperty('name');
    expect(rewritten.body.data.age).toBe(3);
    const created = await p.call('POST', '/records', {
      label: 'U',
      data: { email: 'b@x' },
      options: { mergeBy: ['email'] },
    });
    expect(created.body.data.__id).not.toBe(a.body.data.__id);
    expect(await p.count(['U'])).toBe(2);
    await p.call('POST', '/records', { label: 'U', data: { email: 'b@x' } });
    const conflict = await p.call('POST', '/records', {
      label: 'U',
      data: { email: 'b@x', n: 1 },
      options: { mergeBy: ['email'] },
    });
    expect(conflict.status).toBe(409);
    const missingKey = await p.call('POST', '/records', {
      label: 'U',
      data: { n: 1 },
      options: { mergeBy: ['email'] },
    });
    expect(missingKey.status).toBe(400);
  });

  it('PATCH merges, PUT replaces, both refuse nested objects and unknown ids', async () => {
    const p = await project();
    const { __id, __createdAt } = (await p.call('POST', '/records', { label: 'R', data: { a: 1, b: 'x' } })).body.data;
    const patched = await p.call('PATCH', `/records/${__id}`, { data: { b: 2, c: true } });
    expect(patched.body.data).toMatchObject({
      a: 1,
      b: 2,
      c: true,
      __proptypes: { a: 'number', b: 'number', c: 'boolean' },
    });
    const put = await p.call('PUT', `/records/${__id}`, { data: { z: 'only' } });
    expect(put.body.data).toEqual({
      __id,
      __label: 'R',
      __proptypes: { z: 'string' },
      __createdAt,
      __updatedAt: put.body.data.__updatedAt,
      z: 'only',
    });
    const nested = await p.call('PATCH', `/records/${__id}`, { data: { o: { deep: 1 } } });
    expect(nested.status).toBe(400);
    expect(nested.body.error.details.path).toEqual(['data', 'o']);
    const unknown = await p.call('PATCH', '/records/01900000-0000-7000-8000-000000000000', { data: { a: 1 } });
    expect(unknown.status).toBe(404);
  });

  it('DELETE removes the record and its relationships; children stay unless cascade', async () => {
    const p = await project();
    const parent = (await p.call('POST', '/records', { label: 'P', data: { c: { d: { e: 1 } } } })).body.data;
    expect(await p.count()).toBe(3);
    const del = await p.call('DELETE', `/records/${parent.__id}`);
    expect(del.body.data).toEqual({ deleted: 1 });
    expect(await p.count()).toBe(2);
    expect((await p.call('POST', '/relationships/search', { source: { labels: ['P'] } })).body.total).toBe(0);
    expect((await p.call('GET', `/records/${parent.__id}`)).status).toBe(404);

    const again = (await p.call('POST', '/records', { label: 'P', data: { c: { d: { e: 1 } } } })).body.data;
    const cascade = await p.call('DELETE', `/records/${again.__id}?cascade=true`);
    expect(cascade.body.data).toEqual({ deleted: 3 });
    expect(await p.count()).toBe(2);
  });

  it('delete by query needs a filter unless forced', async () => {
    const p = await project();
    await p.call('POST', '/records/import/json', { label: 'X', data: [{ k: 1 }, { k: 2 }, { k: 3 }] });
    await p.call('POST', '/records', { label: 'Y', data: { k: 1 } });
    const refused = await p.call('POST', '/records/delete', {});
    expect(refused.status).toBe(400);
    expect(await p.count()).toBe(4);
    expect(
      (await p.call('POST', '/records/delete', { labels: ['X'], where: { k: { $in: [1, 2] } } })).body.data,
    ).toEqual({ deleted: 2 });
    expect((await p.call('POST', '/records/delete', { force: true })).body.data).toEqual({ deleted: 2 });
    expect(await p.count()).toBe(0);
  });
});

describe(`records: import (${backendName})`, () => {
  it('imports arrays, JSONL and label-keyed objects, returning counts and (when asked) records', async () => {
    const p = await project();
    const arr = await p.call('POST', '/records/import/json', {
      label: 'A',
      data: [{ i: 1, sub: { j: 1 } }, { i: 2 }],
      options: { returnResult: true },
    });
    expect(arr.status).toBe(200);
    expect(arr.body.data).toMatchObject({ created: 3, updated: 0, relationships: 1 });
    expect(arr.body.data.records.map((r: { i: number }) => r.i)).toEqual([1, 2]);
    const jsonl = await p.call('POST', '/records/import/json', { label: 'B', data: '{"i":1}\n\n{"i":2}\r\n{"i":3}\n' });
    expect(jsonl.body.data).toEqual({ created: 3, updated: 0, relationships: 0 });
    const keyed = await p.call('POST', '/records/import/json', { data: { C: [{ i: 1 }], D: { i: 2 } } });
    expect(keyed.body.data.created).toBe(2);
    expect((await p.call('POST', '/labels/search', {})).body.data).toEqual({ A: 2, sub: 1, B: 3, C: 1, D: 1 });
    const badLine = await p.call('POST', '/records/import/json', { label: 'B', data: '{"i":1}\n{oops}\n' });
    expect(badLine.body.error).toMatchObject({ code: 'INVALID', details: { path: ['data', 1] } });
    const noLabel = await p.call('POST', '/records/import/json', { data: [{ i: 1 }] });
    expect(noLabel.body.error.details.path).toEqual(['label']);
  });

  it('is atomic: one invalid record among 10,000 writes nothing', async () => {
    const p = await project();
    const data = Array.from({ length: 10_000 }, (_, i) => ({ i, tags: i === 9_998 ? ['a', 2] : ['a'] }));
    const res = await p.call('POST', '/records/import/json', { label: 'BIG', data });
    expect(res.status).toBe(400);
    expect(res.body.error.details.path).toEqual(['data', 9_998, 'tags', 1]);
    expect(await p.count()).toBe(0);
    const ok = await p.call('POST', '/records/import/json', {
      label: 'BIG',
      data: data.map((d) => ({ ...d, tags: ['a'] })),
    });
    expect(ok.body.data.created).toBe(10_000);
    expect(await p.count(['BIG'])).toBe(10_000);
  });

  it('upserts within one import, including duplicates inside the batch', async () => {
    const p = await project();
    await p.call('POST', '/records', { label: 'K', data: { key: 'a', n: 0 } });
    const res = await p.call('POST', '/records/import/json', {
      label: 'K',
      data: [
        { key: 'a', n: 1 },
        { key: 'b', n: 1 },
        { key: 'b', m: 2 },
      ],
      options: { mergeBy: ['key'], returnResult: true },
    });
    expect(res.body.data).toMatchObject({ created: 1, updated: 1 });
    const all = (await p.call('POST', '/records/search', { labels: ['K'], orderBy: { key: 'asc' } })).body.data;
    expect(all.map(({ key, n, m }: Record<string, unknown>) => ({ key, n, m }))).toEqual([
      { key: 'a', n: 1, m: undefined },
      { key: 'b', n: 1, m: 2 },
    ]);
  });

  it('imports CSV with quotes, typed cells, delimiters and no header', async () => {
    const p = await project();
    const csv =
      'name,age,zip,active,joined,note\n"Doe, Jane",41,00123,true,2024-02-29,"said ""hi""\nthen left"\nBob,,12,false,2024-02-30,\n';
    const res = await p.call('POST', '/records/import/csv', { label: 'PERSON', csv, options: { returnResult: true } });
    expect(res.status).toBe(200);
    const [jane, bob] = res.body.data.records;
    expect(jane).toMatchObject({
      name: 'Doe, Jane',
      age: 41,
      zip: '00123',
      active: true,
      joined: '2024-02-29',
      note: 'said "hi"\nthen left',
    });
    expect(jane.__proptypes).toMatchObject({ age: 'number', zip: 'string', active: 'boolean', joined: 'datetime' });
    expect(bob).not.toHaveProperty('age');
    expect(bob.__proptypes.joined).toBe('string'); // 2024-02-30 is not a date
    const semi = await p.call('POST', '/records/import/csv', {
      label: 'S',
      csv: '1;2\n3;4',
      options: { delimiter: ';', header: false, returnResult: true },
    });
    expect(semi.body.data.records.map((r: Record<string, unknown>) => [r.column1, r.column2])).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const ragged = await p.call('POST', '/records/import/csv', { label: 'S', csv: 'a,b\n1,2\n3\n' });
    expect(ragged.body.error).toMatchObject({ code: 'INVALID', details: { path: ['csv', 2] } });
    expect(await p.count(['S'])).toBe(2);
  });
});

describe(`records: search (${backendName})`, () => {
  it('filters by equality, array elements, $in, $id, $and/$or/$not, with typed order and paging', async () => {
    const p = await project();
    const imported = await p.call('POST', '/records/import/json', {
      label: 'M',
      data: [
        { n: 10, user: 'alice', tags: ['x', 'y'], at: '2024-03-01' },
        { n: 2, user: 'bob', tags: ['y'], at: '2024-01-15T10:00:00Z' },
        { n: 33, user: 'alice', tags: ['z'] },
        { n: 'ten', user: 'carol' },
      ],
      options: { returnResult: true },
    });
    const ids = imported.body.data.records.map((r: { __id: string }) => r.__id);
    const find = async (q: Record<string, unknown>) =>
      (await p.call('POST', '/records/search', { labels: ['M'], ...q })).body;
    const users = (body: { data: { user: string; n: unknown }[] }) => body.data.map((r) => `${r.user}:${r.n}`);

    expect(users(await find({ where: { user: 'alice' }, orderBy: { n: 'asc' } }))).toEqual(['alice:10', 'alice:33']);
    expect(users(await find({ where: { tags: 'y' }, orderBy: { n: 'asc' } }))).toEqual(['bob:2', 'alice:10']);
    expect(users(await find({ where: { user: { $in: ['bob', 'carol'] } }, orderBy: { user: 'asc' } }))).toEqual([
      'bob:2',
      'carol:ten',
    ]);
    expect(users(await find({ where: { $id: ids[2] } }))).toEqual(['alice:33']);
    expect(users(await find({ where: { $id: { $in: [ids[0], ids[1]] } }, orderBy: { n: 'desc' } }))).toEqual([
      'alice:10',
      'bob:2',
    ]);
    expect(users(await find({ where: { $or: [{ user: 'bob' }, { n: 33 }] }, orderBy: { n: 'asc' } }))).toEqual([
      'bob:2',
      'alice:33',
    ]);
    expect(users(await find({ where: { $not: { user: 'alice' } }, orderBy: { n: 'asc' } }))).toEqual([
      'bob:2',
      'carol:ten',
    ]);
    // Typed order: numbers before strings, missing last; datetimes compare as times.
    expect(users(await find({ orderBy: { n: 'desc' } }))).toEqual(['alice:33', 'alice:10', 'bob:2', 'carol:ten']);
    const byTime = users(await find({ orderBy: { at: 'asc' } }));
    expect(byTime.slice(0, 2)).toEqual(['bob:2', 'alice:10']);
    expect(byTime.slice(2).sort()).toEqual(['alice:33', 'carol:ten']);
    const page = await find({ orderBy: { n: 'asc' }, skip: 1, limit: 2 });
    expect(page.total).toBe(4);
    expect(users(page)).toEqual(['alice:10', 'alice:33']);
    const tooMany = await p.call('POST', '/records/search', { limit: 1001 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details.path).toEqual(['limit']);
    const badOp = await p.call('POST', '/records/search', { where: { n: { $regex: 'x' } } });
    expect(badOp.body.error).toMatchObject({ code: 'INVALID', details: { path: ['where', 'n', '$regex'] } });
  });

  it('treats hostile property names and values as data', async () => {
    const p = await project();
    const hostile = "x'); DROP TABLE record; --";
    await p.call('POST', '/records', { label: hostile, data: { [hostile]: hostile, 'a"b': 1 } });
    const res = await p.call('POST', '/records/search', { labels: [hostile], where: { [hostile]: hostile, 'a"b': 1 } });
    expect(res.body.total).toBe(1);
    expect((await p.call('POST', '/labels/search', {})).body.data).toEqual({ [hostile]: 1 });
  });
});

describe(`records: project isolation (${backendName})`, () => {
  it("never reads, changes or links another project's records", async () => {
    const a = await project();
    const b = await project();
    const rec = (await a.call('POST', '/records', { label: 'SECRET', data: { v: 1 } })).body.data;
    const mine = (await b.call('POST', '/records', { label: 'MINE', data: { v: 1 } })).body.data;
    expect((await b.call('GET', `/records/${rec.__id}`)).status).toBe(404);
    expect((await b.call('PATCH', `/records/${rec.__id}`, { data: { v: 2 } })).status).toBe(404);
    expect((await b.call('DELETE', `/records/${rec.__id}`)).status).toBe(404);
    expect(
      (await b.call('POST', '/records/search', { where: { v: 1 } })).body.data.map((r: { __id: string }) => r.__id),
    ).toEqual([mine.__id]);
    expect(
      (await b.call('POST', '/records/search', { where: { $or: [{ $id: rec.__id }, { $not: { v: 0 } }] } })).body.total,
    ).toBe(1);
    expect((await b.call('POST', `/relationships/${mine.__id}`, { targetIds: [rec.__id] })).status).toBe(404);
    expect((await b.call('POST', '/records/delete', { force: true })).body.data.deleted).toBe(1);
    expect((await a.call('GET', `/records/${rec.__id}`)).body.data.v).toBe(1);
  });
});
