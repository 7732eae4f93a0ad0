import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import {
  asMaster,
  bearer,
  createKey,
  createProject,
  expectError,
  expectStatus,
  REST,
  uniqueName,
  type ApiKey,
  type CreatedApiKey,
  type Project,
} from '../helpers/api';
import { E2E_DATABASE_KIND } from '../helpers/env';

/**
 * The wire contract of the foundation: health, the OpenAPI document, and the auth matrix of the REST
 * surface (401 / 403 / 404 / 400 / 409), exercised over HTTP against the production build. Every test
 * seeds its own project, so tests run in parallel and in any order.
 */

test.describe('health and OpenAPI', () => {
  test('GET /api/health answers 200 without credentials and names the database', async ({ request }) => {
    const res = await request.get('/api/health');
    await expectStatus(res, 200);
    const body = (await res.json()) as {
      status: string;
      database: string;
      migrations: { applied: number; latest: string | null };
    };
    expect(body.status).toBe('ok');
    expect(body.database).toBe(E2E_DATABASE_KIND);
    expect(body.migrations.applied).toBeGreaterThanOrEqual(1);
    expect(typeof body.migrations.latest).toBe('string');
  });

  test('the OpenAPI document lists every REST endpoint with request and response schemas', async ({ request }) => {
    const res = await request.get(`${REST}/openapi.json`);
    await expectStatus(res, 200);
    type Operation = {
      requestBody?: { content: Record<string, { schema: Schema }> };
      parameters?: { name: string; in: string; required?: boolean }[];
      responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
      security?: unknown[];
    };
    type Schema = {
      type?: string | string[];
      properties?: Record<string, Schema>;
      required?: string[];
      items?: Schema;
      enum?: unknown[];
      $ref?: string;
    };
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
    expect(doc.openapi).toMatch(/^3\./);

    const expected: [string, string, number][] = [
      ['/projects', 'get', 200],
      ['/projects', 'post', 201],
      ['/projects/current', 'get', 200],
      ['/keys', 'get', 200],
      ['/keys', 'post', 201],
      ['/keys/{id}', 'delete', 200],
    ];
    for (const [path, method, status] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path} is documented`).toBeDefined();
      const success = op!.responses[String(status)]?.content?.['application/json']?.schema;
      expect(success, `${method.toUpperCase()} ${path} documents its ${status} body`).toBeDefined();
      expect(success!.required).toContain('data');
      expect(success!.properties?.data, `${method.toUpperCase()} ${path} documents data`).toBeDefined();
      for (const errStatus of ['400', '401', '403', '404']) {
        expect(op!.responses[errStatus], `${method.toUpperCase()} ${path} documents ${errStatus}`).toBeDefined();
      }
    }

    const createKeyOp = doc.paths['/keys']!.post!;
    const keyInput = createKeyOp.requestBody?.content['application/json']?.schema;
    expect(keyInput?.properties && Object.keys(keyInput.properties).sort()).toEqual(['expiresAt', 'name', 'scope']);
    expect(keyInput!.required?.sort()).toEqual(['name', 'scope']);
    expect(keyInput!.properties!.scope!.enum?.slice().sort()).toEqual(['admin', 'read', 'write']);
    const createdKey = createKeyOp.responses['201']!.content!['application/json']!.schema.properties!.data!;
    expect(Object.keys(createdKey.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'name', 'scope', 'key', 'prefix', 'expiresAt']),
    );

    const listKeys = doc.paths['/keys']!.get!.responses['200']!.content!['application/json']!.schema;
    expect(listKeys.required).toEqual(expect.arrayContaining(['data', 'total']));
    expect(listKeys.properties!.data!.type).toBe('array');
    expect(Object.keys(listKeys.properties!.data!.items?.properties ?? {})).not.toContain('key');

    const projectInput = doc.paths['/projects']!.post!.requestBody?.content['application/json']?.schema;
    expect(projectInput?.properties?.name).toBeDefined();
    expect(projectInput?.required).toContain('name');

    const revoke = doc.paths['/keys/{id}']!.delete!;
    expect(revoke.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'path', required: true })]),
    );

    // Every documented operation is actually served, and none of them is open without a key.
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(op.security, `${method.toUpperCase()} ${path} declares bearer auth`).toEqual([{ bearerAuth: [] }]);
        const url = REST + path.replace('{id}', '00000000-0000-7000-8000-000000000000');
        const r = await request.fetch(url, {
          method: method.toUpperCase(),
          data: method === 'get' || method === 'delete' ? undefined : {},
        });
        await expectError(r, 401, 'UNAUTHORIZED');
      }
    }
  });
});

test.describe('401: no valid credentials', () => {
  test('missing credentials', async ({ request }) => {
    await createProject(request);
    for (const path of ['/projects', '/projects/current', '/keys']) {
      await expectError(await request.get(REST + path), 401, 'UNAUTHORIZED');
    }
    await expectError(await request.post(`${REST}/keys`, { data: { name: 'x', scope: 'read' } }), 401, 'UNAUTHORIZED');
  });

  test('garbage and unknown keys, and a malformed Authorization header', async ({ request }) => {
    const project = await createProject(request);
    const wellFormedUnknown = `egk_${project.id.replace(/-/g, '')}_${randomBytes(32).toString('base64url')}`;
    for (const key of ['garbage', 'egk_nope', wellFormedUnknown, 'e2e-master-key-0123456789abcdeX']) {
      await expectError(await request.get(`${REST}/projects/current`, { headers: bearer(key) }), 401, 'UNAUTHORIZED');
    }
    await expectError(
      await request.get(`${REST}/projects/current`, { headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
      401,
      'UNAUTHORIZED',
    );
  });

  test('a revoked key stops working, and the listing shows it revoked', async ({ request }) => {
    const project = await createProject(request);
    const key = await createKey(request, project, { scope: 'read' });
    await expectStatus(await request.get(`${REST}/projects/current`, { headers: bearer(key.key) }), 200);

    const revoke = await request.delete(`${REST}/keys/${key.id}`, { headers: asMaster(project.id) });
    await expectStatus(revoke, 200);
    const revoked = ((await revoke.json()) as { data: ApiKey }).data;
    expect(revoked.id).toBe(key.id);
    expect(revoked.revokedAt).not.toBeNull();

    const err = await expectError(
      await request.get(`${REST}/projects/current`, { headers: bearer(key.key) }),
      401,
      'UNAUTHORIZED',
    );
    expect(err.message).toMatch(/revoked/i);

    const list = await request.get(`${REST}/keys`, { headers: asMaster(project.id) });
    await expectStatus(list, 200);
    const { data } = (await list.json()) as { data: ApiKey[] };
    expect(data.find((k) => k.id === key.id)?.revokedAt).not.toBeNull();
  });

  test('an expired key stops working once its expiry passes', async ({ request }) => {
    const project = await createProject(request);
    const expiresAt = new Date(Date.now() + 2_500).toISOString();
    const key = await createKey(request, project, { scope: 'read', expiresAt });
    expect(Date.parse(key.expiresAt!)).toBe(Date.parse(expiresAt));
    await expectStatus(await request.get(`${REST}/projects/current`, { headers: bearer(key.key) }), 200);

    await expect
      .poll(async () => (await request.get(`${REST}/projects/current`, { headers: bearer(key.key) })).status(), {
        timeout: 15_000,
        intervals: [250, 500],
      })
      .toBe(401);
    const err = await expectError(
      await request.get(`${REST}/projects/current`, { headers: bearer(key.key) }),
      401,
      'UNAUTHORIZED',
    );
    expect(err.message).toMatch(/expired/i);
  });

  test('an expiry in the past is refused', async ({ request }) => {
    const project = await createProject(request);
    const res = await request.post(`${REST}/keys`, {
      headers: asMaster(project.id),
      data: { name: 'stale', scope: 'read', expiresAt: new Date(Date.now() - 60_000).toISOString() },
    });
    const err = await expectError(res, 400, 'INVALID');
    expect(err.details?.path).toEqual(['expiresAt']);
  });
});

test.describe('keys: create, list, scopes (403)', () => {
  test('a key is created once with its secret, listed without it, and records its last use', async ({ request }) => {
    const project = await createProject(request);
    const res = await request.post(`${REST}/keys`, {
      headers: asMaster(project.id),
      data: { name: 'agent', scope: 'write' },
    });
    await expectStatus(res, 201);
    const created = ((await res.json()) as { data: CreatedApiKey }).data;
    expect(created).toMatchObject({
      name: 'agent',
      scope: 'write',
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.key.length).toBeGreaterThanOrEqual(32);

    const current = await request.get(`${REST}/projects/current`, { headers: bearer(created.key) });
    await expectStatus(current, 200);
    expect(((await current.json()) as { data: { project: Project } }).data.project).toMatchObject({
      id: project.id,
      name: project.name,
    });

    const list = await request.get(`${REST}/keys`, { headers: asMaster(project.name) });
    await expectStatus(list, 200);
    const body = (await list.json()) as { data: Record<string, unknown>[]; total: number };
    expect(body.total).toBe(1);
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ id: created.id, name: 'agent', scope: 'write' });
    expect(body.data[0]).not.toHaveProperty('key');
    expect(JSON.stringify(body)).not.toContain(created.key);
    expect(body.data[0]!.lastUsedAt).not.toBeNull();
  });

  test('a read key can read but cannot create or list keys (403)', async ({ request }) => {
    const project = await createProject(request);
    const read = await createKey(request, project, { scope: 'read' });
    await expectStatus(await request.get(`${REST}/projects/current`, { headers: bearer(read.key) }), 200);

    const err = await expectError(
      await request.post(`${REST}/keys`, { headers: bearer(read.key), data: { name: 'escalate', scope: 'admin' } }),
      403,
      'FORBIDDEN',
    );
    expect(err.message).toMatch(/read/);
    await expectError(await request.get(`${REST}/keys`, { headers: bearer(read.key) }), 403, 'FORBIDDEN');

    const write = await createKey(request, project, { scope: 'write' });
    await expectError(
      await request.post(`${REST}/keys`, { headers: bearer(write.key), data: { name: 'w', scope: 'read' } }),
      403,
      'FORBIDDEN',
    );
  });

  test('an admin key manages its own project keys', async ({ request }) => {
    const project = await createProject(request);
    const admin = await createKey(request, project, { scope: 'admin' });
    const res = await request.post(`${REST}/keys`, {
      headers: bearer(admin.key),
      data: { name: 'child', scope: 'read' },
    });
    await expectStatus(res, 201);
    const child = ((await res.json()) as { data: CreatedApiKey }).data;

    const list = await request.get(`${REST}/keys`, { headers: bearer(admin.key) });
    await expectStatus(list, 200);
    const body = (await list.json()) as { data: ApiKey[]; total: number };
    expect(body.data.map((k) => k.id).sort()).toEqual([admin.id, child.id].sort());
    expect(body.total).toBe(2);

    await expectStatus(await request.delete(`${REST}/keys/${child.id}`, { headers: bearer(admin.key) }), 200);
    await expectError(
      await request.get(`${REST}/projects/current`, { headers: bearer(child.key) }),
      401,
      'UNAUTHORIZED',
    );
  });

  test('master-only /projects refuses every project key (403)', async ({ request }) => {
    const project = await createProject(request);
    for (const scope of ['read', 'write', 'admin'] as const) {
      const key = await createKey(request, project, { scope });
      await expectError(await request.get(`${REST}/projects`, { headers: bearer(key.key) }), 403, 'FORBIDDEN');
      await expectError(
        await request.post(`${REST}/projects`, { headers: bearer(key.key), data: { name: uniqueName('nope') } }),
        403,
        'FORBIDDEN',
      );
    }
  });
});

test.describe('404: a key never sees another project', () => {
  test("project A's key cannot act on, list or revoke project B's keys", async ({ request }) => {
    const a = await createProject(request, 'tenant-a');
    const b = await createProject(request, 'tenant-b');
    const keyA = await createKey(request, a, { scope: 'admin' });
    const keyB = await createKey(request, b, { scope: 'read' });

    for (const ref of [b.id, b.name]) {
      const headers = { ...bearer(keyA.key), 'x-project-id': ref };
      await expectError(await request.get(`${REST}/projects/current`, { headers }), 404, 'NOT_FOUND');
      await expectError(await request.get(`${REST}/keys`, { headers }), 404, 'NOT_FOUND');
      await expectError(
        await request.post(`${REST}/keys`, { headers, data: { name: 'foothold', scope: 'admin' } }),
        404,
        'NOT_FOUND',
      );
    }
    // The same answer as for a project that does not exist, so keys cannot probe for tenants.
    await expectError(
      await request.get(`${REST}/keys`, { headers: { ...bearer(keyA.key), 'x-project-id': uniqueName('ghost') } }),
      404,
      'NOT_FOUND',
    );

    // Naming its own project is fine; its listing holds only its own keys.
    const own = await request.get(`${REST}/keys`, { headers: { ...bearer(keyA.key), 'x-project-id': a.name } });
    await expectStatus(own, 200);
    const ids = ((await own.json()) as { data: ApiKey[] }).data.map((k) => k.id);
    expect(ids).toEqual([keyA.id]);

    // B's key id is unknown from A's side, and B's key keeps working afterwards.
    await expectError(await request.delete(`${REST}/keys/${keyB.id}`, { headers: bearer(keyA.key) }), 404, 'NOT_FOUND');
    await expectError(await request.delete(`${REST}/keys/${keyB.id}`, { headers: asMaster(a.id) }), 404, 'NOT_FOUND');
    const current = await request.get(`${REST}/projects/current`, { headers: bearer(keyB.key) });
    await expectStatus(current, 200);
    expect(((await current.json()) as { data: { project: Project } }).data.project.id).toBe(b.id);
  });

  test('the master key chooses the project with x-project-id (id or name); an unknown one is 404', async ({
    request,
  }) => {
    const project = await createProject(request);
    for (const ref of [project.id, project.name]) {
      const res = await request.get(`${REST}/projects/current`, { headers: asMaster(ref) });
      await expectStatus(res, 200);
      expect(((await res.json()) as { data: { project: Project } }).data.project.id).toBe(project.id);
    }
    const fallback = await request.get(`${REST}/projects/current`, { headers: asMaster() });
    await expectStatus(fallback, 200);
    expect(((await fallback.json()) as { data: { project: Project } }).data.project.name).toBe('default');
    await expectError(
      await request.get(`${REST}/projects/current`, { headers: asMaster(uniqueName('ghost')) }),
      404,
      'NOT_FOUND',
    );
  });
});

test.describe('400 and 409: bad input', () => {
  test('malformed JSON is a 400 INVALID, never a 500', async ({ request }) => {
    const project = await createProject(request);
    for (const path of ['/keys', '/projects']) {
      const res = await request.post(REST + path, {
        headers: { ...asMaster(project.id), 'content-type': 'application/json' },
        data: '{"name": "broken", "scope": ',
      });
      await expectError(res, 400, 'INVALID');
    }
  });

  test('an unknown scope is a 400 INVALID naming the path', async ({ request }) => {
    const project = await createProject(request);
    const res = await request.post(`${REST}/keys`, {
      headers: asMaster(project.id),
      data: { name: 'root key', scope: 'root' },
    });
    const err = await expectError(res, 400, 'INVALID');
    expect(err.details?.path).toEqual(['scope']);

    const missing = await request.post(`${REST}/keys`, { headers: asMaster(project.id), data: { scope: 'read' } });
    expect((await expectError(missing, 400, 'INVALID')).details?.path).toEqual(['name']);

    const badName = await request.post(`${REST}/projects`, {
      headers: asMaster(),
      data: { name: 'Not A Valid Name!' },
    });
    expect((await expectError(badName, 400, 'INVALID')).details?.path).toEqual(['name']);

    const badId = await request.delete(`${REST}/keys/not-a-uuid`, { headers: asMaster(project.id) });
    expect((await expectError(badId, 400, 'INVALID')).details?.path).toEqual(['id']);
  });

  test('a project is created (201) and listed; a duplicate name is 409 CONFLICT', async ({ request }) => {
    const name = uniqueName('dup');
    const res = await request.post(`${REST}/projects`, { headers: asMaster(), data: { name } });
    await expectStatus(res, 201);
    const project = ((await res.json()) as { data: Project }).data;
    expect(project).toMatchObject({ name });
    expect(project.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(project.createdAt))).toBe(false);

    const list = await request.get(`${REST}/projects`, { headers: asMaster() });
    await expectStatus(list, 200);
    const body = (await list.json()) as { data: Project[]; total: number };
    expect(body.total).toBe(body.data.length);
    expect(body.data.map((p) => p.name)).toEqual(expect.arrayContaining(['default', name]));

    const dup = await request.post(`${REST}/projects`, { headers: asMaster(), data: { name } });
    const err = await expectError(dup, 409, 'CONFLICT');
    expect(err.details?.path).toEqual(['name']);
  });

  test('concurrent creations of one name: exactly one 201, the others 409', async ({ request }) => {
    const name = uniqueName('race');
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => request.post(`${REST}/projects`, { headers: asMaster(), data: { name } })),
    );
    const statuses = answers.map((r) => r.status()).sort();
    expect(statuses, `statuses: ${statuses.join(', ')}`).toEqual([201, 409, 409, 409]);
  });
});
