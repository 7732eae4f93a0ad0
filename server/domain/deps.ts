import type { Db } from '@/server/db';
import type { Embedder, QueryCache } from './embeddings';
import type { SuggestionsHandle } from './suggestions';

/** What every domain function receives first: the database (root client or open transaction) and a clock. */
export type BaseDeps = { db: Db; now?: () => Date };
/** Deps for project-scoped work: the scope is fixed by the caller's credentials, never by input. */
export type ProjectDeps = BaseDeps & {
  projectId: string;
  /** Most hops a related-records block may ask for (ENGRAM_MAX_HOPS). */
  maxHops?: number;
  /** Embeds text for managed indexes (writes) and queries (search). */
  embedder?: Embedder;
  queryCache?: QueryCache;
  /** A filtered semantic search with at most this many candidates measures them all instead of using HNSW. */
  exactSearchBelow?: number;
  /** Wakes the background backfill after an index is created or retried. */
  backfill?: { kick: () => void };
  /** Runs relationship-suggestion analysis (on demand, and debounced after writes). */
  suggestions?: SuggestionsHandle;
};

export const nowOf = (deps: BaseDeps): Date => (deps.now ? deps.now() : new Date());
