/**
 * The console's selected project: kept in a plain (non-httpOnly) cookie so the server layout can
 * render with it on the first request, and sent to the API as the x-project-id header.
 */
export const PROJECT_COOKIE = 'engram_project';
export const PROJECT_HEADER = 'x-project-id';
export const DEFAULT_PROJECT = 'default';

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function projectFromCookie(value: string | undefined): string {
  return value && NAME_RE.test(value) ? value : DEFAULT_PROJECT;
}

export function writeProjectCookie(name: string): void {
  document.cookie = `${PROJECT_COOKIE}=${encodeURIComponent(name)}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
