import { expect, test, type Page } from '@playwright/test';
import { asMaster, createProject, expectStatus, REST } from '../helpers/api';
import { E2E_BASE_URL, E2E_MASTER_KEY } from '../helpers/env';
import { logInTo } from '../helpers/console';
import { Engram } from '../../sdk/src';

/**
 * The Records page's query builder on a project of its own: a property condition and an OR group,
 * applied and kept across a reload; a related-label condition on the nested child; the JSON view;
 * copy as curl / SDK call; an invalid value refused in the builder and an invalid query reported by
 * the server with its path.
 */
const PEOPLE = [
  { name: 'Ada', age: 36, city: 'Boston', vip: false, born: '1815-12-10', address: { city: 'London' } },
  { name: 'Alan', age: 41, city: 'Paris', vip: true, born: '1912-06-23', address: { city: 'Wilmslow' } },
  { name: 'Grace', age: 85, city: 'Oslo', vip: false, born: '1906-12-09' },
  { name: 'Tim', age: 25, city: 'Boston', vip: true },
  { name: 'Edsger', age: 72, city: 'Austin', vip: false },
];

const dataRows = (page: Page) => page.getByRole('table', { name: 'Records' }).locator('tbody tr');
const names = (page: Page) =>
  dataRows(page)
    .locator('td')
    .filter({ hasText: /^(Ada|Alan|Grace|Tim|Edsger)$/ });
/** The names in the table, in any order (records made in one import may share a millisecond). */
const expectNames = (page: Page, expected: string[]) =>
  expect.poll(async () => (await names(page).allTextContents()).sort()).toEqual([...expected].sort());
const conditions = (page: Page) => page.getByRole('group', { name: 'Query conditions' });
const applyButton = (page: Page) => page.getByRole('button', { name: 'Apply', exact: true });
const shownQuery = async (page: Page) =>
  JSON.parse((await page.getByTestId('query-json').textContent()) ?? 'null') as Record<string, unknown>;

test('query builder: groups, related labels, JSON, copy as curl / SDK, errors', async ({ page, request, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: E2E_BASE_URL });
  const project = await createProject(request, 'ui-query');
  const res = await request.post(`${REST}/records/import/json`, {
    headers: asMaster(project.id),
    data: { label: 'Person', data: PEOPLE },
  });
  await expectStatus(res, 200);
  await logInTo(page, project, '/records');
  await page
    .getByRole('navigation', { name: 'Labels' })
    .getByRole('button', { name: /^Person\s*5$/ })
    .click();
  await expect(dataRows(page)).toHaveCount(5);

  await test.step('build age ≥ 30 AND (city contains "os" OR vip = true) and apply it', async () => {
    const root = conditions(page);
    await root.getByLabel('Property').fill('age');
    await root.getByLabel('Operator').selectOption({ label: '≥' });
    await root.getByLabel('Value').fill('30');
    await expect(root.getByLabel('Value')).toHaveAccessibleDescription('number');

    await root.getByRole('button', { name: 'Add group' }).click();
    const group = root.getByRole('group', { name: 'Nested group' });
    await group.getByRole('radio', { name: 'OR' }).check();
    await expect(group.getByText('match any of these')).toBeVisible();
    await group.getByLabel('Property').fill('city');
    await group.getByLabel('Operator').selectOption({ label: 'contains' });
    await group.getByLabel('Value').fill('os');
    await group.getByRole('button', { name: 'Add condition' }).click();
    await group.getByLabel('Property').nth(1).fill('vip');
    await group.getByLabel('Value').nth(1).fill('true');
    await expect(page.getByText('Changes not applied yet.')).toBeVisible();

    await applyButton(page).click();
    await expect(page).toHaveURL(/[?&]q=/);
    await expectNames(page, ['Grace', 'Alan', 'Ada']);
    await expect(page.getByRole('heading', { name: /^Person \(3\)/ })).toBeVisible();
  });

  await test.step('the JSON view shows the SearchQuery; the query survives a reload', async () => {
    await page.getByRole('button', { name: 'JSON', exact: true }).click();
    const query = await shownQuery(page);
    expect(query.labels).toEqual(['Person']);
    expect(query.where).toEqual({ age: { $gte: 30 }, $or: [{ city: { $contains: 'os' } }, { vip: true }] });
    expect(query).toMatchObject({ orderBy: 'desc', skip: 0, limit: 50 });

    await page.reload();
    await expectNames(page, ['Grace', 'Alan', 'Ada']);
    const root = conditions(page);
    await expect(root.getByLabel('Property').first()).toHaveValue('age');
    await expect(root.getByLabel('Operator').first()).toHaveValue('gte');
    const group = root.getByRole('group', { name: 'Nested group' });
    await expect(group.getByRole('radio', { name: 'OR' })).toBeChecked();
    await expect(group.getByLabel('Value').nth(0)).toHaveValue('os');
    await expect(group.getByLabel('Value').nth(1)).toHaveValue('true');
    await expect(page.getByText('Changes not applied yet.')).toHaveCount(0);
  });

  await test.step('a related label: linked to an address whose city is London', async () => {
    const root = conditions(page);
    await root.getByRole('button', { name: 'Add related label' }).last().click();
    await root.getByLabel('Related label', { exact: true }).fill('address');
    const related = page.getByRole('group', { name: 'Conditions on the related address record' });
    await related.getByLabel('Property').fill('city');
    await related.getByLabel('Value').fill('London');
    await applyButton(page).click();
    await expectNames(page, ['Ada']);

    await root.getByLabel('Relationship type').fill('HAS_ADDRESS');
    await root.getByLabel('Direction').selectOption('out');
    await applyButton(page).click();
    await expectNames(page, ['Ada']);
    await page.getByRole('button', { name: 'JSON', exact: true }).click();
    expect((await shownQuery(page)).where).toEqual({
      age: { $gte: 30 },
      $or: [{ city: { $contains: 'os' } }, { vip: true }],
      address: { $relation: { type: 'HAS_ADDRESS', direction: 'out' }, city: 'London' },
    });

    // The other way round (address → Person) nothing is linked.
    await root.getByLabel('Direction').selectOption('in');
    await applyButton(page).click();
    await expect(page.getByRole('heading', { name: 'No records match this query' })).toBeVisible();
    await root.getByLabel('Direction').selectOption('any');
    await applyButton(page).click();
    await expectNames(page, ['Ada']);
  });

  await test.step('copy as curl and as an SDK call', async () => {
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The curl command is on the clipboard' })).toBeVisible();
    const curl = await page.evaluate(() => navigator.clipboard.readText());
    expect(curl).toContain(`curl -s ${E2E_BASE_URL}/api/v1/records/search`);
    expect(curl).toContain('-H "authorization: Bearer $ENGRAM_KEY"');
    expect(curl).toContain(`-H 'x-project-id: ${project.name}'`);
    expect(curl).toContain(`"address":{"$relation":"HAS_ADDRESS","city":"London"}`);
    expect(curl).not.toContain(E2E_MASTER_KEY);

    await page.getByRole('button', { name: 'Copy as SDK call' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The SDK call is on the clipboard' })).toBeVisible();
    const sdk = await page.evaluate(() => navigator.clipboard.readText());
    expect(sdk).toMatch(/^await db\.records\.find\(\{\n {2}labels: \['Person'\],/);
    expect(sdk).toContain("$contains: 'os'");
    // The copied call runs as it is on the SDK and finds what the page shows.
    const db = new Engram({ url: E2E_BASE_URL, apiKey: E2E_MASTER_KEY, project: project.name });
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      arg: string,
      body: string,
    ) => (db: Engram) => Promise<{ items: { name?: unknown }[]; total: number }>;
    const found = await new AsyncFunction('db', `return ${sdk}`)(db);
    expect(found.items.map((r) => r.name)).toEqual(['Ada']);
    expect(found.total).toBe(1);
  });

  await test.step('an invalid value is refused in the builder, with a message on its row', async () => {
    const root = conditions(page);
    await root.getByRole('button', { name: 'Add condition' }).last().click();
    const property = root.getByLabel('Property').last();
    await property.fill('born');
    // The schema knows born is a datetime, so the date operators are offered.
    await root.getByLabel('Operator').last().selectOption({ label: 'year =' });
    const value = root.getByLabel('Value').last();
    await value.fill('abc');
    await expect(value).toHaveAttribute('aria-invalid', 'true');
    await expect(root.getByText('$year takes a whole number, such as 2024.')).toBeVisible();
    await applyButton(page).click();
    await expect(page.getByRole('alert').filter({ hasText: 'One condition needs fixing' })).toBeVisible();
    await expect(value).toBeFocused();
    await expectNames(page, ['Ada']);

    await value.fill('1815');
    await applyButton(page).click();
    await expectNames(page, ['Ada']);
    await expect(page.getByRole('alert').filter({ hasText: 'needs fixing' })).toHaveCount(0);
  });

  await test.step('edited JSON: a parse error is shown; an invalid query shows the server error and its path', async () => {
    await page.getByRole('button', { name: 'Edit JSON' }).click();
    const editor = page.getByLabel('SearchQuery (JSON)');
    await editor.fill('{ "where": ');
    await page.getByRole('button', { name: 'Apply JSON' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Not valid JSON' })).toBeVisible();
    await expect(editor).toHaveAttribute('aria-invalid', 'true');

    await editor.fill(
      '{ "labels": ["Person"], "where": { "name": { "$startsWith": "a" }, "born": { "$year": "abc" } } }',
    );
    await page.getByRole('button', { name: 'Apply JSON' }).click();
    const error = page.getByRole('alert').filter({ hasText: 'The query could not run.' });
    await expect(error).toContainText('$year takes a whole number');
    await expect(error.getByTestId('error-path')).toHaveText('where.born.$year');
    // The builder shows the query it ran, with the bad value on its row.
    const value = conditions(page).getByLabel('Value').last();
    await expect(value).toHaveValue('abc');
    await expect(value).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('heading', { name: 'Records', level: 1 })).toBeVisible();

    await value.fill('1912');
    await applyButton(page).click();
    await expectNames(page, ['Alan']);
  });

  await test.step('Clear shows every record again', async () => {
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await expect(dataRows(page)).toHaveCount(5);
    await expect(page).toHaveURL(/\/records\?label=Person$/);
  });
});
