import { expect, test } from '@playwright/test';
import { bearer, createKey } from '../../helpers/api';
import { expectPath, freshProject } from './contract';

test.describe('contract: import and export', () => {
  test('POST /records/import/json: an array, JSONL text, an object keyed by label, mergeBy, returnResult', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-import');
    const array = (
      await c.ok('POST /records/import/json', { body: { label: 'A', data: [{ k: 1, child: { x: 1 } }, { k: 2 }] } })
    ).data;
    expect(array).toEqual({ created: 3, updated: 0, relationships: 1 });

    const jsonl = (
      await c.ok('POST /records/import/json', {
        body: { label: 'L', data: '{"k":1}\n{"k":2}\n\n{"k":3}\n', options: { returnResult: true } },
      })
    ).data;
    expect(jsonl).toMatchObject({ created: 3, updated: 0 });
    expect(jsonl.records.map((r: { k: number }) => r.k).sort()).toEqual([1, 2, 3]);

    const byLabel = (await c.ok('POST /records/import/json', { body: { data: { B: [{ n: 1 }], C: { n: 2 } } } })).data;
    expect(byLabel.created).toBe(2);
    expect((await c.ok('POST /labels/search', { body: { labels: ['B', 'C'] } })).data).toEqual({ B: 1, C: 1 });

    const upsert = (
      await c.ok('POST /records/import/json', {
        body: { label: 'A', data: [{ k: 1, extra: true }, { k: 3 }], options: { mergeBy: ['k'] } },
      })
    ).data;
    expect(upsert).toMatchObject({ created: 1, updated: 1 });
    expect((await c.ok('POST /records/search', { body: { labels: ['A'], where: { k: 1 } } })).data[0]).toMatchObject({
      k: 1,
      extra: true,
    });
  });

  test('POST /records/import/json errors: a mixed array at its path writes nothing; a bad JSONL line; read key 403', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-import-err');
    expectPath(
      await c.fails('POST /records/import/json', 400, 'INVALID', {
        body: { label: 'A', data: [{ a: 1 }, { a: [1, 'x'] }] },
      }),
      ['data', 1, 'a', 1],
    );
    const jsonl = await c.fails('POST /records/import/json', 400, 'INVALID', {
      body: { label: 'A', data: '{"a":1}\n{"a":\n' },
    });
    expect(jsonl.details?.path?.[0]).toBe('data');
    expectPath(await c.fails('POST /records/import/json', 400, 'INVALID', { body: { label: 'A', data: 5 } }), ['data']);
    const read = await createKey(request, c.project, { scope: 'read' });
    await c
      .with(bearer(read.key))
      .fails('POST /records/import/json', 403, 'FORBIDDEN', { body: { label: 'A', data: [{ a: 1 }] } });
    expect((await c.ok('POST /records/search', { body: {} })).total).toBe(0);
  });

  test('POST /records/import/csv: typed cells, delimiter, inferTypes false, mergeBy; errors at their paths', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-csv');
    const imported = (
      await c.ok('POST /records/import/csv', {
        body: {
          label: 'ROW',
          csv: 'name,n,ok,at\nann,1,true,2026-01-02\nbob,2.5,false,2026-02-03T04:05:06Z\n',
          options: { returnResult: true },
        },
      })
    ).data;
    expect(imported).toMatchObject({ created: 2, updated: 0, relationships: 0 });
    const ann = imported.records.find((r: { name: string }) => r.name === 'ann');
    expect(ann.__proptypes).toEqual({ name: 'string', n: 'number', ok: 'boolean', at: 'datetime' });

    const strings = (
      await c.ok('POST /records/import/csv', {
        body: { label: 'S', csv: 'a;b\n1;x\n', options: { delimiter: ';', inferTypes: false, returnResult: true } },
      })
    ).data;
    expect(strings.records[0]).toMatchObject({ a: '1', b: 'x', __proptypes: { a: 'string', b: 'string' } });

    const merged = (
      await c.ok('POST /records/import/csv', {
        body: { label: 'ROW', csv: 'name,n\nann,7\n', options: { mergeBy: ['name'] } },
      })
    ).data;
    expect(merged).toMatchObject({ created: 0, updated: 1 });

    expectPath(await c.fails('POST /records/import/csv', 400, 'INVALID', { body: { label: 'ROW', csv: '' } }), ['csv']);
    expectPath(
      await c.fails('POST /records/import/csv', 400, 'INVALID', { body: { label: 'ROW', csv: 'a,b\n1,2,3\n' } }),
      ['csv', 1],
    );
    expectPath(
      await c.fails('POST /records/import/csv', 400, 'INVALID', {
        body: { label: 'ROW', csv: 'a\n1\n', options: { delimiter: ';;' } },
      }),
      ['options', 'delimiter'],
    );
    expect((await c.ok('POST /labels/search', { body: {} })).data).toEqual({ ROW: 2, S: 1 });
  });

  test('POST /records/export/csv: text/csv with a header row and one line per record; a bad filter is 400', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-export');
    await c.ok('POST /records/import/json', {
      body: {
        label: 'E',
        data: [
          { name: 'ann', n: 1 },
          { name: 'bob, jr', n: 2 },
          { name: 'cy', other: 'x' },
        ],
      },
    });
    const csv: string = await c.ok('POST /records/export/csv', {
      body: { labels: ['E'], where: { n: { $exists: true } }, orderBy: { n: 'asc' } },
    });
    const lines = csv.trim().split(/\r?\n/);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 4)).toEqual(['__id', '__label', '__createdAt', '__updatedAt']);
    expect(header.slice(4).sort()).toEqual(['n', 'name']);
    const [n, name] = [header.indexOf('n'), header.indexOf('name')];
    // "bob, jr" is quoted, so split the rows by the known shape instead of a bare comma.
    const rows = lines.slice(1).map((l) => l.match(/("[^"]*"|[^,]*)(?:,|$)/g)!.map((f) => f.replace(/,$/, '')));
    expect(rows.map((r) => [r[name], r[n]])).toEqual([
      ['ann', '1'],
      ['"bob, jr"', '2'],
    ]);
    expectPath(await c.fails('POST /records/export/csv', 400, 'INVALID', { body: { where: { n: { $bogus: 1 } } } }), [
      'where',
      'n',
      '$bogus',
    ]);
    await c.with({}).fails('POST /records/export/csv', 401, 'UNAUTHORIZED', { body: {} });
  });
});
