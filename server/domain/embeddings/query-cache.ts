import { cutText, type Embedder, type EmbedOptions } from './embedder';

/** A least-recently-used map: a Map keeps insertion order, so re-inserting on read makes the first key the oldest. */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  hits = 0;
  misses = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`LRU size must be a positive integer, got ${max}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) {
      this.misses++;
      return undefined;
    }
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    this.hits++;
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }

  clear(): void {
    this.entries.clear();
  }
}

export type QueryCache = LruCache<string, readonly number[]>;

export const QUERY_CACHE_SIZE = 1_000;

export function createQueryCache(max = QUERY_CACHE_SIZE): QueryCache {
  return new LruCache(max);
}

/**
 * The vector of one search query, from an LRU keyed by provider, model, dimensions and the cut text; a hit
 * does not call the provider; without a cache every call embeds (the server passes its own, engram.queryCache).
 * Only queries go through here: caching the write path too would let a bulk
 * import evict every hot query, and written texts are already skipped by textHash.
 */
export async function embedQuery(
  embedder: Embedder,
  text: string,
  opts: EmbedOptions & { cache?: Pick<QueryCache, 'get' | 'set'> } = {},
): Promise<number[]> {
  const { cache } = opts;
  const key = `${embedder.provider}\u0000${embedder.model}\u0000${embedder.dimensions}\u0000${cutText(text)}`;
  const hit = cache?.get(key);
  if (hit) return [...hit];
  const [vector] = await embedder.embed([text], { signal: opts.signal });
  cache?.set(key, Object.freeze([...vector!]));
  return vector!;
}
