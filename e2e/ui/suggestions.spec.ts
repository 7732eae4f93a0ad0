import { expect, test, type APIRequestContext, type Page, type Route } from '@playwright/test';
import { asMaster, createProject, expectStatus, REST, type Project } from '../helpers/api';
import { logInTo } from '../helpers/console';

/**
 * The Suggestions page on a project of its own: the empty state, Analyze now with its progress, the
 * queue with confidence, evidence, sample pairs and a preview, approval with an edited type, reject,
 * bulk reject and approve, the approved and rejected lists, forgetting a rejection, and withdrawing a
 * rule with its edges; every graph change checked through the REST API.
 *
 * The server analyzes in the background ENGRAM_SUGGEST_DEBOUNCE_MS after any write (10 s by default),
 * so an analysis may run at any moment of this test: assertions hold whichever analysis ran, and Analyze
 * now while one runs joins it.
 */
const ORDERS = 'ORDER.customer_id → CUSTOMER.id';
const TICKETS = 'TICKET.assignee → USER.email';
const CATEGORIES = 'CATEGORY.parent_id → CATEGORY.id';

/** orders → customers (numeric customer_id), tickets → users (assignee is the email), categories → their parent, and a decoy: ages that are customer ids too. */
async function seed(request: APIRequestContext, project: Project) {
  const sets: [string, Record<string, unknown>[]][] = [
    ['CUSTOMER', Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: `customer ${i + 1}` }))],
    [
      'ORDER',
      Array.from({ length: 120 }, (_, i) => ({ id: 1001 + i, customer_id: (i % 40) + 1, total: 10 + ((i * 7) % 90) })),
    ],
    ['USER', Array.from({ length: 25 }, (_, i) => ({ email: `user${i}@example.com`, name: `user ${i}`, age: 20 + i }))],
    ['TICKET', Array.from({ length: 60 }, (_, i) => ({ title: `ticket ${i}`, assignee: `user${i % 25}@example.com` }))],
    [
      'CATEGORY',
      Array.from({ length: 30 }, (_, i) => ({
        id: i + 1,
        name: `category ${i + 1}`,
        ...(i > 0 ? { parent_id: Math.floor((i + 1) / 2) } : {}),
      })),
    ],
  ];
  for (const [label, data] of sets) {
    await expectStatus(
      await request.post(`${REST}/records/import/json`, { headers: asMaster(project.id), data: { label, data } }),
      200,
    );
  }
}

/** Relationships of a type, counted through REST. */
async function edges(request: APIRequestContext, project: Project, type: string): Promise<number> {
  const res = await request.post(`${REST}/relationships/search`, {
    headers: asMaster(project.id),
    data: { where: { type }, limit: 1 },
  });
  await expectStatus(res, 200);
  return ((await res.json()) as { total: number }).total;
}

/** Answers the console's analysis calls (the query and "analyze now") as if an analysis were at step 4 of 11. */
async function holdAnalysisRunning(page: Page): Promise<() => Promise<void>> {
  const held = ['suggestions.analysis', 'suggestions.analyze'];
  const handler = async (route: Route) => {
    const procedures = new URL(route.request().url()).pathname.replace(/^\/api\/trpc\//, '').split(',');
    const response = await route.fetch();
    if (!procedures.some((p) => held.includes(p))) return route.fulfill({ response });
    const body = (await response.json()) as { result?: { data?: Record<string, unknown> } }[];
    procedures.forEach((p, i) => {
      const slot = body[i]?.result;
      if (held.includes(p) && slot?.data)
        slot.data = { ...slot.data, status: 'running', progress: { done: 4, total: 11 }, finishedAt: null };
    });
    await route.fulfill({ response, json: body });
  };
  await page.route('**/api/trpc/**', handler);
  return () => page.unroute('**/api/trpc/**', handler);
}

test('suggestions: analyze, evidence and preview, approve with a type, reject, bulk, withdraw with edges', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const project = await createProject(request, 'ui-suggestions');
  await logInTo(page, project, '/suggestions');

  const queue = page.getByRole('list', { name: 'Suggested rules' });
  const card = (rule: string) => page.getByRole('article', { name: rule });
  const notice = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
  const analyzeNow = page.getByRole('button', { name: 'Analyze now' });
  const tab = (name: string | RegExp) => page.getByRole('tab', { name });

  await test.step('a project never analyzed explains where suggestions come from', async () => {
    await expect(page.getByRole('heading', { name: 'Suggestions', level: 1 })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No suggestions yet' })).toBeVisible();
    await expect(page.getByText('a few seconds after records are written')).toBeVisible();
    await expect(notice('Not analyzed yet.')).toBeVisible();
    await expect(tab('Suggested (0)')).toHaveAttribute('aria-selected', 'true');
  });

  await test.step('Analyze now shows its progress, then when it ran and what it found', async () => {
    await seed(request, project);
    const release = await holdAnalysisRunning(page);
    await analyzeNow.click();
    await expect(page.getByRole('button', { name: 'Analyzing…' })).toBeDisabled();
    const bar = page.getByRole('progressbar', { name: 'Analysis progress' });
    await expect(bar).toHaveAttribute('aria-valuenow', '36');
    await expect(page.getByText('4 / 11 steps (36%)')).toBeVisible();
    await release();
    // The page polls while the analysis runs; the real (finished) state takes over.
    await expect(notice(/Last analyzed .+: found 3 rules\./)).toBeVisible({ timeout: 15_000 });
    await expect(bar).toBeHidden();
    await expect(analyzeNow).toBeEnabled();
  });

  await test.step('the queue: the three references, not the decoy, with confidence and evidence', async () => {
    await expect(queue.getByRole('listitem')).toHaveCount(3);
    await expect(tab('Suggested (3)')).toBeVisible();
    for (const rule of [ORDERS, TICKETS, CATEGORIES]) await expect(card(rule)).toBeVisible();
    await expect(queue.getByRole('article', { name: /\.age →/ })).toHaveCount(0);

    const orders = card(ORDERS);
    const confidence = Number(
      await orders.getByRole('meter', { name: `Confidence of ${ORDERS}` }).getAttribute('aria-valuenow'),
    );
    expect(confidence).toBeGreaterThan(85);
    const evidence = orders.getByRole('definition');
    await expect(evidence.filter({ hasText: '120 of 120 records with customer_id' })).toBeVisible();
    await expect(orders).toContainText('Coverage100%');
    await expect(orders).toContainText('Key uniqueness100%');
    await expect(orders).toContainText('"customer_id" names CUSTOMER and key id');
    await expect(orders.getByLabel('Relationship type')).toHaveValue('CUSTOMER');
    await expect(card(TICKETS)).toContainText('email');

    await orders.getByText('Sample pairs (5)').click();
    const pairs = orders.getByRole('table', { name: 'Sample pairs of ORDER and CUSTOMER' });
    await expect(pairs.getByRole('row')).toHaveCount(6);
    const first = pairs.getByRole('link', { name: /^Open ORDER / }).first();
    await expect(first).toHaveAttribute('href', /^\/records\?label=ORDER&record=[0-9a-f-]{36}$/);
  });

  await test.step('the preview says what approval creates', async () => {
    const orders = card(ORDERS);
    await orders.getByRole('button', { name: `Preview ${ORDERS}` }).click();
    const preview = orders.getByTestId('suggestion-preview');
    await expect(preview).toContainText('Approval creates 120 relationships');
    await expect(preview.getByRole('table').getByRole('row')).toHaveCount(11);
    expect(await edges(request, project, 'CUSTOMER')).toBe(0);
  });

  await test.step('approve with an edited type: it moves to Approved with its edges', async () => {
    const orders = card(ORDERS);
    const type = orders.getByLabel('Relationship type');
    await type.fill('');
    await expect(orders.getByText('Enter a relationship type.')).toBeVisible();
    await expect(orders.getByRole('button', { name: `Approve ${ORDERS}` })).toBeDisabled();
    await type.fill('PLACED_BY');
    await expect(orders.getByTestId('suggestion-preview')).toContainText('-[PLACED_BY]→');
    await orders.getByRole('button', { name: `Approve ${ORDERS}` }).click();
    await expect(notice(`Approved ${ORDERS} as PLACED_BY. Created 120 relationships.`)).toBeVisible();
    await expect(orders).toBeHidden();
    await expect(tab('Approved (1)')).toBeVisible();
    expect(await edges(request, project, 'PLACED_BY')).toBe(120);

    await tab('Approved (1)').click();
    const row = page.getByRole('table', { name: 'Approved rules' }).getByRole('row', { name: ORDERS });
    await expect(row).toContainText('PLACED_BY');
    await expect(row.getByTestId('rule-edges')).toHaveText('120');
    await tab('Suggested (2)').click();
  });

  await test.step('reject one, and bulk-reject another: both are listed as rejected', async () => {
    await card(TICKETS)
      .getByRole('button', { name: `Reject ${TICKETS}` })
      .click();
    await expect(notice(`Rejected ${TICKETS}. It will not be suggested again.`)).toBeVisible();
    await expect(card(TICKETS)).toBeHidden();

    await card(CATEGORIES)
      .getByRole('checkbox', { name: `Select ${CATEGORIES}` })
      .check();
    await page.getByRole('button', { name: 'Reject selected' }).click();
    await expect(notice('Rejected 1 rule.')).toBeVisible();
    await expect(tab('Suggested (0)')).toBeVisible();

    await tab('Rejected (2)').click();
    const rejected = page.getByRole('table', { name: 'Rejected rules' });
    await expect(rejected.getByRole('row', { name: TICKETS })).toBeVisible();
    await expect(rejected.getByRole('row', { name: CATEGORIES })).toBeVisible();
    expect(await edges(request, project, 'ASSIGNEE')).toBe(0);
  });

  await test.step('forgotten rejections are suggested again by the next analysis', async () => {
    const rejected = page.getByRole('table', { name: 'Rejected rules' });
    for (const rule of [TICKETS, CATEGORIES]) {
      await rejected.getByRole('button', { name: `Forget rejection of ${rule}` }).click();
      await expect(rejected.getByRole('row', { name: rule })).toBeHidden();
    }
    await expect(page.getByRole('heading', { name: 'No rejected rules' })).toBeVisible();
    // Its count may have moved already: a background analysis may have suggested them again.
    await tab(/^Suggested/).click();
    // One that read the data before the rejections were forgotten may still be running, and Analyze now
    // joins it: another click then sees them.
    await expect(async () => {
      await analyzeNow.click();
      await expect(queue.getByRole('listitem')).toHaveCount(2, { timeout: 5_000 });
    }).toPass({ timeout: 45_000 });
  });

  await test.step('bulk approve uses each rule’s edited type', async () => {
    await card(TICKETS).getByLabel('Relationship type').fill('ASSIGNED_TO');
    await page.getByRole('checkbox', { name: 'Select all', exact: true }).check();
    await expect(page.getByText('2 selected')).toBeVisible();
    await page.getByRole('button', { name: 'Approve selected' }).click();
    await expect(notice('Approved 2 rules. Created 89 relationships.')).toBeVisible();
    await expect(tab('Approved (3)')).toBeVisible();
    expect(await edges(request, project, 'ASSIGNED_TO')).toBe(60);
    expect(await edges(request, project, 'PARENT')).toBe(29);
  });

  await test.step('withdraw a rule with its edges', async () => {
    await tab('Approved (3)').click();
    const approved = page.getByRole('table', { name: 'Approved rules' });
    await expect(approved.getByRole('row', { name: CATEGORIES }).getByTestId('rule-edges')).toHaveText('29');
    await approved.getByRole('button', { name: `Withdraw ${ORDERS}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Withdraw this rule?' });
    await expect(dialog).toContainText(ORDERS);
    await dialog.getByRole('checkbox', { name: 'Also delete its 120 relationships' }).check();
    await dialog.getByRole('button', { name: 'Withdraw rule' }).click();
    await expect(dialog).toBeHidden();
    await expect(notice(`Withdrew ${ORDERS}. Deleted 120 relationships.`)).toBeVisible();
    await expect(approved.getByRole('row', { name: ORDERS })).toBeHidden();
    await expect(tab('Approved (2)')).toBeVisible();
    expect(await edges(request, project, 'PLACED_BY')).toBe(0);
    expect(await edges(request, project, 'ASSIGNED_TO')).toBe(60);
    const res = await request.get(`${REST}/relationships/suggestions?status=approved`, {
      headers: asMaster(project.id),
    });
    expect(((await res.json()) as { data: { type: string }[] }).data.map((s) => s.type).sort()).toEqual([
      'ASSIGNED_TO',
      'PARENT',
    ]);
  });
});
