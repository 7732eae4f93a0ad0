import { expect, test } from '@playwright/test';
import { asMaster, createProject, expectStatus, REST } from '../helpers/api';
import { E2E_BASE_URL } from '../helpers/env';
import { logInTo } from '../helpers/console';

/**
 * The Schema page on a project of its own: the empty state, then (after an import) a card per label with
 * type badges, coverage, values and the relationship to the other label, and the Markdown view.
 */
test('schema: empty state, label cards with types, coverage and relationships, Markdown', async ({
  page,
  request,
  context,
}) => {
  const project = await createProject(request, 'ui-schema');
  await logInTo(page, project, '/schema');

  await test.step('an empty project shows the empty state with a link to Import', async () => {
    await expect(page.getByRole('heading', { name: 'No records yet' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Import JSON, JSONL or CSV' })).toHaveAttribute('href', '/import');
  });

  await test.step('import data', async () => {
    const res = await request.post(`${REST}/records/import/json`, {
      headers: asMaster(project.id),
      data: {
        label: 'Person',
        data: [
          { name: 'Ada', age: 36, born: '1815-12-10', address: { city: 'London' } },
          { name: 'Alan', age: 41, address: { city: 'Wilmslow' } },
          { name: 'Grace', age: 85, tags: ['navy', 'cobol'] },
          { name: 'Edsger', age: 72 },
        ],
      },
    });
    await expectStatus(res, 200);
    await page.reload();
  });

  const person = page.getByRole('article', { name: 'Person' });
  await test.step('the Person card: count, property types, coverage, values', async () => {
    await expect(person.getByText('4 records')).toBeVisible();
    const props = person.getByRole('table', { name: 'Properties of Person' });
    await expect(props.getByRole('row', { name: /^age\s+number\s+100%\s+36\s*–\s*85$/ })).toBeVisible();
    await expect(props.getByRole('row', { name: /^name\s+string\s+100%/ })).toContainText('Ada');
    await expect(props.getByRole('row', { name: /^born\s+datetime\s+25%/ })).toBeVisible();
    await expect(
      props.getByRole('row', { name: /^tags\s+string\[\]\s+25%\s+(navy\s*cobol|cobol\s*navy)$/ }),
    ).toBeVisible();
    await expect(person.getByRole('link', { name: 'Browse records →' })).toHaveAttribute(
      'href',
      '/records?label=Person',
    );
  });

  await test.step('relationships between labels, linking to the other card', async () => {
    const rels = person.getByRole('list', { name: 'Relationships of Person' });
    await expect(rels.getByRole('listitem')).toHaveText([/HAS_ADDRESS →\s*address\s*× 2/]);
    await rels.getByRole('link', { name: 'address' }).click();
    const address = page.getByRole('article', { name: 'address' });
    await expect(address).toBeInViewport();
    await expect(address.getByText('2 records')).toBeVisible();
    await expect(
      address.getByRole('table', { name: 'Properties of address' }).getByRole('row', { name: /^city\s+string\s+100%/ }),
    ).toBeVisible();
    await expect(address.getByRole('list', { name: 'Relationships of address' })).toContainText('← HAS_ADDRESS');
  });

  await test.step('the Markdown view holds the label and copies', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: E2E_BASE_URL });
    await page.getByRole('tab', { name: 'Markdown' }).click();
    await expect(page.getByRole('tab', { name: 'Markdown' })).toHaveAttribute('aria-selected', 'true');
    const markdown = page.getByTestId('schema-markdown');
    await expect(markdown).toContainText('## Person (4 records)');
    await expect(markdown).toContainText('(Person)-[:HAS_ADDRESS]->(address)');
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' })).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('## Person (4 records)');
    expect(copied.trim()).toBe((await markdown.textContent())?.trim());
  });
});
