import { describe, expect, it } from 'vitest';
import type { Embedder } from './embedder';
import { createFakeEmbedder } from './fake';
import { createQueryCache, embedQuery, LruCache } from './query-cache';

describe('LruCache', () => {
  it('returns what was set and counts hits and misses', () => {
    const c = new LruCache<string, number>(2);
    expect(c.get('a')).toBeUndefined();
    c.set('a', 1);
    expect(c.get('a')).toBe(1);
    expect([c.hits, c.misses, c.size]).toEqual([1, 1, 1]);
  });

  it('evicts the least recently used entry, where a read counts as a use', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.get('a');
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.get('c')).toBe(3);
    expect(c.size).toBe(2);
  });

  it('overwriting a key refreshes it without growing', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.set('a', 10);
    c.set('c', 3);
    expect(c.get('a')).toBe(10);
    expect(c.get('b')).toBeUndefined();
    expect(c.size).toBe(2);
  });

  it('rejects a size below 1', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});

function counting(inner: Embedder, model = inner.model): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    provider: inner.provider,
    model,
    dimensions: inner.dimensions,
    calls,
    embed: (texts, o) => (calls.push(texts), inner.embed(texts, o)),
  };
}

describe('embedQuery', () => {
  it('calls the provider once per distinct query and serves hits from the cache', async () => {
    const cache = createQueryCache(10);
    const e = counting(createFakeEmbedder());
    const first = await embedQuery(e, 'green tea', { cache });
    const again = await embedQuery(e, 'green tea', { cache });
    expect(again).toEqual(first);
    expect(e.calls).toEqual([['green tea']]);
    await embedQuery(e, 'black coffee', { cache });
    expect(e.calls).toHaveLength(2);
    expect(cache.hits).toBe(1);
  });

  it('keys by provider and model, so two models never share a vector', async () => {
    const cache = createQueryCache(10);
    const a = counting(createFakeEmbedder(), 'model-a');
    const b = counting(createFakeEmbedder(), 'model-b');
    await embedQuery(a, 'same text', { cache });
    await embedQuery(b, 'same text', { cache });
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(1);
  });

  it('evicts the oldest query beyond its size', async () => {
    const cache = createQueryCache(2);
    const e = counting(createFakeEmbedder());
    for (const q of ['one', 'two', 'three', 'one']) await embedQuery(e, q, { cache });
    expect(e.calls.map((c) => c[0])).toEqual(['one', 'two', 'three', 'one']);
  });

  it('hands out copies: a caller mutating its vector does not corrupt the cache', async () => {
    const cache = createQueryCache(10);
    const e = counting(createFakeEmbedder());
    const v = await embedQuery(e, 'tea', { cache });
    const original = [...v];
    v[0] = 42;
    const w = await embedQuery(e, 'tea', { cache });
    w[1] = 42;
    expect(await embedQuery(e, 'tea', { cache })).toEqual(original);
  });

  it('without a cache, every call embeds', async () => {
    const e = counting(createFakeEmbedder(), `no-cache-${Math.random()}`);
    await embedQuery(e, 'hello');
    await embedQuery(e, 'hello');
    expect(e.calls).toHaveLength(2);
  });

  it('does not cache failures', async () => {
    const cache = createQueryCache(10);
    let fail = true;
    const inner = createFakeEmbedder();
    const e: Embedder = {
      ...inner,
      provider: 'fake',
      model: inner.model,
      dimensions: inner.dimensions,
      embed: async (t) => {
        if (fail) throw new Error('down');
        return inner.embed(t);
      },
    };
    await expect(embedQuery(e, 'x', { cache })).rejects.toThrow('down');
    fail = false;
    expect(await embedQuery(e, 'x', { cache })).toHaveLength(64);
  });
});
