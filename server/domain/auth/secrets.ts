import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Keys carry 256 random bits, so a plain SHA-256 is a sound way to store them (no brute force). */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export const hmac = (secret: string, data: string): string =>
  createHmac('sha256', secret).update(data).digest('base64url');
