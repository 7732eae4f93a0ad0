import { expect, test, type Page, type Route } from '@playwright/test';
import { asMaster, createProject, expectStatus, REST } from '../helpers/api';
import { logInTo } from '../helpers/console';

/**
 * The Indexes page on a project of its own: the empty state, creating an index on a text property
 * through the form, its backfill progress polled until ready (and polling stopping then), a failed
 * index's reason and Retry, and delete with confirmation.
 *
 * Works with either embedder the e2e server runs (the built-in model or ENGRAM_EMBEDDINGS_PROVIDER=fake):
 * the progress and failure states are shown by holding the list's answer at a chosen state for a
 * moment, since a 20-record backfill is usually over before the first poll.
 */
const TOPICS = ['sushi', 'hiking', 'jazz', 'chess', 'gardening', 'running', 'painting', 'baking', 'cycling', 'poetry'];
const NOTES = Array.from({ length: 20 }, (_, i) => ({
  text: `${i % 2 ? 'Bob' : 'Alice'} said they enjoy ${TOPICS[i % TOPICS.length]} on weekends (note ${i + 1}).`,
  user: i % 2 ? 'bob' : 'alice',
  n: i + 1,
}));

type IndexJson = { id: string; status: string; error: string | null; progress: { indexed: number; total: number } };

/**
 * Answers the console's `ai.indexes.list` calls with the real list patched by `patch` (tRPC batches
 * several procedures in one request; only that procedure's slot is changed).
 */
async function holdIndexList(page: Page, patch: (ix: IndexJson) => IndexJson): Promise<() => Promise<void>> {
  const handler = async (route: Route) => {
    const url = new URL(route.request().url());
    const procedures = url.pathname.replace(/^\/api\/trpc\//, '').split(',');
    const slot = procedures.indexOf('ai.indexes.list');
    const response = await route.fetch();
    if (slot < 0) return route.fulfill({ response });
    const body = (await response.json()) as { result?: { data?: { items: IndexJson[] } } }[];
    const data = body[slot]?.result?.data;
    if (data) data.items = data.items.map(patch);
    await route.fulfill({ response, json: body });
  };
  await page.route('**/api/trpc/**', handler);
  return () => page.unroute('**/api/trpc/**', handler);
}

test('indexes: create on a text property, progress to ready, failure and retry, delete', async ({ page, request }) => {
  const project = await createProject(request, 'ui-indexes');
  const res = await request.post(`${REST}/records/import/json`, {
    headers: asMaster(project.id),
    data: { label: 'Note', data: NOTES },
  });
  await expectStatus(res, 200);
  await logInTo(page, project, '/indexes');

  const card = page.getByRole('article', { name: 'Note.text' });

  await test.step('an empty project explains what an index does', async () => {
    await expect(page.getByRole('heading', { name: 'Indexes', level: 1 })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No indexes yet' })).toBeVisible();
    await expect(page.getByText('searchable by meaning')).toBeVisible();
  });

  await test.step('the property list offers only the label’s text properties', async () => {
    await expect(page.getByLabel('Text property')).toBeDisabled();
    await page.getByLabel('Label', { exact: true }).selectOption('Note');
    const property = page.getByLabel('Text property');
    await expect(property).toBeEnabled();
    // `n` is a number: not offered.
    await expect
      .poll(async () => (await property.locator('option').allTextContents()).sort())
      .toEqual(['Choose a property', 'text', 'user']);
  });

  await test.step('create the index and watch the backfill progress until it is ready', async () => {
    // Hold the list at 8 of 20 records while the index is created, as a slow backfill would show it.
    const release = await holdIndexList(page, (ix) => ({
      ...ix,
      status: 'indexing',
      progress: { indexed: 8, total: 20 },
    }));
    await page.getByLabel('Text property').selectOption('text');
    await page.getByLabel('Similarity').selectOption('cosine');
    await page.getByRole('button', { name: 'Create index' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Index on Note.text created' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No indexes yet' })).toBeHidden();

    await expect(card.getByText('indexing', { exact: true })).toBeVisible();
    const bar = card.getByRole('progressbar', { name: 'Backfill of Note.text' });
    await expect(bar).toHaveAttribute('aria-valuenow', '40');
    await expect(card.getByText('8 / 20 records (40%)')).toBeVisible();
    // Already-indexed properties cannot be picked again.
    await expect(page.getByLabel('Text property').locator('option', { hasText: 'text (indexed)' })).toBeDisabled();

    // The page keeps polling while an index is building: the real state takes over once released.
    await release();
    await expect(card.getByText('ready', { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(bar).toBeHidden();
    await expect(card).toContainText('20 existing records');
    await expect(card).toContainText('cosine');
    await expect(card).toContainText('managed');
  });

  await test.step('polling stops once every index is ready', async () => {
    let polls = 0;
    const count = (route: Route) => {
      if (route.request().url().includes('ai.indexes.list')) polls += 1;
      return route.continue();
    };
    await page.route('**/api/trpc/**', count);
    await page.waitForTimeout(2_500);
    await page.unroute('**/api/trpc/**', count);
    expect(polls).toBe(0);
  });

  await test.step('a failed backfill shows its reason and can be retried', async () => {
    const release = await holdIndexList(page, (ix) => ({
      ...ix,
      status: 'error',
      error: 'the embedder did not answer',
      progress: { indexed: 12, total: 20 },
    }));
    await page.reload();
    await expect(card.getByText('failed', { exact: true })).toBeVisible();
    await expect(card.getByRole('alert')).toContainText('after 12 of 20 records: the embedder did not answer');
    await release();
    const retried = page.waitForResponse(
      (r) => r.url().includes('ai.indexes.retry') && r.request().method() === 'POST',
    );
    await card.getByRole('button', { name: 'Retry' }).click();
    expect((await retried).ok()).toBe(true);
    await expect(card.getByText('ready', { exact: true })).toBeVisible();
    await expect(card.getByRole('alert')).toBeHidden();
  });

  await test.step('the index is listed by the API too, and links to Search', async () => {
    const list = await request.get(`${REST}/ai/indexes`, { headers: asMaster(project.id) });
    await expectStatus(list, 200);
    const body = (await list.json()) as { data: { label: string; propertyName: string; status: string }[] };
    expect(body.data).toEqual([expect.objectContaining({ label: 'Note', propertyName: 'text', status: 'ready' })]);
    await expect(card.getByRole('link', { name: 'Search' })).toHaveAttribute(
      'href',
      '/search?label=Note&property=text',
    );
  });

  await test.step('delete asks for confirmation, then the index is gone', async () => {
    await card.getByRole('button', { name: 'Delete the index on Note.text' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this index?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(card).toBeVisible();

    await card.getByRole('button', { name: 'Delete the index on Note.text' }).click();
    await dialog.getByRole('button', { name: 'Delete index' }).click();
    await expect(dialog).toBeHidden();
    await expect(card).toBeHidden();
    await expect(page.getByRole('heading', { name: 'No indexes yet' })).toBeVisible();
    const list = await request.get(`${REST}/ai/indexes`, { headers: asMaster(project.id) });
    expect(((await list.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
