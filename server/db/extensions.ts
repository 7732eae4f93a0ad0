import type { Driver } from './driver';

/**
 * Extension versions the server needs on PostgreSQL. Filtered semantic search sets
 * `hnsw.iterative_scan` (pgvector 0.8): with an older pgvector the setting does not exist, and a filtered
 * search either fails or returns fewer rows than `limit` although that many match. The embedded PGlite
 * ships its own pgvector, so only a PostgreSQL server is checked.
 */
export const PGVECTOR_MIN = '0.8.0';

export class ExtensionVersionError extends Error {
  constructor(
    readonly extension: string,
    readonly found: string | null,
    readonly needed: string,
  ) {
    super(
      found === null
        ? `The PostgreSQL database has no ${extension} extension; Engram needs ${extension} >= ${needed}`
        : `The PostgreSQL database has ${extension} ${found}; Engram needs ${extension} >= ${needed} (upgrade it, then ALTER EXTENSION ${extension} UPDATE)`,
    );
    this.name = 'ExtensionVersionError';
  }
}

/** The numeric parts of a version ("0.8.0" -> [0, 8, 0]; a suffix such as "-dev" is ignored); null when it has none. */
function parts(version: string): number[] | null {
  const m = /^\s*v?(\d+(?:\.\d+)*)/.exec(version);
  return m ? m[1]!.split('.').map(Number) : null;
}

/** Whether `found` is at least `needed`, part by part as numbers (0.10.0 > 0.9.1); an unreadable version is not. */
export function versionAtLeast(found: string, needed: string): boolean {
  const a = parts(found);
  const b = parts(needed);
  if (!a || !b) return false;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** Throws ExtensionVersionError unless pgvector `found` (null: not installed) is at least PGVECTOR_MIN. */
export function requirePgvector(found: string | null): void {
  if (found === null || !versionAtLeast(found, PGVECTOR_MIN))
    throw new ExtensionVersionError('vector', found, PGVECTOR_MIN);
}

/** The installed pgvector version, after migrations (the first creates the extension); PostgreSQL only. */
export async function checkExtensions(driver: Driver): Promise<void> {
  if (driver.kind !== 'postgres') return;
  const rows = await driver.query<{ extversion: string }>(
    `SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
  );
  requirePgvector(rows[0]?.extversion ?? null);
}
