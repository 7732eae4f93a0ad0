import { uuidv7 } from 'uuidv7';
import { DomainError } from '@/server/errors';
import { nowOf, type ProjectDeps } from '../deps';
import type { TApiKey, TCreateApiKeyInput, TCreatedApiKey, TScope } from './auth.schema';
import { hashSecret, randomToken } from './secrets';

/**
 * Project keys look like `egk_<project id hex>_<secret>`: the project id in the key lets the lookup
 * use the (project_id, hash) index, so authentication never scans across projects.
 */
export const API_KEY_PREFIX = 'egk_';
const KEY_RE = /^egk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

type Row = {
  id: string;
  name: string;
  prefix: string;
  scope: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toApiKey = (r: Row): TApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scope: r.scope as TScope,
  expiresAt: iso(r.expiresAt),
  revokedAt: iso(r.revokedAt),
  lastUsedAt: iso(r.lastUsedAt),
  createdAt: r.createdAt.toISOString(),
});

const projectHex = (projectId: string) => projectId.replace(/-/g, '').toLowerCase();
const hexToUuid = (h: string) =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

export async function createApiKey(deps: ProjectDeps, parsed: TCreateApiKeyInput): Promise<TCreatedApiKey> {
  const expiresAt = parsed.expiresAt ? new Date(parsed.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= nowOf(deps).getTime()) {
    throw new DomainError('INVALID', 'expiresAt must be in the future', {
      path: ['expiresAt'],
      expected: 'a future time',
      got: parsed.expiresAt,
    });
  }
  const secret = randomToken(32);
  const key = `${API_KEY_PREFIX}${projectHex(deps.projectId)}_${secret}`;
  const row = await deps.db.apiKey.create({
    data: {
      projectId: deps.projectId,
      id: uuidv7(),
      name: parsed.name,
      prefix: `${API_KEY_PREFIX}…${secret.slice(0, 6)}`,
      hash: hashSecret(key),
      scope: parsed.scope,
      expiresAt,
    },
  });
  return { ...toApiKey(row), key };
}

export async function listApiKeys(deps: ProjectDeps): Promise<{ items: TApiKey[]; total: number }> {
  const rows = await deps.db.apiKey.findMany({ where: { projectId: deps.projectId }, orderBy: { createdAt: 'desc' } });
  return { items: rows.map(toApiKey), total: rows.length };
}

/** Revokes a key of this project; revoking twice is harmless; another project's key is NOT_FOUND. */
export async function revokeApiKey(deps: ProjectDeps, id: string): Promise<TApiKey> {
  const row = await deps.db.apiKey.findUnique({ where: { projectId_id: { projectId: deps.projectId, id } } });
  if (!row) throw new DomainError('NOT_FOUND', `API key ${id} not found`, { path: ['id'], got: id });
  if (row.revokedAt) return toApiKey(row);
  const updated = await deps.db.apiKey.update({
    where: { projectId_id: { projectId: deps.projectId, id } },
    data: { revokedAt: nowOf(deps) },
  });
  return toApiKey(updated);
}

export type KeyPrincipal = { kind: 'key'; projectId: string; keyId: string; scope: TScope };

/** Resolves a presented project key, or throws UNAUTHORIZED saying why (unknown, revoked, expired). */
export async function authenticateApiKey(
  deps: { db: ProjectDeps['db']; now?: () => Date },
  presented: string,
): Promise<KeyPrincipal> {
  const m = KEY_RE.exec(presented);
  if (!m) throw new DomainError('UNAUTHORIZED', 'Unknown API key');
  const projectId = hexToUuid(m[1]!);
  const row = await deps.db.apiKey.findUnique({
    where: { projectId_hash: { projectId, hash: hashSecret(presented) } },
  });
  if (!row) throw new DomainError('UNAUTHORIZED', 'Unknown API key');
  const now = nowOf(deps);
  if (row.revokedAt) throw new DomainError('UNAUTHORIZED', 'This API key has been revoked');
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime())
    throw new DomainError('UNAUTHORIZED', 'This API key has expired');
  // Record use at most once a minute per key, so reads do not turn into a write each.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await deps.db.apiKey.updateMany({ where: { projectId, id: row.id }, data: { lastUsedAt: now } });
  }
  return { kind: 'key', projectId, keyId: row.id, scope: row.scope as TScope };
}
