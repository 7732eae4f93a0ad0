import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { getEngram, type Engram } from '@/server/engram';
import { appRouter } from '@/server/trpc/routers/_app';
import { createContext } from '@/server/trpc/context';
import { createRestHandler, errorResponse } from '@/server/trpc/rest';
import { buildOpenApiDocument } from '@/server/trpc/openapi';
import { DomainError } from '@/server/errors';
import { log } from '@/server/log';

/**
 * The HTTP entry points the app/ route files re-export. They are functions of an Engram instance so
 * tests can drive the exact same handlers against their own database.
 */
export const REST_BASE = '/api/v1';
const VERSION = '0.1.0';

export function makeHandlers(engramOf: () => Promise<Engram>) {
  let rest: ReturnType<typeof createRestHandler> | undefined;

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
    trpc: (req: Request) =>
      withEngram((engram) =>
        fetchRequestHandler({
          endpoint: '/api/trpc',
          req,
          router: appRouter,
          createContext: ({ resHeaders }) => createContext(engram, req, resHeaders),
          onError: ({ error, path }) => {
            if (error.code === 'INTERNAL_SERVER_ERROR') log.error('trpc internal error', { path, error: String(error.cause?.stack ?? error.message) });
          },
        }),
      ),

    rest: (req: Request) =>
      withEngram((engram) => {
        rest ??= createRestHandler(appRouter, { basePath: REST_BASE, maxBodyBytes: engram.env.ENGRAM_MAX_BODY_BYTES });
        return rest(req, createContext(engram, req, new Headers()));
      }),

    openapi: (req: Request) => {
      const origin = new URL(req.url).origin;
      return Promise.resolve(Response.json(buildOpenApiDocument(appRouter, { version: VERSION, serverUrl: `${origin}${REST_BASE}` })));
    },

    health: () =>
      withEngram(async (engram) => {
        try {
          await engram.db.driver.query('SELECT 1');
          const m = engram.db.migrations;
          return Response.json({
            status: 'ok',
            database: engram.db.kind,
            migrations: { applied: m.applied.length, latest: m.latest },
            uptimeSeconds: Math.round((Date.now() - engram.startedAt.getTime()) / 1000),
            version: VERSION,
          });
        } catch (e) {
          return Response.json({ status: 'error', database: engram.db.kind, error: (e as Error).message }, { status: 503 });
        }
      }),
  };
}

export const handlers = makeHandlers(getEngram);
