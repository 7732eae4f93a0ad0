import { expect, type Page } from '@playwright/test';
import { PROJECT_COOKIE } from '../../components/providers/project-cookie';
import type { Project } from './api';
import { E2E_BASE_URL, E2E_MASTER_KEY } from './env';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Logs in with the master key and lands on `path` (path and query) with `project` chosen in the switcher. */
export async function logInTo(page: Page, project: Project, path: string) {
  await page.context().addCookies([{ name: PROJECT_COOKIE, value: project.name, url: E2E_BASE_URL }]);
  await page.goto(`/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel('Master key').fill(E2E_MASTER_KEY);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(path)}$`));
  await expect(page.getByLabel('Project', { exact: true })).toHaveValue(project.name);
}
