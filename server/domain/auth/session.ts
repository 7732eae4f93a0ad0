import { createHash } from 'node:crypto';
import { hmac, randomToken, safeEqual } from './secrets';

/**
 * Console sessions are stateless signed cookies: `<expires epoch s>.<nonce>.<hmac>`. The signing key
 * derives from the master key, so rotating the master key ends every session.
 */
export const SESSION_COOKIE = 'engram_session';

export const sessionSecretFor = (masterKey: string): string =>
  createHash('sha256').update(`engram-session-v1:${masterKey}`).digest('base64url');

export function signSession(secret: string, ttlMs: number, now = new Date()): { value: string; expiresAt: Date } {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const payload = `${Math.floor(expiresAt.getTime() / 1000)}.${randomToken(12)}`;
  return { value: `${payload}.${hmac(secret, payload)}`, expiresAt };
}

export function verifySession(secret: string, value: string | undefined, now = new Date()): boolean {
  if (!value) return false;
  const parts = value.split('.');
  if (parts.length !== 3) return false;
  const [exp, nonce, sig] = parts as [string, string, string];
  if (!safeEqual(sig, hmac(secret, `${exp}.${nonce}`))) return false;
  const expSec = Number(exp);
  return Number.isInteger(expSec) && expSec * 1000 > now.getTime();
}
