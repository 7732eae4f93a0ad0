import { describe, expect, it } from 'vitest';
import { sessionSecretFor, signSession, verifySession } from './session';

describe('console session cookie', () => {
  const secret = sessionSecretFor('master-key-for-tests-0123456789');
  const now = new Date('2026-01-01T00:00:00Z');

  it('verifies a cookie it signed until it expires', () => {
    const { value, expiresAt } = signSession(secret, 60_000, now);
    expect(expiresAt.toISOString()).toBe('2026-01-01T00:01:00.000Z');
    expect(verifySession(secret, value, now)).toBe(true);
    expect(verifySession(secret, value, new Date(now.getTime() + 61_000))).toBe(false);
  });

  it('rejects tampering, other secrets and junk', () => {
    const { value } = signSession(secret, 60_000, now);
    const [exp, nonce, sig] = value.split('.') as [string, string, string];
    expect(verifySession(secret, `${Number(exp) + 3600}.${nonce}.${sig}`, now)).toBe(false);
    expect(verifySession(sessionSecretFor('another-master-key-0123456789'), value, now)).toBe(false);
    for (const junk of ['', 'a.b', 'a.b.c.d', '..', undefined]) expect(verifySession(secret, junk, now)).toBe(false);
  });
});
