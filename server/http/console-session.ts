import { headers } from 'next/headers';
import { hasSessionCookie } from './entry';

/**
 * Whether the current request carries a valid console session. For server components: console pages
 * call it so app/ never touches server/domain itself, and the check runs in the booted instance.
 */
export async function hasConsoleSession(): Promise<boolean> {
  return hasSessionCookie((await headers()).get('cookie'));
}
