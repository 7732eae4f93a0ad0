import { randomBytes } from 'node:crypto';
import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import { E2E_MASTER_KEY } from './env';

/**
 * Small REST helpers for specs: every test seeds its own project through these, so specs stay
 * independent of each other and of the order they run in.
 */
export const REST = '/api/v1';

export type Project = { id: string; name: string; createdAt: string };
export type ApiKey = {
  id: string;
  name: string;
  prefix: string;
  scope: 'read' | 'write' | 'admin';
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
};
export type CreatedApiKey = ApiKey & { key: string };
export type ErrorBody = {
  error: { code: string; message: string; details?: { path?: (string | number)[]; [k: string]: unknown } };
};

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Master-key headers, acting on `project` (id or name) when given. */
export const asMaster = (project?: string) => ({
  ...bearer(E2E_MASTER_KEY),
  ...(project ? { 'x-project-id': project } : {}),
});

/** A project name no other test (or earlier run on a reused server) has taken. */
export const uniqueName = (prefix = 'e2e') => `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/** Asserts the status, with the body in the failure message so a wrong answer explains itself. */
export async function expectStatus(res: APIResponse, status: number): Promise<void> {
  if (res.status() !== status) {
    const body = await res.text().catch(() => '<unreadable body>');
    expect(res.status(), `${res.url()} answered ${res.status()}: ${body}`).toBe(status);
  }
}

/** Asserts an error response: the status and `{ error: { code, message } }`; returns the error. */
export async function expectError(res: APIResponse, status: number, code: string): Promise<ErrorBody['error']> {
  await expectStatus(res, status);
  expect(res.headers()['content-type']).toContain('application/json');
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

export async function createProject(request: APIRequestContext, prefix = 'e2e'): Promise<Project> {
  const res = await request.post(`${REST}/projects`, { headers: asMaster(), data: { name: uniqueName(prefix) } });
  await expectStatus(res, 201);
  return ((await res.json()) as { data: Project }).data;
}

/** Creates a key in `project` with the master key. */
export async function createKey(
  request: APIRequestContext,
  project: Project,
  input: { scope: ApiKey['scope']; name?: string; expiresAt?: string },
): Promise<CreatedApiKey> {
  const res = await request.post(`${REST}/keys`, {
    headers: asMaster(project.id),
    data: { name: input.name ?? `${input.scope} key`, ...input },
  });
  await expectStatus(res, 201);
  return ((await res.json()) as { data: CreatedApiKey }).data;
}
