import http from 'node:http';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { asMaster, createProject, expectError, expectStatus, REST } from '../helpers/api';
import { E2E_HOST, E2E_PORT } from '../helpers/env';

/**
 * The production build evaluates server code once per bundle. These fail if a route bundle carries its
 * own copy of the server instead of delegating to the booted instance: a DomainError from another copy
 * is not recognised (every expected error becomes a 500), and a transaction opened through one route
 * is not recognised by another.
 */
async function every(request: APIRequestContext, project: string) {
  // Load every route bundle once: REST, tRPC, OpenAPI, health, the /api catch-all and a console page.
  await request.get('/api/health');
  await request.get(`${REST}/openapi.json`);
  await request.get(`${REST}/projects/current`, { headers: asMaster(project) });
  await request.get(`/api/trpc/projects.current`, { headers: asMaster(project) });
  await request.get('/api/no-such-route');
  await request.get('/login');
  await request.get('/records', { maxRedirects: 0 });
}

test('one copy of the server code is loaded, after every kind of route has run', async ({ request }) => {
  const p = await createProject(request, 'copies');
  await every(request, p.id);
  const health = await request.get('/api/health');
  await expectStatus(health, 200);
  expect((await health.json()).moduleCopies).toBe(1);
});

test('domain errors keep their status through the built server', async ({ request }) => {
  const p = await createProject(request, 'errors');
  const h = asMaster(p.id);
  await expectError(
    await request.post(`${REST}/tx/00000000-0000-4000-8000-000000000000/commit`, { headers: h }),
    404,
    'NOT_FOUND',
  );
  const tx = (await (await request.post(`${REST}/tx`, { headers: h, data: { ttl: 20_000 } })).json()).data.id as string;
  await expectStatus(await request.post(`${REST}/tx/${tx}/rollback`, { headers: h }), 200);
  const late = await expectError(await request.post(`${REST}/tx/${tx}/commit`, { headers: h }), 409, 'CONFLICT');
  expect(late.details?.reason).toBe('rolled back');
  await expectError(
    await request.get(`${REST}/records/${'0'.repeat(8)}-0000-7000-8000-000000000000`, { headers: h }),
    404,
    'NOT_FOUND',
  );
  await expectError(await request.get('/api/no-such-route'), 404, 'NOT_FOUND');
  const trpc = await request.get(
    `/api/trpc/records.get?input=${encodeURIComponent(JSON.stringify({ id: '00000000-0000-7000-8000-000000000000' }))}`,
    { headers: h },
  );
  expect(trpc.status()).toBe(404);
  expect((await trpc.json()).error.data.domain.code).toBe('NOT_FOUND');
});

test('a transaction opened through REST is the same one tRPC sees, and the other way round', async ({ request }) => {
  const p = await createProject(request, 'txroutes');
  const h = asMaster(p.id);
  const viaRest = (await (await request.post(`${REST}/tx`, { headers: h, data: { ttl: 20_000 } })).json()).data
    .id as string;
  const created = await request.post('/api/trpc/records.create', {
    headers: h,
    data: { transactionId: viaRest, label: 'T', data: { via: 'trpc' } },
  });
  await expectStatus(created, 200);
  const id = (await created.json()).result.data.__id as string;
  await expectStatus(
    await request.patch(`${REST}/records/${id}`, {
      headers: { ...h, 'x-transaction-id': viaRest },
      data: { data: { n: 1 } },
    }),
    200,
  );
  await expectStatus(await request.post(`${REST}/tx/${viaRest}/commit`, { headers: h }), 200);
  const got = await request.get(`${REST}/records/${id}`, { headers: h });
  expect((await got.json()).data).toMatchObject({ via: 'trpc', n: 1 });

  const viaTrpc = (await (await request.post('/api/trpc/tx.begin', { headers: h, data: { ttl: 20_000 } })).json())
    .result.data.id as string;
  await expectStatus(
    await request.post(`${REST}/records`, {
      headers: { ...h, 'x-transaction-id': viaTrpc },
      data: { label: 'T', data: { via: 'rest' } },
    }),
    201,
  );
  await expectStatus(await request.post('/api/trpc/tx.rollback', { headers: h, data: { id: viaTrpc } }), 200);
  const left = await request.post(`${REST}/records/search`, { headers: h, data: { labels: ['T'] } });
  expect((await left.json()).total).toBe(1);
});

test('malformed paths under /api answer the JSON error shape', async ({ request }) => {
  for (const path of ['/api/v1/records/%E0%A4%A', '/api/v1/records/%ZZ']) {
    await expectError(await request.get(path, { headers: asMaster() }), 400, 'INVALID');
  }
  await expectError(await request.get('/api/v1/no/such/endpoint', { headers: asMaster() }), 404, 'NOT_FOUND');
  // Next.js drops a __proto__ query key before the route sees the URL; the server refuses it first.
  for (const query of ['__proto__=x', '__proto__=a&__proto__=b', '%5F%5Fproto%5F%5F=x']) {
    const err = await expectError(
      await request.get(`${REST}/relationships/suggestions/analysis?${query}`, { headers: asMaster() }),
      400,
      'INVALID',
    );
    expect(err.details?.path).toEqual(['__proto__']);
  }
});

/** A request as written (no client normalises or refuses it), answered however the server answers. */
function raw(method: string, path: string): Promise<{ status: number; contentType: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: E2E_HOST, port: E2E_PORT, method, path, headers: asMaster() }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test("requests Node's HTTP parser refuses answer the JSON error shape too (they had an empty body)", async () => {
  const long = await raw('GET', `${REST}/schema?labels=${'a'.repeat(20_000)}`);
  expect(long.status).toBe(431);
  expect(long.contentType).toContain('application/json');
  expect(JSON.parse(long.body).error.code).toBe('LIMIT_EXCEEDED');
  const method = await raw('FOO', `${REST}/projects`);
  expect(method.status).toBe(400);
  expect(method.contentType).toContain('application/json');
  expect(JSON.parse(method.body).error.code).toBe('INVALID');
});
