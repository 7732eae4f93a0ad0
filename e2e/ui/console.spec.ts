import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { E2E_MASTER_KEY } from '../helpers/env';

/**
 * The console shell end to end: the login gate, Home, and an API key's whole life (create in the UI,
 * use it over REST, revoke it in the UI, see REST refuse it), then logout.
 */
test('log in, create an API key, use it, revoke it, log out', async ({ page, request }) => {
  const keyName = `ui-e2e-${randomBytes(4).toString('hex')}`;

  await test.step('an unauthenticated visit is sent to the login page', async () => {
    await page.goto('/settings/keys');
    await expect(page).toHaveURL(/\/login\?next=%2Fsettings%2Fkeys$/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Log in to the console' })).toBeVisible();
  });

  await test.step('a wrong master key shows an error', async () => {
    await page.getByLabel('Master key').fill('not-the-master-key');
    await page.getByRole('button', { name: 'Log in' }).click();
    // Filtered: Next's route announcer is an (empty) alert too.
    await expect(page.getByRole('alert').filter({ hasText: 'That is not the master key' })).toBeVisible();
    await expect(page).toHaveURL(/\/login$/);
  });

  await test.step('the master key opens the console on Home', async () => {
    await page.getByLabel('Master key').fill(E2E_MASTER_KEY);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1, name: 'default' })).toBeVisible();
    await expect(page.getByText('Active API keys')).toBeVisible();
    await expect(page.getByLabel('Project', { exact: true })).toHaveValue('default');
  });

  await test.step('Settings → API keys', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await page.getByRole('link', { name: 'API keys' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
  });

  const secret = await test.step('create a write key and read its secret from the one-time panel', async () => {
    await page.getByLabel('Name', { exact: true }).fill(keyName);
    await page.getByLabel('Scope').selectOption('write');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByRole('heading', { name: `Key “${keyName}” created` })).toBeVisible();
    const value = await page.getByLabel('Secret key').inputValue();
    expect(value).toMatch(/^egk_/);
    const row = page.getByRole('row', { name: new RegExp(keyName) });
    await expect(row.getByRole('cell', { name: 'write', exact: true })).toBeVisible();
    await expect(row.getByText('active', { exact: true })).toBeVisible();
    return value;
  });

  await test.step('the key works over REST', async () => {
    const res = await request.get('/api/v1/projects/current', { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { data: { project: { name: string } } };
    expect(body.data.project.name).toBe('default');
  });

  await test.step('revoke the key, with confirmation', async () => {
    await page.getByRole('button', { name: 'Done, I have saved it' }).click();
    await expect(page.getByLabel('Secret key')).toHaveCount(0);
    const row = page.getByRole('row', { name: new RegExp(keyName) });
    await row.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this API key?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByText('revoked', { exact: true })).toBeVisible();
    await expect(row.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
  });

  await test.step('the revoked key is refused', async () => {
    const res = await request.get('/api/v1/projects/current', { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status()).toBe(401);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('UNAUTHORIZED');
  });

  await test.step('log out', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/settings/keys');
    await expect(page).toHaveURL(/\/login\?next=/);
  });
});
