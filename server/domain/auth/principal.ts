import { DomainError } from '@/server/errors';
import { findProject, DEFAULT_PROJECT, type TProject } from '../projects';
import type { BaseDeps } from '../deps';
import { authenticateApiKey, API_KEY_PREFIX, type KeyPrincipal } from './api-keys';
import { safeEqual } from './secrets';
import { signSession, verifySession } from './session';
import type { TScope } from './auth.schema';

/** Who is calling: the master key (every project), a console session (same rights), or a project key. */
export type Principal = { kind: 'master' } | { kind: 'session' } | KeyPrincipal;
/** What a procedure needs: a project scope, or `master` for cross-project administration. */
export type Requirement = TScope | 'master';

export type AuthConfig = { masterKey: string; sessionSecret: string; sessionTtlMs: number };
/**
 * `lookup` runs a credential lookup on a database connection (on the embedded database, the one an open
 * transaction may hold): only API keys need one; the master key and sessions are checked in memory.
 */
export type AuthDeps = {
  masterKey: string;
  sessionSecret: string;
  now?: () => Date;
  lookup: <T>(fn: (db: BaseDeps['db']) => Promise<T>) => Promise<T>;
};
export type Credentials = { authorization?: string | null; sessionCookie?: string | null };

/** The Bearer header wins; a session cookie only counts when there is none. */
export async function authenticate(deps: AuthDeps, creds: Credentials): Promise<Principal> {
  if (creds.authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(creds.authorization);
    if (!m) throw new DomainError('UNAUTHORIZED', 'The Authorization header must be "Bearer <key>"');
    const token = m[1]!;
    if (safeEqual(token, deps.masterKey)) return { kind: 'master' };
    if (token.startsWith(API_KEY_PREFIX)) return deps.lookup((db) => authenticateApiKey({ db, now: deps.now }, token));
    throw new DomainError('UNAUTHORIZED', 'Unknown API key');
  }
  if (creds.sessionCookie) {
    if (verifySession(deps.sessionSecret, creds.sessionCookie, deps.now?.())) return { kind: 'session' };
    throw new DomainError('UNAUTHORIZED', 'Your console session has expired; log in again');
  }
  throw new DomainError('UNAUTHORIZED', 'Missing credentials: send "Authorization: Bearer <key>"');
}

const RANK: Record<TScope, number> = { read: 1, write: 2, admin: 3 };

export function authorize(principal: Principal, needs: Requirement): void {
  if (principal.kind !== 'key') return;
  if (needs === 'master')
    throw new DomainError('FORBIDDEN', 'This call needs the master key', {
      expected: 'master key',
      got: `${principal.scope} key`,
    });
  if (RANK[principal.scope] < RANK[needs]) {
    throw new DomainError('FORBIDDEN', `This key has scope "${principal.scope}"; this call needs "${needs}"`, {
      expected: needs,
      got: principal.scope,
    });
  }
}

/**
 * The project a call acts on. A project key is bound to its own project: naming another one answers
 * NOT_FOUND, exactly as if that project did not exist, so keys cannot probe for other tenants.
 */
export async function resolveProject(deps: BaseDeps, principal: Principal, ref?: string | null): Promise<TProject> {
  const wanted = ref?.trim() || null;
  if (principal.kind === 'key') {
    const own = await findProject(deps, principal.projectId);
    if (!own || (wanted && wanted !== own.id && wanted !== own.name)) {
      throw new DomainError('NOT_FOUND', `Project "${wanted ?? principal.projectId}" not found`);
    }
    return own;
  }
  const name = wanted ?? DEFAULT_PROJECT;
  const project = await findProject(deps, name);
  if (!project) throw new DomainError('NOT_FOUND', `Project "${name}" not found`, { got: name });
  return project;
}

/** Console login: the master key buys a signed session (the transport sets it as a cookie). */
export function login(
  config: AuthConfig,
  input: { masterKey: string },
): { value: string; expiresAt: string; maxAgeSec: number } {
  if (!safeEqual(input.masterKey.trim(), config.masterKey)) {
    throw new DomainError('UNAUTHORIZED', 'That is not the master key', { path: ['masterKey'] });
  }
  const session = signSession(config.sessionSecret, config.sessionTtlMs);
  return {
    value: session.value,
    expiresAt: session.expiresAt.toISOString(),
    maxAgeSec: Math.floor(config.sessionTtlMs / 1000),
  };
}

export function sessionStatus(config: AuthConfig, cookieValue: string | null): { authenticated: boolean } {
  return { authenticated: verifySession(config.sessionSecret, cookieValue ?? undefined) };
}
