import type { AnyRouter } from '@trpc/server';
import { DomainError } from '@/server/errors';
import { log } from '@/server/log';
import { readBodyText } from '@/server/http/body';
import { errorBody } from './errors';
import { collectRoutes, type RestRoute } from './routes';
import type { Context } from './context';
import { createCallerFactory } from './init';

/**
 * REST under /api/v1, generated from the same procedures as tRPC. A route's input is its query string,
 * then its JSON body, then its path parameters (each later one wins). Success is `{ data }` (plus
 * `total` for lists); every failure is `{ error: { code, message, details? } }` with the status from the
 * one error table, malformed JSON included.
 */
export type RestOptions = { basePath: string; maxBodyBytes: number };

const json = (status: number, body: unknown, headers?: HeadersInit) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });

export const errorResponse = (e: unknown) => {
  const { status, body } = errorBody(e);
  return json(status, { error: body });
};

/**
 * The body as JSON whatever its Content-Type says (curl -d sends form encoding; the README's examples
 * rely on it). Read as it streams in, against the limit.
 */
async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const text = (await readBodyText(req, maxBytes)).trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new DomainError('INVALID', 'Malformed JSON in the request body', {
      expected: 'a JSON document',
      got: (e as Error).message,
    });
  }
}

function decodePathSegment(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new DomainError('INVALID', `Malformed percent-encoding in the path parameter ${name}`, {
      path: [name],
      expected: 'valid percent-encoded UTF-8',
      got: raw,
    });
  }
}

/**
 * A prototype-less object: `out['__proto__'] = …` then makes an own key the input guard refuses, as it
 * does in a JSON body (on a plain object the assignment set the prototype or did nothing, and the key
 * vanished before any check saw it).
 */
function queryInput(url: URL): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

export function createRestHandler(router: AnyRouter, opts: RestOptions) {
  const routes = collectRoutes(router);
  const createCaller = createCallerFactory(router);

  function match(method: string, path: string): { route: RestRoute; params: Record<string, string> } | 'method' | null {
    let pathMatched = false;
    for (const route of routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.openapi.method !== method) continue;
      const params: Record<string, string> = {};
      route.pathParams.forEach((name, i) => (params[name] = decodePathSegment(m[i + 1]!, name)));
      return { route, params };
    }
    return pathMatched ? 'method' : null;
  }

  return async function handle(req: Request, ctx: Context): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname.slice(opts.basePath.length).replace(/\/+$/, '') || '/';
    const started = Date.now();
    try {
      const found = match(req.method, path);
      if (found === null) throw new DomainError('NOT_FOUND', `No endpoint ${req.method} ${opts.basePath}${path}`);
      if (found === 'method')
        return json(405, {
          error: { code: 'INVALID', message: `Method ${req.method} is not allowed on ${opts.basePath}${path}` },
        });
      const { route, params } = found;

      // Who is calling is settled before a byte of the body is read.
      if (route.auth !== 'public') await ctx.authenticate();
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const body = hasBody ? await readJsonBody(req, opts.maxBodyBytes) : undefined;
      let input: unknown;
      if (body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body))) {
        input = { ...queryInput(url), ...(body as object | undefined), ...params };
      } else {
        input = body; // not an object: let the procedure's schema reject it with a precise message
      }

      const caller = createCaller(ctx) as unknown as Record<string, unknown>;
      const fn = route.procedurePath
        .split('.')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
      const result = await (fn as (i: unknown) => Promise<unknown>)(input);

      const status = route.openapi.status ?? 200;
      const headers: Record<string, string> = {};
      ctx.resHeaders.forEach((v, k) => (headers[k] = v));
      if (route.openapi.raw) {
        const body = String((result as Record<string, unknown>)[route.openapi.raw.field] ?? '');
        return new Response(body, {
          status,
          headers: { ...headers, 'content-type': `${route.openapi.raw.contentType}; charset=utf-8` },
        });
      }
      if (route.openapi.envelope === 'list') {
        const { items, total } = result as { items: unknown[]; total: number };
        return json(status, { data: items, total }, headers);
      }
      return json(status, { data: result }, headers);
    } catch (e) {
      const res = errorResponse(e);
      log.debug('rest error', { method: req.method, path, status: res.status, ms: Date.now() - started });
      return res;
    }
  };
}
