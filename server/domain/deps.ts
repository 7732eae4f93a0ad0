import type { Db } from '@/server/db';

/** What every domain function receives first: the database (root client or open transaction) and a clock. */
export type BaseDeps = { db: Db; now?: () => Date };
/** Deps for project-scoped work: the scope is fixed by the caller's credentials, never by input. */
export type ProjectDeps = BaseDeps & { projectId: string; /** Most hops a related-records block may ask for (ENGRAM_MAX_HOPS). */ maxHops?: number };

export const nowOf = (deps: BaseDeps): Date => (deps.now ? deps.now() : new Date());
