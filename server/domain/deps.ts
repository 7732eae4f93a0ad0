import type { Db } from '@/server/db';

/**
 * What every domain function receives first. A leaf: it imports no domain module, so any module may
 * import it without closing a circle; the services it names are described here as ports (the shapes a
 * domain function may call), and the modules that implement them (embeddings, suggestions, indexes)
 * satisfy them structurally.
 */

/** Turns texts into vectors (embeddings implements it: builtin, openai, fake). */
export type EmbedderPort = {
  readonly provider: 'builtin' | 'openai' | 'fake';
  readonly model: string;
  readonly dimensions: number;
  embed(texts: string[], opts?: { signal?: AbortSignal }): Promise<number[][]>;
};

/** Query vectors already computed, by key (embeddings' LRU implements it). */
export type QueryCachePort = {
  get(key: string): readonly number[] | undefined;
  set(key: string, value: readonly number[]): void;
};

/** Relationship-suggestion analysis (the suggestions analyzer implements it). */
export type SuggestionsPort = {
  /** A write to the project committed: analyze after the debounce. */
  touched: (projectId: string) => void;
  /**
   * Analyze now, or join the analysis already running: `started` resolves once its progress row says
   * running, `finished` when it has ended (either way; the row holds the outcome).
   */
  run: (projectId: string, trigger: 'manual' | 'writes') => { started: Promise<void>; finished: Promise<void> };
};

/** The database (root client or open transaction) and a clock. */
export type BaseDeps = { db: Db; now?: () => Date };

/** Deps for project-scoped work: the scope is fixed by the caller's credentials, never by input. */
export type ProjectDeps = BaseDeps & {
  projectId: string;
  /** Most hops a related-records block may ask for (ENGRAM_MAX_HOPS). */
  maxHops?: number;
  /** Embeds text for managed indexes (writes) and queries (search). */
  embedder?: EmbedderPort;
  queryCache?: QueryCachePort;
  /** A filtered semantic search with at most this many candidates measures them all instead of using HNSW. */
  exactSearchBelow?: number;
  /** Wakes the background work on indexes (HNSW upkeep, embedding backfill) after one is created, deleted or retried. */
  backfill?: { kick: () => void };
  /** Runs relationship-suggestion analysis (on demand, and debounced after writes). */
  suggestions?: SuggestionsPort;
};

export const nowOf = (deps: BaseDeps): Date => (deps.now ? deps.now() : new Date());
