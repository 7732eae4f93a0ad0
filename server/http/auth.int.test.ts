import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

let engram: Engram;
let api: ReturnType<typeof httpClient>;

beforeAll(async () => {
  engram = await startTestEngram({ ENGRAM_MAX_BODY_BYTES: '4096' });
  api = httpClient(engram);
});
afterAll(() => engram?.close());

async function newProject() {
  const name = uniqueName('auth');
  const res = await api.rest('POST', '/projects', { body: { name } });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; name: string };
}

async function newKey(project: string, scope: 'read' | 'write' | 'admin', extra: Record<string, unknown> = {}) {
  const res = await api.rest('POST', '/keys', { project, body: { name: `${scope} key`, scope, ...extra } });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; key: string; scope: string };
}

describe(`auth matrix (${backendName})`, () => {
  it('health answers without credentials and names the backend', async () => {
    const res = await api.health();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: backendName, migrations: { latest: expect.any(String) } });
  });

  it('a default project exists', async () => {
    const res = await api.rest('GET', '/projects');
    expect(res.status).toBe(200);
    expect(res.body.data.map((p: { name: string }) => p.name)).toContain('default');
    expect(res.body.total).toBe(res.body.data.length);
  });

  it('401 without credentials, with a malformed header and with an unknown key', async () => {
    for (const token of [null, 'egk_nonsense', `egk_${'0'.repeat(32)}_${'A'.repeat(43)}`, 'not-a-key']) {
      const res = await api.rest('GET', '/projects/current', { token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
    const malformed = await api.rest('GET', '/projects/current', {
      token: null,
      headers: { authorization: 'Basic abc' },
    });
    expect(malformed.status).toBe(401);
  });

  it('creates a key whose secret is shown once and stored only as a hash', async () => {
    const p = await newProject();
    const created = await newKey(p.id, 'read');
    expect(created.key).toMatch(/^egk_[0-9a-f]{32}_/);
    const listed = await api.rest('GET', '/keys', { project: p.id });
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(1);
    expect(listed.body.data[0]).not.toHaveProperty('key');
    const row = await engram.db.prisma.apiKey.findFirstOrThrow({ where: { projectId: p.id, id: created.id } });
    expect(row.hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(/^egk_[0-9a-f]{32}_(.+)$/.exec(created.key)![1]);
  });

  it('a project key works on its own project and records its last use', async () => {
    const p = await newProject();
    const k = await newKey(p.name, 'read');
    const res = await api.rest('GET', '/projects/current', { token: k.key });
    expect(res.status).toBe(200);
    expect(res.body.data.project).toMatchObject({ id: p.id, name: p.name });
    const row = await engram.db.prisma.apiKey.findFirstOrThrow({ where: { projectId: p.id, id: k.id } });
    expect(row.lastUsedAt).not.toBeNull();
  });

  it('403 for a key lacking the scope; admin keys manage keys; master-only routes refuse keys', async () => {
    const p = await newProject();
    const read = await newKey(p.id, 'read');
    const write = await newKey(p.id, 'write');
    const admin = await newKey(p.id, 'admin');
    for (const k of [read, write]) {
      const res = await api.rest('POST', '/keys', { token: k.key, body: { name: 'x', scope: 'read' } });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { expected: 'admin', got: k.scope } });
    }
    const made = await api.rest('POST', '/keys', { token: admin.key, body: { name: 'by admin', scope: 'read' } });
    expect(made.status).toBe(201);
    for (const k of [read, admin]) {
      expect((await api.rest('GET', '/projects', { token: k.key })).status).toBe(403);
      expect((await api.rest('POST', '/projects', { token: k.key, body: { name: uniqueName() } })).status).toBe(403);
    }
  });

  it("a key never sees another project's objects (404)", async () => {
    const a = await newProject();
    const b = await newProject();
    const adminA = await newKey(a.id, 'admin');
    const keyB = await newKey(b.id, 'read');
    for (const ref of [b.id, b.name, 'default']) {
      const res = await api.rest('GET', '/keys', { token: adminA.key, project: ref });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    // Revoking B's key through A's admin key is NOT_FOUND and leaves it working.
    const revoke = await api.rest('DELETE', `/keys/${keyB.id}`, { token: adminA.key });
    expect(revoke.status).toBe(404);
    expect((await api.rest('GET', '/projects/current', { token: keyB.key })).status).toBe(200);
    // A's key listing shows only A's keys.
    const own = await api.rest('GET', '/keys', { token: adminA.key });
    expect(own.body.data.map((k: { id: string }) => k.id)).toEqual([adminA.id]);
  });

  it('401 for a revoked key; revoking twice is harmless', async () => {
    const p = await newProject();
    const k = await newKey(p.id, 'write');
    expect((await api.rest('GET', '/projects/current', { token: k.key })).status).toBe(200);
    const revoked = await api.rest('DELETE', `/keys/${k.id}`, { project: p.id });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.revokedAt).not.toBeNull();
    expect((await api.rest('DELETE', `/keys/${k.id}`, { project: p.id })).status).toBe(200);
    const res = await api.rest('GET', '/projects/current', { token: k.key });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/revoked/);
  });

  it('401 for an expired key; an expiry in the past is refused at creation', async () => {
    const p = await newProject();
    const k = await newKey(p.id, 'read', { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await api.rest('GET', '/projects/current', { token: k.key })).status).toBe(200);
    await engram.db.prisma.apiKey.update({
      where: { projectId_id: { projectId: p.id, id: k.id } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await api.rest('GET', '/projects/current', { token: k.key });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/);

    const past = await api.rest('POST', '/keys', {
      project: p.id,
      body: { name: 'old', scope: 'read', expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({ code: 'INVALID', details: { path: ['expiresAt'] } });
  });

  it('the master key picks the project by id or name; an unknown project is 404', async () => {
    const p = await newProject();
    for (const ref of [p.id, p.name]) {
      const res = await api.rest('GET', '/projects/current', { project: ref });
      expect(res.body.data.project.id).toBe(p.id);
    }
    expect((await api.rest('GET', '/projects/current')).body.data.project.name).toBe('default');
    const missing = await api.rest('GET', '/projects/current', { project: 'no-such-project' });
    expect(missing.status).toBe(404);
  });

  it('concurrent creations of one project name: one 201, the rest 409', async () => {
    const name = uniqueName('race');
    const results = await Promise.all([1, 2, 3, 4].map(() => api.rest('POST', '/projects', { body: { name } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  it('projects: 201 on create, 409 on a duplicate name, 400 naming the path on a bad name', async () => {
    const p = await newProject();
    const dup = await api.rest('POST', '/projects', { body: { name: p.name } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    const bad = await api.rest('POST', '/projects', { body: { name: 'Has Spaces' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID', details: { path: ['name'] } });
  });
});

describe(`REST error contract (${backendName})`, () => {
  it('malformed JSON is a 400 INVALID, never a 500, and writes nothing', async () => {
    const before = await engram.db.prisma.apiKey.count();
    const res = await api.rest('POST', '/keys', { rawBody: '{"name": "x", "scope": ' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID', message: 'Malformed JSON in the request body' });
    expect(await engram.db.prisma.apiKey.count()).toBe(before);
  });

  it('validation errors name the JSON path and what was expected', async () => {
    const res = await api.rest('POST', '/keys', { body: { name: 'k', scope: 'root' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID');
    expect(res.body.error.details.path).toEqual(['scope']);
    expect(res.body.error.message).toMatch(/scope/);
    const notObject = await api.rest('POST', '/keys', { body: [1, 2] });
    expect(notObject.status).toBe(400);
  });

  it('a body over the size limit is 413 LIMIT_EXCEEDED', async () => {
    const res = await api.rest('POST', '/keys', { body: { name: 'x'.repeat(5000), scope: 'read' } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('LIMIT_EXCEEDED');
  });

  it('unknown endpoints are 404 and wrong methods 405, in the error shape', async () => {
    const missing = await api.rest('GET', '/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const wrong = await api.rest('PATCH', '/keys');
    expect(wrong.status).toBe(405);
    expect(wrong.body.error.code).toBe('INVALID');
  });

  it('a bad id in the path is a 400 naming it', async () => {
    const res = await api.rest('DELETE', '/keys/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.error.details.path).toEqual(['id']);
  });
});

describe(`tRPC surface and console session (${backendName})`, () => {
  it('maps the same errors to tRPC with the domain code', async () => {
    const res = await api.trpcQuery('keys.list', {}, { token: null });
    expect(res.status).toBe(401);
    expect(res.body.error.data.domain.code).toBe('UNAUTHORIZED');
  });

  it('logs in with the master key only, and the session cookie authorizes console calls', async () => {
    const wrong = await api.trpcMutation('auth.login', { masterKey: 'nope' }, { token: null });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const ok = await api.trpcMutation('auth.login', { masterKey: engram.masterKey.key }, { token: null });
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/engram_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    const cookie = setCookie.split(';')[0]!;

    const listed = await api.trpcQuery('keys.list', {}, { token: null, headers: { cookie } });
    expect(listed.status).toBe(200);
    expect(listed.body.result.data).toHaveProperty('total');

    const tampered = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const denied = await api.trpcQuery('keys.list', {}, { token: null, headers: { cookie: tampered } });
    expect(denied.status).toBe(401);

    const session = await api.trpcQuery('auth.session', {}, { token: null, headers: { cookie } });
    expect(session.body.result.data).toEqual({ authenticated: true });
    const out = await api.trpcMutation('auth.logout', {}, { token: null, headers: { cookie } });
    expect(out.headers.get('set-cookie')).toMatch(/engram_session=; .*Max-Age=0/);
  });
});

describe('OpenAPI document', () => {
  it('lists every REST endpoint with request and response schemas', async () => {
    const res = await api.openapi();
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/keys',
        '/keys/{id}',
        '/projects',
        '/projects/current',
        '/records',
        '/records/{id}',
        '/records/search',
        '/records/import/json',
        '/records/import/csv',
        '/records/delete',
        '/relationships/{sourceId}',
        '/relationships/search',
        '/labels/search',
        '/records/{id}/neighbors',
      ]),
    );
    const create = doc.paths['/keys'].post;
    expect(create.requestBody.content['application/json'].schema.properties.scope.enum).toEqual([
      'read',
      'write',
      'admin',
    ]);
    expect(create.responses['201'].content['application/json'].schema.properties.data.properties).toHaveProperty('key');
    expect(doc.paths['/keys/{id}'].delete.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    expect(doc.paths['/keys'].get.responses['200'].content['application/json'].schema.required).toEqual([
      'data',
      'total',
    ]);
  });
});
