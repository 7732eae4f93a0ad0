import { expect, test } from '@playwright/test';
import { asMaster, createProject, expectStatus, REST } from '../helpers/api';
import { logInTo } from '../helpers/console';

/** The record drawer's History: versions newest first with what each changed, and restoring one. */
test('history: versions with their changes, restore an earlier one', async ({ page, request }) => {
  const project = await createProject(request, 'ui-history');
  const headers = asMaster(project.id);
  const created = await request.post(`${REST}/records`, {
    headers,
    data: { label: 'Note', data: { title: 'first draft', n: 1 } },
  });
  await expectStatus(created, 201);
  const id = (await created.json()).data.__id as string;
  await expectStatus(
    await request.patch(`${REST}/records/${id}`, { headers, data: { data: { title: 'second draft' } } }),
    200,
  );
  await expectStatus(
    await request.put(`${REST}/records/${id}`, { headers, data: { data: { title: 'final', done: true } } }),
    200,
  );

  await logInTo(page, project, '/records?label=Note');
  const rows = page.getByRole('table', { name: 'Records' }).locator('tbody tr');
  await rows.filter({ hasText: 'final' }).click();
  const drawer = page.getByRole('dialog');
  const versions = drawer.getByRole('list', { name: 'Versions' }).getByRole('listitem');
  await expect(drawer.getByRole('heading', { name: /History\s*\(3\)/ })).toBeVisible();
  await expect(versions).toHaveCount(3);
  await expect(versions.nth(0)).toContainText('v3');
  await expect(versions.nth(0)).toContainText('records.set');
  await expect(versions.nth(2)).toContainText('create');

  await test.step('a version shows what it changed', async () => {
    await versions.nth(0).locator('summary').click();
    const diff = versions.nth(0).getByRole('table', { name: 'Changes' });
    await expect(diff.getByRole('row', { name: /^done \(added\)/ })).toBeVisible();
    await expect(diff.getByRole('row', { name: /^n \(removed\)\s+1/ })).toBeVisible();
    await expect(diff.getByRole('row', { name: /^title \(changed\)\s+second draft\s+final$/ })).toBeVisible();
    await expect(versions.nth(0).getByRole('button', { name: /Restore/ })).toHaveCount(0); // the current one
  });

  await test.step('restoring v1 brings its properties back, as a fourth version', async () => {
    await versions.nth(2).locator('summary').click();
    await versions.nth(2).getByRole('button', { name: 'Restore v1…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Restore version 1?' });
    await confirm.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect(drawer.getByRole('heading', { name: /History\s*\(4\)/ })).toBeVisible();
    const props = drawer.getByRole('table', { name: 'Properties' });
    await expect(props.getByRole('row', { name: /^title\s+string\s+first draft$/ })).toBeVisible();
    await expect(props.getByRole('row', { name: /^n\s+number\s+1$/ })).toBeVisible();
    await expect(versions.nth(0)).toContainText('records.restore');
  });
});
