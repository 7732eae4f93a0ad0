import { expect, test, type Page } from '@playwright/test';
import { createProject } from '../helpers/api';
import { logInTo } from '../helpers/console';

/**
 * The Records page end to end on a project of its own: import through the dialog, labels with counts,
 * a query (kept in the URL across a reload), the drawer with types and relationships, edit, delete,
 * and an invalid import that names the JSON path of the bad value.
 */
const PEOPLE = [
  { name: 'Ada', age: 36, born: '1815-12-10', tags: ['math', 'poetry'], address: { city: 'London', zip: 'W1' } },
  { name: 'Alan', age: 41, tags: ['logic'], address: { city: 'Wilmslow' } },
  { name: 'Grace', age: 85, active: true },
];

const recordsTable = (page: Page) => page.getByRole('table', { name: 'Records' });
const dataRows = (page: Page) => recordsTable(page).locator('tbody tr');
const labelButton = (page: Page, name: RegExp) =>
  page.getByRole('navigation', { name: 'Labels' }).getByRole('button', { name });
/** Opens the Import dialog and imports pasted JSON under a label; returns the dialog. */
async function importJson(page: Page, json: string, label: string) {
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import data' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Data', { exact: true }).fill(json);
  await expect(dialog.getByLabel('Format')).toHaveValue('json');
  await dialog.getByLabel('Label (optional)').fill(label);
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  return dialog;
}

test('records: import, labels, query, drawer, edit, delete, invalid import', async ({ page, request }) => {
  const project = await createProject(request, 'ui-records');
  await logInTo(page, project, '/records');

  await test.step('an empty project says so and offers Import', async () => {
    await expect(page.getByRole('heading', { name: 'No records yet' })).toBeVisible();
  });

  await test.step('import a JSON array with nested objects through the dialog and see the counts', async () => {
    const dialog = await importJson(page, JSON.stringify(PEOPLE, null, 2), 'Person');
    const result = dialog.getByRole('status').filter({ hasText: 'Import complete' });
    await expect(result).toContainText('5 records created');
    await expect(result).toContainText('0 records updated');
    await expect(result).toContainText('2 relationships');
    await dialog.getByRole('button', { name: 'Show Person records' }).click();
    await expect(dialog).toBeHidden();
    await expect(page).toHaveURL(/\/records\?label=Person$/);
  });

  await test.step('the label sidebar lists labels with counts', async () => {
    await expect(labelButton(page, /^All records\s*5$/)).toBeVisible();
    await expect(labelButton(page, /^Person\s*3$/)).toHaveAttribute('aria-current', 'true');
    await expect(labelButton(page, /^address\s*2$/)).toBeVisible();
    await expect(page.getByRole('heading', { name: /^Person \(3\)/ })).toBeVisible();
    await expect(dataRows(page)).toHaveCount(3);
    // Typed columns: the header names the type, numbers are right-aligned.
    await expect(recordsTable(page).getByRole('columnheader', { name: /age\s*number/ })).toHaveClass(/num/);
    await expect(recordsTable(page).getByRole('columnheader', { name: /tags\s*string\[\]/ })).toBeVisible();
  });

  await test.step('query by a property; the query survives a reload', async () => {
    const query = page.getByRole('group', { name: 'Query conditions' });
    await query.getByLabel('Property').fill('age');
    await query.getByLabel('Value').fill('41');
    await expect(query.getByLabel('Value')).toHaveAccessibleDescription('number');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect(page).toHaveURL(/q=%7B%22age%22%3A41%7D/);
    await expect(dataRows(page)).toHaveCount(1);
    await expect(dataRows(page)).toContainText('Alan');

    await page.reload();
    await expect(dataRows(page)).toHaveCount(1);
    await expect(page.getByRole('group', { name: 'Query conditions' }).getByLabel('Value')).toHaveValue('41');

    await query.getByLabel('Operator').selectOption({ label: 'is one of' });
    await query.getByLabel('Property').fill('name');
    await query.getByLabel('Value').fill('Ada, Grace');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect(dataRows(page)).toHaveCount(2);

    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await expect(dataRows(page)).toHaveCount(3);
    await expect(page).toHaveURL(/\/records\?label=Person$/);
  });

  await test.step('the drawer shows every property with its type and the outgoing relationship', async () => {
    await dataRows(page).filter({ hasText: 'Ada' }).click();
    const drawer = page.getByRole('dialog');
    await expect(drawer.getByText('Person', { exact: true })).toBeVisible();
    const props = drawer.getByRole('table', { name: 'Properties' });
    await expect(props.getByRole('row', { name: /^name\s+string\s+Ada$/ })).toBeVisible();
    await expect(props.getByRole('row', { name: /^age\s+number\s+36$/ })).toBeVisible();
    await expect(props.getByRole('row', { name: /^born\s+datetime/ })).toBeVisible();
    await expect(props.getByRole('row', { name: /^tags\s+string\[\]\s+math\s*poetry$/ })).toBeVisible();
    await expect(drawer.getByText('HAS_ADDRESS →')).toBeVisible();
  });

  await test.step('click through to the child; Back returns to the parent', async () => {
    const drawer = page.getByRole('dialog');
    await drawer.getByRole('button', { name: /^Open address record/ }).click();
    await expect(drawer.getByText('address', { exact: true }).first()).toBeVisible();
    await expect(
      drawer.getByRole('table', { name: 'Properties' }).getByRole('row', { name: /^city\s+string\s+London$/ }),
    ).toBeVisible();
    await expect(drawer.getByText('← HAS_ADDRESS')).toBeVisible();
    await page.goBack();
    await expect(
      drawer.getByRole('table', { name: 'Properties' }).getByRole('row', { name: /^name\s+string\s+Ada$/ }),
    ).toBeVisible();
  });

  await test.step('edit a property (merge) and see it in the drawer and the table', async () => {
    const drawer = page.getByRole('dialog');
    await drawer.getByRole('button', { name: 'Edit' }).click();
    await drawer.getByLabel('Properties (JSON)').fill('{ "age": 37, "tags": [1, "x"] }');
    await drawer.getByRole('button', { name: 'Save' }).click();
    // An invalid value is refused with its path, and nothing changes.
    await expect(drawer.getByRole('alert').filter({ hasText: 'mixed array' })).toBeVisible();
    await expect(drawer.getByTestId('error-path')).toHaveText('data.tags[1]');
    await drawer.getByLabel('Properties (JSON)').fill('{ "age": 37 }');
    await drawer.getByRole('button', { name: 'Save' }).click();
    await expect(
      drawer.getByRole('table', { name: 'Properties' }).getByRole('row', { name: /^age\s+number\s+37$/ }),
    ).toBeVisible();
    await expect(
      drawer.getByRole('table', { name: 'Properties' }).getByRole('row', { name: /^name\s+string\s+Ada$/ }),
    ).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await expect(dataRows(page).filter({ hasText: 'Ada' })).toContainText('37');
  });

  await test.step('delete a record with confirmation', async () => {
    await dataRows(page)
      .filter({ hasText: 'Grace' })
      .getByRole('button', { name: /^Open record/ })
      .click();
    const drawer = page.getByRole('dialog');
    await drawer.getByRole('button', { name: 'Delete…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this record?' });
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Delete record' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(dataRows(page)).toHaveCount(2);
    await expect(dataRows(page).filter({ hasText: 'Grace' })).toHaveCount(0);
    await expect(labelButton(page, /^Person\s*2$/)).toBeVisible();
  });

  await test.step('an invalid import (a mixed array) shows the error with its path and writes nothing', async () => {
    const dialog = await importJson(page, '[{ "name": "Bad", "scores": [1, "two"] }]', 'Broken');
    await expect(dialog.getByRole('alert').filter({ hasText: 'Nothing was imported.' })).toContainText('A mixed array');
    await expect(dialog.getByTestId('error-path')).toHaveText('data[0].scores[1]');
    await dialog.getByRole('button', { name: 'Close import' }).click();
    await expect(dialog).toBeHidden();
    await expect(labelButton(page, /^All records\s*4$/)).toBeVisible();
    await expect(labelButton(page, /^Broken/)).toHaveCount(0);
  });
});
