import { cutText, type Embedder, type EmbedOptions } from './embedder';

export const FAKE_DEFAULT_DIMENSIONS = 64;

/**
 * A deterministic stand-in for tests: each lowercased word (a run of letters or digits) is hashed
 * (FNV-1a) into one of `dimensions` buckets and counted; the counts are L2-normalised. Texts that share
 * words are therefore closer than texts that do not, which keeps semantic-search tests meaningful without
 * the real model. Same text, same vector, in every process. A text without words maps to the uniform
 * vector, so it is still a valid unit vector.
 */
export function createFakeEmbedder(opts: { dimensions?: number; model?: string } = {}): Embedder {
  const dimensions = opts.dimensions ?? FAKE_DEFAULT_DIMENSIONS;
  if (!Number.isInteger(dimensions) || dimensions < 1)
    throw new RangeError(`fake embedder dimensions must be a positive integer, got ${dimensions}`);
  return {
    provider: 'fake',
    model: opts.model ?? `fake-bag-of-words-${dimensions}`,
    dimensions,
    embed: async (texts: string[], o?: EmbedOptions) => {
      o?.signal?.throwIfAborted();
      return texts.map((t) => fakeVector(cutText(t), dimensions));
    },
  };
}

function fakeVector(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const w of words) v[fnv1a(w) % dimensions]! += 1;
  let norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
  if (norm === 0) {
    v.fill(1);
    norm = Math.sqrt(dimensions);
  }
  return v.map((x) => x / norm);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
