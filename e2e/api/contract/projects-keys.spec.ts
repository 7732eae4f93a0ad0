import { expect, test } from '@playwright/test';
import { asMaster, bearer, createKey, uniqueName } from '../../helpers/api';
import { client, expectPath, freshProject, NO_SUCH_ID } from './contract';

test.describe('contract: projects', () => {
  test('GET /projects lists projects for the master key; a project key is refused (403), no key 401', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-proj');
    const list = await c.with(asMaster()).ok('GET /projects');
    expect(list.total).toBe(list.data.length);
    expect(list.data.map((p: { id: string }) => p.id)).toContain(c.project.id);
    const admin = await createKey(request, c.project, { scope: 'admin' });
    await c.with(bearer(admin.key)).fails('GET /projects', 403, 'FORBIDDEN');
    await c.with({}).fails('GET /projects', 401, 'UNAUTHORIZED');
  });

  test('POST /projects creates (201); a duplicate name is 409; a missing name is 400 at path name', async ({
    request,
  }) => {
    const m = client(request, { id: '', name: '', createdAt: '' }, asMaster());
    const name = uniqueName('c-newproj');
    const created = await m.ok('POST /projects', { body: { name } });
    expect(created.data).toMatchObject({ name });
    await m.fails('POST /projects', 409, 'CONFLICT', { body: { name } });
    expectPath(await m.fails('POST /projects', 400, 'INVALID', { body: {} }), ['name']);
  });

  test('GET /projects/current names the project with its counts; an unknown x-project-id is 404', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-current');
    await createKey(request, c.project, { scope: 'read' });
    const current = await c.ok('GET /projects/current');
    expect(current.data.project).toMatchObject({ id: c.project.id, name: c.project.name });
    expect(current.data.counts.apiKeys).toBe(1);
    await c.with(asMaster(uniqueName('c-nosuch'))).fails('GET /projects/current', 404, 'NOT_FOUND');
  });
});

test.describe('contract: keys', () => {
  test('POST /keys returns the secret once (201); a bad scope is 400 at path scope; a read key is 403', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-keys');
    const created = await c.ok('POST /keys', { body: { name: 'writer', scope: 'write' } });
    expect(created.data.key).toMatch(/^egk_/);
    expect(created.data.prefix).toMatch(/^egk_/);
    expectPath(await c.fails('POST /keys', 400, 'INVALID', { body: { name: 'x', scope: 'owner' } }), ['scope']);
    const read = await createKey(request, c.project, { scope: 'read' });
    await c.with(bearer(read.key)).fails('POST /keys', 403, 'FORBIDDEN', { body: { name: 'y', scope: 'read' } });
    // The key acts on its own project without x-project-id.
    const w = c.with(bearer(created.data.key));
    expect((await w.ok('GET /projects/current')).data.project.id).toBe(c.project.id);
  });

  test('GET /keys lists keys without secrets; a write key is 403', async ({ request }) => {
    const c = await freshProject(request, 'c-keylist');
    const write = await createKey(request, c.project, { scope: 'write' });
    const list = await c.ok('GET /keys');
    expect(list.total).toBe(1);
    expect(list.data[0]).toMatchObject({ id: write.id, scope: 'write', revokedAt: null });
    expect(list.data[0]).not.toHaveProperty('key');
    await c.with(bearer(write.key)).fails('GET /keys', 403, 'FORBIDDEN');
    await c.with({}).fails('GET /keys', 401, 'UNAUTHORIZED');
  });

  test('DELETE /keys/{id} revokes (the key then answers 401); an unknown id is 404, a malformed one 400 at path id', async ({
    request,
  }) => {
    const c = await freshProject(request, 'c-revoke');
    const key = await createKey(request, c.project, { scope: 'read' });
    const revoked = await c.ok('DELETE /keys/{id}', { params: { id: key.id } });
    expect(revoked.data.id).toBe(key.id);
    expect(revoked.data.revokedAt).not.toBeNull();
    await c.with(bearer(key.key)).fails('GET /projects/current', 401, 'UNAUTHORIZED');
    await c.fails('DELETE /keys/{id}', 404, 'NOT_FOUND', { params: { id: NO_SUCH_ID } });
    expectPath(await c.fails('DELETE /keys/{id}', 400, 'INVALID', { params: { id: 'not-a-uuid' } }), ['id']);
  });
});
