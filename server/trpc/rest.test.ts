import { describe, expect, it } from 'vitest';
import { z, ZodError } from 'zod';
import { DomainError } from '@/server/errors';
import { errorBody, fromZod } from './errors';
import { collectRoutes } from './routes';
import { appRouter } from './routers/_app';

describe('REST routes from procedure metadata', () => {
  const routes = collectRoutes(appRouter);

  it('exposes only procedures with openapi meta, with their path parameters', () => {
    const byPath = Object.fromEntries(routes.map((r) => [`${r.openapi.method} ${r.openapi.path}`, r]));
    expect(Object.keys(byPath)).toEqual(
      expect.arrayContaining([
        'DELETE /keys/{id}',
        'GET /keys',
        'GET /projects',
        'GET /projects/current',
        'POST /keys',
        'POST /projects',
        'POST /records',
        'GET /records/{id}',
        'POST /relationships/search',
      ]),
    );
    // Static segments win over parameters.
    expect(routes.findIndex((r) => r.openapi.path === '/relationships/search')).toBeLessThan(
      routes.findIndex((r) => r.openapi.path === '/relationships/{sourceId}'),
    );
    const revoke = byPath['DELETE /keys/{id}']!;
    expect(revoke.pathParams).toEqual(['id']);
    expect(revoke.pattern.exec('/keys/abc')?.[1]).toBe('abc');
    expect(revoke.pattern.test('/keys/abc/def')).toBe(false);
    expect(routes.some((r) => r.procedurePath.startsWith('auth.'))).toBe(false);
  });
});

describe('error mapping', () => {
  it('maps every domain code to its HTTP status', () => {
    const cases: [DomainError, number][] = [
      [new DomainError('INVALID', 'x'), 400],
      [new DomainError('UNAUTHORIZED', 'x'), 401],
      [new DomainError('FORBIDDEN', 'x'), 403],
      [new DomainError('NOT_FOUND', 'x'), 404],
      [new DomainError('CONFLICT', 'x'), 409],
      [new DomainError('LIMIT_EXCEEDED', 'x'), 400],
      [new DomainError('LIMIT_EXCEEDED', 'x', undefined, { tooLarge: true }), 413],
      [new DomainError('UNAVAILABLE', 'x'), 503],
    ];
    for (const [e, status] of cases) expect(errorBody(e)).toMatchObject({ status, body: { code: e.code } });
  });

  it('turns a zod error into INVALID with the JSON path', () => {
    const r = z.object({ items: z.array(z.object({ n: z.number() })) }).safeParse({ items: [{ n: 1 }, { n: 'x' }] });
    const e = fromZod(r.error as ZodError);
    expect(e.code).toBe('INVALID');
    expect(e.details?.path).toEqual(['items', 1, 'n']);
    expect(e.details?.expected).toBe('number');
    expect(e.message).toMatch(/items\.1\.n/);
  });

  it('hides unexpected errors behind a 500 without leaking their message', () => {
    const quiet = process.env.ENGRAM_LOG_LEVEL;
    process.env.ENGRAM_LOG_LEVEL = 'silent';
    expect(errorBody(new Error('password=hunter2'))).toEqual({
      status: 500,
      body: { code: 'INTERNAL', message: 'Internal error' },
    });
    process.env.ENGRAM_LOG_LEVEL = quiet;
  });
});

describe('OpenAPI document', () => {
  it('has every REST route with its parameters, request body and response schema', async () => {
    const { buildOpenApiDocument } = await import('./openapi');
    const doc = buildOpenApiDocument(appRouter, { version: 'test', serverUrl: 'http://x/api/v1' }) as any;
    for (const route of collectRoutes(appRouter)) {
      const op = doc.paths[route.openapi.path]?.[route.openapi.method.toLowerCase()];
      expect(op, `${route.openapi.method} ${route.openapi.path}`).toBeDefined();
      const ok = op.responses[String(route.openapi.status ?? 200)];
      if (route.openapi.raw) expect(ok.content[route.openapi.raw.contentType].schema.type).toBe('string');
      else expect(ok.content['application/json'].schema.properties.data).toBeDefined();
      for (const p of route.pathParams)
        expect(op.parameters).toContainEqual(expect.objectContaining({ name: p, in: 'path', required: true }));
      if (['POST', 'PUT', 'PATCH'].includes(route.openapi.method) && route.input) {
        const hasBody = op.requestBody?.content['application/json'].schema;
        expect(hasBody || route.pathParams.length > 0, `${route.openapi.path} request body`).toBeTruthy();
      }
    }
  });
});

describe('database errors', () => {
  it('a statement timeout (SQLSTATE 57014) is LIMIT_EXCEEDED, not a 500', () => {
    const timeout = Object.assign(new Error('canceling statement due to statement timeout'), {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { originalCode: '57014', kind: 'postgres' } } },
    });
    expect(errorBody(timeout)).toMatchObject({ status: 400, body: { code: 'LIMIT_EXCEEDED' } });
  });
});
