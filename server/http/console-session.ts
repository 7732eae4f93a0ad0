import { cookies } from 'next/headers';
import { SESSION_COOKIE, verifySession } from '@/server/domain/auth';
import { getEngram } from '@/server/engram';

/**
 * Whether the current request carries a valid console session. For server components: console
 * pages call it so app/ never touches server/domain itself.
 */
export async function hasConsoleSession(): Promise<boolean> {
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!value) return false;
  const engram = await getEngram();
  return verifySession(engram.sessionSecret, value);
}
