import { expect, test } from '@playwright/test';
import { bearer, createKey } from '../../helpers/api';
import { expectPath, freshProject, type Client } from './contract';

async function seed(c: Client) {
  await c.ok('POST /records/import/json', {
    body: {
      label: 'USER',
      data: [{ name: 'ann', age: 30, address: { city: 'Oslo' } }, { name: 'bob', age: 41 }, { name: 'cy' }],
    },
  });
  await c.ok('POST /ai/indexes', { body: { label: 'USER', propertyName: 'bio', external: true, dimensions: 3 } });
}

const LONG = 'L'.repeat(129);

test.describe('contract: live schema', () => {
  test('GET /schema: labels with counts, properties with types, coverage and ranges, relationships, indexes; ?labels narrows', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-schema');
    await seed(c);
    const schema = (await c.ok('GET /schema')).data;
    expect(schema.labels.map((l: { name: string }) => l.name).sort()).toEqual(['USER', 'address']);
    const user = schema.labels.find((l: { name: string }) => l.name === 'USER');
    expect(user.count).toBe(3);
    const age = user.properties.find((p: { name: string }) => p.name === 'age');
    expect(age).toMatchObject({ types: ['number'], count: 2, min: 30, max: 41 });
    expect(age.coverage).toBeCloseTo(2 / 3);
    expect(user.relationships).toEqual([{ type: 'HAS_ADDRESS', direction: 'out', label: 'address', count: 1 }]);
    expect(user.indexes).toEqual([
      expect.objectContaining({ property: 'bio', source: 'external', dimensions: 3, status: 'ready' }),
    ]);

    const only = (await c.ok('GET /schema', { query: { labels: 'address' } })).data;
    expect(only.labels.map((l: { name: string }) => l.name)).toEqual(['address']);
    expect(only.labels[0].relationships).toEqual([{ type: 'HAS_ADDRESS', direction: 'in', label: 'USER', count: 1 }]);
    const repeated = (await c.ok('GET /schema', { query: { labels: ['address', 'USER'] } })).data;
    expect(repeated.labels).toHaveLength(2);

    // Comma-separated labels: the path names the offending one.
    expectPath(await c.fails('GET /schema', 400, 'INVALID', { query: { labels: `USER,${LONG}` } }), ['labels', 1]);
    await c.with({}).fails('GET /schema', 401, 'UNAUTHORIZED');
  });

  test('GET /schema/markdown: the same schema as text/markdown; the same input errors as JSON', async ({ request }) => {
    const c = await freshProject(request, 'c-schema-md');
    await seed(c);
    const md: string = await c.ok('GET /schema/markdown');
    expect(md).toContain('## USER');
    expect(md).toMatch(/\| age \| number \|/);
    expect(md).toContain('HAS_ADDRESS');
    const narrowed: string = await c.ok('GET /schema/markdown', { query: { labels: 'address' } });
    expect(narrowed).toContain('## address');
    expect(narrowed).not.toContain('## USER');
    const read = await createKey(request, c.project, { scope: 'read' });
    expect(await c.with(bearer(read.key)).ok('GET /schema/markdown')).toBe(md);
    expectPath(await c.fails('GET /schema/markdown', 400, 'INVALID', { query: { labels: LONG } }), ['labels', 0]);
    await c.with({}).fails('GET /schema/markdown', 401, 'UNAUTHORIZED');
  });
});
