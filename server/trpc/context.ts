import type { Engram } from '@/server/engram';
import { authenticate, SESSION_COOKIE, type Principal } from '@/server/domain/auth';
import type { ProjectDeps } from '@/server/domain/deps';
import type { Embedder } from '@/server/domain/embeddings';

/**
 * What procedures may use of the running instance: named services, not the instance itself (routers
 * never reach the database client; the middlewares in procedures.ts build each call's deps).
 */
export type Services = {
  transactions: Engram['transactions'];
  /** Project-scoped deps minus the scope and the database, which procedures.ts fills in per call. */
  projectDeps: Omit<ProjectDeps, 'db' | 'projectId'> & { embedder: Embedder };
  auth: { masterKey: string; sessionSecret: string; sessionTtlMs: number };
  /** The root client, for the middlewares (and the master-scope deps they hand to procedures). */
  root: Engram['db']['prisma'];
  /** A write to the project committed: relationship suggestions are re-analyzed after a pause. */
  touched: (projectId: string) => void;
};

/** Per-request context: the services, request headers, and headers to add to the response. */
export type Context = {
  services: Services;
  headers: Headers;
  resHeaders: Headers;
  /** Whether the request arrived over HTTPS (decides the Secure cookie flag). */
  secure: boolean;
  /**
   * The caller, authenticated once per HTTP request (a tRPC batch shares it): the REST adapter calls it
   * before reading the body, the auth middleware before any input is read.
   */
  authenticate: () => Promise<Principal>;
  /** The transaction named by this call's tRPC input `transactionId` (per call, never per request). */
  transactionId?: string;
};

export function servicesOf(engram: Engram): Services {
  return {
    transactions: engram.transactions,
    projectDeps: {
      maxHops: engram.env.ENGRAM_MAX_HOPS,
      embedder: engram.embedder,
      queryCache: engram.queryCache,
      backfill: { kick: engram.kickIndexes },
      exactSearchBelow: engram.env.ENGRAM_EXACT_SEARCH_BELOW,
      suggestions: engram.suggestions,
    },
    auth: {
      masterKey: engram.masterKey.key,
      sessionSecret: engram.sessionSecret,
      sessionTtlMs: engram.env.ENGRAM_SESSION_TTL_HOURS * 3_600_000,
    },
    root: engram.db.prisma,
    touched: (projectId) => engram.suggestions.touched(projectId),
  };
}

/** A cookie's value; a value that is not valid percent-encoding counts as absent (it cannot be ours). */
export function readCookie(headers: Headers, name: string): string | null {
  const raw = headers.get('cookie');
  if (!raw) return null;
  for (const part of raw.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The per-request context; the caller is authenticated on first use (see Context.principal). */
export function createContext(services: Services, req: Request, resHeaders: Headers): Context {
  const proto = req.headers.get('x-forwarded-proto') ?? new URL(req.url).protocol.replace(':', '');
  let principal: Promise<Principal> | undefined;
  const headers = req.headers;
  return {
    services,
    headers,
    resHeaders,
    secure: proto === 'https',
    authenticate: () =>
      (principal ??= authenticate(
        {
          masterKey: services.auth.masterKey,
          sessionSecret: services.auth.sessionSecret,
          lookup: (fn) => services.transactions.shared(fn),
        },
        // A cookie is read only when there is no Authorization header: a broken cookie set by another app
        // on the same host must not fail a request that carries a key.
        {
          authorization: headers.get('authorization'),
          sessionCookie: headers.get('authorization') ? null : readCookie(headers, SESSION_COOKIE),
        },
      )),
  };
}

/** Sets (or, with maxAgeSec 0, clears) the console session cookie on the response. */
export function setSessionCookie(ctx: Context, value: string, maxAgeSec: number): void {
  const attrs = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSec}`];
  if (ctx.secure) attrs.push('Secure');
  ctx.resHeaders.append('set-cookie', attrs.join('; '));
}
