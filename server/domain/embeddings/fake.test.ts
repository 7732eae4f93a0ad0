import { describe, expect, it } from 'vitest';
import { cosineSimilarity, MAX_TEXT_CHARS } from './embedder';
import { createFakeEmbedder, FAKE_DEFAULT_DIMENSIONS } from './fake';

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('fake embedder', () => {
  it('describes itself', () => {
    const e = createFakeEmbedder();
    expect(e.provider).toBe('fake');
    expect(e.dimensions).toBe(FAKE_DEFAULT_DIMENSIONS);
    expect(FAKE_DEFAULT_DIMENSIONS).toBe(64);
    expect(e.model).toBe('fake-bag-of-words-64');
    expect(createFakeEmbedder({ dimensions: 8 }).dimensions).toBe(8);
    expect(() => createFakeEmbedder({ dimensions: 0 })).toThrow(RangeError);
  });

  it('returns one unit vector of the right length per text, [] for []', async () => {
    for (const dimensions of [1, 8, 64, 512]) {
      const e = createFakeEmbedder({ dimensions });
      const vs = await e.embed(['alpha beta', 'gamma', '', '   ', '🙂']);
      expect(vs).toHaveLength(5);
      for (const v of vs) {
        expect(v).toHaveLength(dimensions);
        expect(v.every(Number.isFinite)).toBe(true);
        expect(norm(v)).toBeCloseTo(1, 10);
      }
    }
    expect(await createFakeEmbedder().embed([])).toEqual([]);
  });

  it('is deterministic across instances and calls, and ignores case and punctuation', async () => {
    const [a] = await createFakeEmbedder().embed(['The user prefers green tea.']);
    const [b] = await createFakeEmbedder().embed(['the USER prefers green tea']);
    const [c] = await createFakeEmbedder().embed(['The user prefers green tea.']);
    expect(a).toEqual(b);
    expect(a).toEqual(c);
    // Pinned so that a change to the hashing (which would silently reshuffle stored test vectors) is seen.
    expect(a!.flatMap((x, i) => (x > 0 ? [[i, Math.round(x * 1000) / 1000]] : []))).toEqual([
      [12, 0.447],
      [28, 0.447],
      [41, 0.447],
      [50, 0.447],
      [60, 0.447],
    ]);
  });

  it('puts texts that share words closer together', async () => {
    const e = createFakeEmbedder({ dimensions: 256 });
    const [q, near, mid, far] = await e.embed([
      'user likes green tea',
      'the user likes green tea a lot',
      'green tea',
      'car engine broke down yesterday',
    ]);
    const sNear = cosineSimilarity(q!, near!);
    const sMid = cosineSimilarity(q!, mid!);
    const sFar = cosineSimilarity(q!, far!);
    expect(sNear).toBeGreaterThan(sMid);
    expect(sMid).toBeGreaterThan(sFar);
    expect(cosineSimilarity(q!, q!)).toBeCloseTo(1, 10);
  });

  it('cuts long texts before embedding', async () => {
    const e = createFakeEmbedder();
    const base = 'word '.repeat(MAX_TEXT_CHARS); // 5x the maximum: everything after it is dropped
    const [a, b] = await e.embed([base + ' different tail words', base]);
    expect(a).toEqual(b);
  });

  it('honours an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(createFakeEmbedder().embed(['x'], { signal: ac.signal })).rejects.toThrow(/abort/i);
  });
});
