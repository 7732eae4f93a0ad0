/** Request header carrying the page path (set by proxy.ts) for the console's login redirect. */
export const PATH_HEADER = 'x-engram-path';

/**
 * The `next` target after login, kept on this site: only a local absolute path is accepted, so
 * `?next=//evil.example` or `?next=https://…` cannot turn the login page into an open redirect.
 */
export function safeNextPath(raw: string | string[] | null | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value === '/login' || value.startsWith('/login?') || value.startsWith('/login/')) return '/';
  return value;
}

export function loginUrl(next: string | null | undefined): string {
  const target = safeNextPath(next);
  return target === '/' ? '/login' : `/login?next=${encodeURIComponent(target)}`;
}
