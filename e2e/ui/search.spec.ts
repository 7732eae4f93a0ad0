import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { asMaster, createProject, expectStatus, REST, type Project } from '../helpers/api';
import { E2E_BASE_URL } from '../helpers/env';
import { logInTo } from '../helpers/console';

/**
 * The Search page on a project of its own: memories of two users and an index on their text (made over
 * REST); a semantic search filtered to one user with the filter helper, then hybrid with each leg's
 * score; the filter's validation and a server error with its path; the link to the record; the search
 * copied as curl, which run as is answers the same records. Works with either embedder the e2e server
 * runs (built-in or ENGRAM_EMBEDDINGS_PROVIDER=fake): nothing here depends on the order of the hits.
 */
const ALICE = [
  'I love eating sushi on Friday nights',
  'My sister lives in Lisbon',
  'I am allergic to peanuts',
  'I play chess every Tuesday evening',
  'I started learning the piano last spring',
  'My favourite colour is green',
];
const BOB = [
  'I love eating sushi with my colleagues',
  'I live in Berlin with my partner',
  'I run a marathon every year',
  'My dog is called Rex',
  'I prefer tea to coffee',
  'I work night shifts as a nurse',
];
const MEMORIES = [...ALICE.map((text) => ({ text, user: 'alice' })), ...BOB.map((text) => ({ text, user: 'bob' }))];

/** Memories and a ready index on Memory.text, over REST. */
async function seed(request: APIRequestContext, project: Project) {
  const imported = await request.post(`${REST}/records/import/json`, {
    headers: asMaster(project.id),
    data: { label: 'Memory', data: MEMORIES },
  });
  await expectStatus(imported, 200);
  const created = await request.post(`${REST}/ai/indexes`, {
    headers: asMaster(project.id),
    data: { label: 'Memory', propertyName: 'text' },
  });
  await expectStatus(created, 201);
  const { id } = ((await created.json()) as { data: { id: string } }).data;
  await expect
    .poll(
      async () => {
        const res = await request.get(`${REST}/ai/indexes/${id}`, { headers: asMaster(project.id) });
        return ((await res.json()) as { data: { status: string } }).data.status;
      },
      { timeout: 30_000 },
    )
    .toBe('ready');
}

const hits = (page: Page) => page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
const whereBox = (page: Page) => page.getByLabel('Filter (where)');
const searchButton = (page: Page) => page.getByRole('button', { name: /^(Search|Searching…)$/ });

test('search: filtered semantic and hybrid search, scores, errors, record link, copy as curl', async ({
  page,
  request,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: E2E_BASE_URL });
  const project = await createProject(request, 'ui-search');
  await seed(request, project);
  await logInTo(page, project, '/search');

  await test.step('the index is picked, hybrid is the default mode', async () => {
    await expect(page.getByLabel('Index')).toHaveValue(/.+/);
    await expect(page.getByLabel('Index').locator('option:checked')).toHaveText('Memory.text');
    await expect(page.getByRole('radio', { name: 'Hybrid' })).toBeChecked();
    await expect(page.getByText('Type a query and press Search.')).toBeVisible();
  });

  await test.step('semantic search inside { "user": "alice" } (built with the helper) returns only alice’s memories, with scores', async () => {
    await page.getByLabel('Query', { exact: true }).fill('what food does the user like');
    await page.getByRole('radio', { name: 'Semantic' }).check();
    await page.getByLabel('Property', { exact: true }).selectOption('user');
    await page.getByLabel('Value', { exact: true }).fill('alice');
    await page.getByRole('button', { name: 'Add to filter' }).click();
    await expect(whereBox(page)).toHaveValue(JSON.stringify({ user: 'alice' }, null, 2));
    await searchButton(page).click();

    await expect(page).toHaveURL(/mode=semantic/);
    await expect(page).toHaveURL(/where=/);
    await expect(hits(page)).toHaveCount(ALICE.length);
    await expect(page.getByRole('heading', { name: `Results (${ALICE.length})` })).toBeVisible();
    for (const hit of await hits(page).all()) {
      await expect(hit).toContainText('alice');
      await expect(hit).not.toContainText('bob');
      await expect(hit.getByTestId('hit-score')).toHaveText(/^score\s+-?\d/);
      await expect(hit.getByTestId('hit-legs')).toHaveCount(0);
    }
    for (const text of BOB) await expect(page.getByText(text)).toHaveCount(0);
  });

  await test.step('hybrid mode shows the semantic and keyword score of each hit, and marks the query’s words', async () => {
    await page.getByLabel('Query', { exact: true }).fill('sushi');
    await page.getByRole('radio', { name: 'Hybrid' }).check();
    await searchButton(page).click();
    await expect(page).not.toHaveURL(/mode=/);
    await expect(hits(page)).toHaveCount(ALICE.length);
    const sushi = hits(page).filter({ hasText: 'sushi' });
    await expect(sushi).toHaveCount(1);
    await expect(sushi).toContainText('Friday nights');
    await expect(sushi.locator('mark')).toHaveText('sushi');
    await expect(sushi.getByTestId('hit-legs')).toHaveText(/semantic\s+-?\d[\d.e-]*\s*keyword\s+\d/);
    // A hit without the word has no keyword score: its keyword leg reads "—".
    await expect(hits(page).filter({ hasText: 'Lisbon' }).getByTestId('hit-legs')).toContainText('keyword —');
    for (const hit of await hits(page).all()) await expect(hit).toContainText('alice');
  });

  await test.step('reload keeps the search', async () => {
    await page.reload();
    await expect(page.getByLabel('Query', { exact: true })).toHaveValue('sushi');
    await expect(whereBox(page)).toHaveValue(JSON.stringify({ user: 'alice' }, null, 2));
    await expect(hits(page)).toHaveCount(ALICE.length);
  });

  await test.step('copy as curl; the command run as is answers the same records', async () => {
    await expect(page.getByTestId('search-sdk')).toContainText('await db.ai.search({');
    await expect(page.getByTestId('search-sdk')).toContainText("user: 'alice'");
    await page.getByRole('button', { name: 'Copy curl' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The curl command is on the clipboard' })).toBeVisible();
    const curl = await page.evaluate(() => navigator.clipboard.readText());
    expect(curl).toContain(`curl -s ${E2E_BASE_URL}/api/v1/ai/search`);
    expect(curl).toContain('"authorization: Bearer $ENGRAM_KEY"');
    expect(curl).toContain(`x-project-id: ${project.name}`);
    const body = JSON.parse(/-d '(.*)'$/s.exec(curl)?.[1]?.replace(/'\\''/g, "'") ?? 'null') as Record<string, unknown>;
    expect(body).toEqual({
      labels: ['Memory'],
      propertyName: 'text',
      query: 'sushi',
      where: { user: 'alice' },
      mode: 'hybrid',
      limit: 20,
    });
    const res = await request.post(`${REST}/ai/search`, { headers: asMaster(project.id), data: body });
    await expectStatus(res, 200);
    const data = ((await res.json()) as { data: { user: string; __score: number }[] }).data;
    expect(data).toHaveLength(ALICE.length);
    expect(data.every((r) => r.user === 'alice')).toBe(true);

    await page.getByRole('button', { name: 'Copy SDK call' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The SDK call is on the clipboard' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(
      /^await db\.ai\.search\(\{\n {2}labels: \['Memory'\],/,
    );
  });

  await test.step('hybrid weights: a keyword weight goes into the URL and the call', async () => {
    await expect(page.getByLabel('Keyword weight')).toHaveValue('0.8');
    await page.getByLabel('Keyword weight').fill('0.5');
    await searchButton(page).click();
    await expect(page).toHaveURL(/kw=0\.5/);
    await expect(hits(page)).toHaveCount(ALICE.length);
    await expect(page.getByTestId('search-sdk')).toContainText('weights: {');
    await page.getByRole('radio', { name: 'Semantic' }).check();
    await expect(page.getByLabel('Keyword weight')).toHaveCount(0);
  });

  await test.step('an invalid filter is refused before searching; a filter the server rejects names its path', async () => {
    await whereBox(page).fill('{ "user": ');
    await expect(whereBox(page)).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText(/^Not valid JSON/)).toBeVisible();
    const url = page.url();
    await searchButton(page).click();
    expect(page.url()).toBe(url);
    await expect(whereBox(page)).toBeFocused();
    await expect(page.getByRole('button', { name: 'Add to filter' })).toBeDisabled();

    await whereBox(page).fill('{ "user": { "$near": "alice" } }');
    await expect(whereBox(page)).not.toHaveAttribute('aria-invalid', 'true');
    await searchButton(page).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The search failed.' });
    await expect(alert).toBeVisible();
    await expect(alert.getByTestId('error-path')).toContainText('where');
  });

  await test.step('a hit links to its record in the Records page', async () => {
    await page.goBack();
    await expect(hits(page)).toHaveCount(ALICE.length);
    const link = hits(page)
      .filter({ hasText: 'sushi' })
      .getByRole('link', { name: /^Open record/ });
    await expect(link).toHaveAttribute('href', /^\/records\?label=Memory&record=[0-9a-f-]{36}$/);
    await link.click();
    await expect(page).toHaveURL(/\/records\?label=Memory&record=/);
    await expect(page.getByRole('dialog')).toContainText('I love eating sushi on Friday nights');
  });
});

test('search: a project without indexes points to the Indexes page', async ({ page, request }) => {
  const project = await createProject(request, 'ui-search-empty');
  await logInTo(page, project, '/search');
  await expect(page.getByRole('heading', { name: 'No indexes yet' })).toBeVisible();
  await page.getByRole('link', { name: 'Create one on the Indexes page' }).click();
  await expect(page).toHaveURL(/\/indexes$/);
  await expect(page.getByRole('heading', { name: 'Indexes', level: 1 })).toBeVisible();
});
