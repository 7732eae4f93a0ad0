import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { REST_BASE } from '@/server/contract';
import { sql } from '@/server/db';
import { verifySession, SESSION_COOKIE } from '@/server/domain/auth';
import { getEngram, type Engram } from '@/server/engram';
import { DomainError, serverModuleCopies } from '@/server/errors';
import { log } from '@/server/log';
import { appRouter } from '@/server/trpc/routers/_app';
import { createContext, readCookie, servicesOf, type Services } from '@/server/trpc/context';
import { createRestHandler, errorResponse } from '@/server/trpc/rest';
import { buildOpenApiDocument } from '@/server/trpc/openapi';
import { limitedRequest } from './body';
import type { EngramHttp } from './entry';

/**
 * The HTTP entry points. server/boot.ts publishes them for the route files (server/http/entry.ts); they
 * are functions of an Engram instance so tests drive the exact same handlers against their own database.
 */
export { REST_BASE };
const VERSION = '0.1.0';
/** Most calls in one tRPC batch request. */
export const TRPC_MAX_BATCH = 50;

export function makeHandlers(engramOf: () => Promise<Engram>): EngramHttp {
  let rest: ReturnType<typeof createRestHandler> | undefined;
  const services = new WeakMap<Engram, Services>();
  const servicesFor = (engram: Engram) => {
    let s = services.get(engram);
    if (!s) services.set(engram, (s = servicesOf(engram)));
    return s;
  };

  async function withEngram(fn: (engram: Engram) => Promise<Response>): Promise<Response> {
    let engram: Engram;
    try {
      engram = await engramOf();
    } catch (e) {
      log.error('engram is not available', { error: (e as Error).message });
      return errorResponse(new DomainError('UNAVAILABLE', 'The database is not available'));
    }
    return fn(engram);
  }

  return {
    trpc: (req) =>
      withEngram(async (engram) =>
        jsonTyped(
          await fetchRequestHandler({
            endpoint: '/api/trpc',
            req: limitedRequest(req, engram.env.ENGRAM_MAX_BODY_BYTES),
            router: appRouter,
            maxBatchSize: TRPC_MAX_BATCH,
            createContext: ({ resHeaders }) => createContext(servicesFor(engram), req, resHeaders),
            onError: ({ error, path }) => {
              if (error.code === 'INTERNAL_SERVER_ERROR')
                log.error('trpc internal error', { path, error: String(error.cause?.stack ?? error.message) });
            },
          }),
        ),
      ),

    rest: (req) =>
      withEngram((engram) => {
        rest ??= createRestHandler(appRouter, { basePath: REST_BASE, maxBodyBytes: engram.env.ENGRAM_MAX_BODY_BYTES });
        return rest(req, createContext(servicesFor(engram), req, new Headers()));
      }),

    openapi: (req) => {
      const origin = new URL(req.url).origin;
      return Promise.resolve(
        Response.json(buildOpenApiDocument(appRouter, { version: VERSION, serverUrl: `${origin}${REST_BASE}` })),
      );
    },

    notFound: (req) =>
      Promise.resolve(
        errorResponse(new DomainError('NOT_FOUND', `No endpoint ${req.method} ${new URL(req.url).pathname}`)),
      ),

    hasSession: async (cookieHeader) => {
      if (!cookieHeader) return false;
      const engram = await engramOf();
      return verifySession(
        engram.sessionSecret,
        readCookie(new Headers({ cookie: cookieHeader }), SESSION_COOKIE) ?? undefined,
      );
    },

    health: () =>
      withEngram(async (engram) => {
        const base = { database: engram.db.kind, version: VERSION, moduleCopies: serverModuleCopies() };
        try {
          // Through the transaction manager: on the embedded database an open transaction holds the connection.
          await engram.transactions.shared((db) => db.$queryRaw(sql.healthSql.ping));
          const m = engram.db.migrations;
          return Response.json({
            status: 'ok',
            ...base,
            migrations: { applied: m.applied.length, latest: m.latest },
            uptimeSeconds: Math.round((Date.now() - engram.startedAt.getTime()) / 1000),
          });
        } catch (e) {
          // Unauthenticated: the reason goes to the log, not to the caller.
          log.error('health check: the database did not answer', { error: (e as Error).message });
          return Response.json({ status: 'error', ...base, error: 'The database did not answer' }, { status: 503 });
        }
      }),
  };
}

/**
 * tRPC answers a request it refuses before any procedure (wrong content type, batch too large) with a
 * JSON error body but no content type, which fetch then calls text/plain; every answer under /api is
 * application/json.
 */
function jsonTyped(res: Response): Response {
  if (res.status < 400 || res.headers.get('content-type')?.toLowerCase().startsWith('application/json')) return res;
  const headers = new Headers(res.headers);
  headers.set('content-type', 'application/json');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

/** The process's handlers, over the booted instance (server/boot.ts publishes them). */
export const handlers = makeHandlers(getEngram);
