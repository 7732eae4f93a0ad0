import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { asMaster, createProject, expectStatus } from '../helpers/api';

/**
 * The README's REST examples, replayed against the production build as written (in a project of their
 * own): a new user copies them first, so each must answer success, and the query example that buckets
 * by `$record.createdAt` must bucket real timestamps, not nulls.
 */
type Example = { path: string; body?: unknown };

function examples(): Example[] {
  const readme = fs.readFileSync('README.md', 'utf8');
  const out: Example[] = [];
  for (const block of readme.matchAll(/```bash\n([\s\S]*?)```/g)) {
    const script = block[1]!.replace(/\\\n\s*/g, ' ');
    for (const m of script.matchAll(
      /curl -s localhost:3000(\/api\/v1\/[^\s]+)[^\n]*?(?:-d '([\s\S]*?)')?(?=\ncurl|\n*$)/g,
    )) {
      out.push({ path: m[1]!, body: m[2] === undefined ? undefined : JSON.parse(m[2]) });
    }
  }
  return out;
}

test('the README examples answer success, and its timestamp query buckets real timestamps', async ({ request }) => {
  const found = examples();
  expect(found.length, 'the README has REST examples').toBeGreaterThanOrEqual(3);
  const p = await createProject(request, 'readme');
  const headers = { ...asMaster(p.id), 'content-type': 'application/x-www-form-urlencoded' }; // what curl -d sends
  for (const ex of found) {
    const res =
      ex.body === undefined
        ? await request.get(ex.path, { headers })
        : await request.post(ex.path, { headers, data: JSON.stringify(ex.body) });
    expect(res.status(), `${ex.path}: ${await res.text()}`).toBeLessThan(300);
    expect(await res.json()).toHaveProperty('data');
  }
  const bucketed = found.find((ex) => JSON.stringify(ex.body ?? '').includes('$record.createdAt'));
  expect(bucketed, 'the README shows a $record.createdAt query').toBeTruthy();
  const { select, groupBy, orderBy, labels } = bucketed!.body as Record<string, unknown>;
  const res = await request.post('/api/v1/records/search', {
    headers: asMaster(p.id),
    data: { labels, select, groupBy, orderBy },
  });
  await expectStatus(res, 200);
  const rows = (await res.json()).data as { day: unknown; n: number }[];
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.day).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?(Z|\+00:00)$/);
});
