/**
 * What app/ route files and server components import: a shim with no imports of its own.
 *
 * Next.js evaluates server code once per bundle (the instrumentation bundle, and every route bundle),
 * so a class, registry or cache imported by a route file is a different copy from the one the booted
 * instance uses (`instanceof DomainError` fails, an open transaction is not recognised). Route files
 * therefore never import the server: instrumentation boots the instance and publishes its HTTP entry
 * points on globalThis, and these functions delegate to it. One module graph owns every domain call.
 */
export type EngramHttp = {
  trpc: (req: Request) => Promise<Response>;
  rest: (req: Request) => Promise<Response>;
  openapi: (req: Request) => Promise<Response>;
  health: (req: Request) => Promise<Response>;
  /** JSON 404 for any /api path no route serves. */
  notFound: (req: Request) => Promise<Response>;
  /** Whether a request's Cookie header carries a valid console session. */
  hasSession: (cookieHeader: string | null) => Promise<boolean>;
};

const KEY = Symbol.for('engram.http');
type Slot = Record<symbol, EngramHttp | undefined>;

export function publishHttp(http: EngramHttp): void {
  (globalThis as unknown as Slot)[KEY] = http;
}

function booted(): EngramHttp | undefined {
  return (globalThis as unknown as Slot)[KEY];
}

const starting = () =>
  new Response(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'The server is starting; retry shortly' } }), {
    status: 503,
    headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' },
  });

type Handler = Exclude<keyof EngramHttp, 'hasSession'>;

/** A route handler that delegates to the booted instance (503 while it is not up yet). */
export const route =
  (name: Handler) =>
  (req: Request): Promise<Response> => {
    const http = booted();
    return http ? http[name](req) : Promise.resolve(starting());
  };

export async function hasSessionCookie(cookieHeader: string | null): Promise<boolean> {
  const http = booted();
  return http ? http.hasSession(cookieHeader) : false;
}
