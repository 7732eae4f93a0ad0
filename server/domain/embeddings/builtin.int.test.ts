import { describe, expect, it } from 'vitest';
import { BUILTIN_DIMENSIONS, createBuiltinEmbedder } from './builtin';
import { cosineSimilarity } from './embedder';

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

// The real model (Universal Sentence Encoder lite, shipped in an npm package): loads in ~0.2 s, offline.
describe('builtin embedder', () => {
  const e = createBuiltinEmbedder();

  it('embeds sentences into 512 finite, unit-length numbers', async () => {
    expect([e.provider, e.model, e.dimensions]).toEqual(['builtin', 'universal-sentence-encoder-lite', 512]);
    const vs = await e.embed(['I like tea', 'The car broke down', '', '🙂', 'x'.repeat(20_000)]);
    expect(vs).toHaveLength(5);
    for (const v of vs) {
      expect(v).toHaveLength(BUILTIN_DIMENSIONS);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(norm(v)).toBeCloseTo(1, 3);
    }
    expect(await e.embed([])).toEqual([]);
    // A batch of only empty texts is something the model itself rejects.
    expect((await e.embed(['', '']))[0]).toHaveLength(512);
  });

  it('ranks by meaning', async () => {
    const [tea, enjoy, car] = await e.embed(['I like tea', 'I enjoy drinking tea', 'The car broke down']);
    expect(cosineSimilarity(tea!, enjoy!)).toBeGreaterThan(cosineSimilarity(tea!, car!) + 0.1);
  });

  it('gives a text the same vector whatever it is batched with', async () => {
    const [alone] = await e.embed(['The user prefers window seats']);
    const [, inBatch] = await e.embed(['Something else entirely', 'The user prefers window seats', '']);
    const [empty] = await e.embed(['']);
    const [, , emptyInBatch] = await e.embed(['a', 'b', '']);
    expectClose(alone!, inBatch!);
    expectClose(empty!, emptyInBatch!);
  });

  it('answers concurrent calls with the vectors of their own inputs, across batches', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `memory ${i}: the user mentioned topic number ${i * 7}`);
    const small = createBuiltinEmbedder({ batchSize: 8 });
    const expected = await small.embed(texts);
    const groups = [texts.slice(0, 20), texts.slice(20, 23), texts.slice(23, 40), [texts[5]!]];
    const results = await Promise.all(groups.map((g) => small.embed(g)));
    results.flat().forEach((v, i) => expectClose(v, expected[texts.indexOf(groups.flat()[i]!)]!));
  });

  it('lets a single query in between the batches of a large call', async () => {
    const small = createBuiltinEmbedder({ batchSize: 8 });
    await small.embed(['warm up']);
    const finished: string[] = [];
    const big = small
      .embed(Array.from({ length: 64 }, (_, i) => `backfill text ${i}`))
      .then(() => finished.push('big'));
    const query = small.embed(['what does the user drink?']).then(() => finished.push('query'));
    await Promise.all([big, query]);
    expect(finished).toEqual(['query', 'big']);
  });

  it('stops before its next batch when the caller aborts', async () => {
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    await expect(e.embed(['x'], { signal: ac.signal })).rejects.toThrow('gone');
  });
});

function expectClose(a: number[], b: number[]) {
  expect(a).toHaveLength(b.length);
  expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThan(1e-4);
}
