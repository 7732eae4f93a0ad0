import { describe, expect, it } from 'vitest';
import { chunks, cosineSimilarity, cutText, MAX_TEXT_CHARS, textHash, vectorsProblem } from './embedder';

describe('cutText', () => {
  it('keeps texts up to the maximum and cuts longer ones to it', () => {
    expect(MAX_TEXT_CHARS).toBe(8_192);
    expect(cutText('short')).toBe('short');
    const exact = 'a'.repeat(MAX_TEXT_CHARS);
    expect(cutText(exact)).toBe(exact);
    expect(cutText('b'.repeat(MAX_TEXT_CHARS + 500))).toBe('b'.repeat(MAX_TEXT_CHARS));
  });

  it('never splits a surrogate pair', () => {
    const text = 'a'.repeat(MAX_TEXT_CHARS - 1) + '🙂' + 'tail';
    const cut = cutText(text);
    expect(cut).toBe('a'.repeat(MAX_TEXT_CHARS - 1));
    expect(cutText('ab🙂', 4)).toBe('ab🙂');
    expect(cutText('ab🙂c', 3)).toBe('ab');
  });
});

describe('textHash', () => {
  it('is the sha256 hex of the text that is embedded', () => {
    expect(textHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(textHash('abc')).not.toBe(textHash('abd'));
    expect(textHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('ignores what the cut drops, since the embedder never sees it', () => {
    const base = 'x'.repeat(MAX_TEXT_CHARS);
    expect(textHash(base + ' one')).toBe(textHash(base + ' two'));
    expect(textHash(base + ' one')).toBe(textHash(base));
  });
});

describe('vectorsProblem', () => {
  it('accepts count vectors of finite numbers of the right length', () => {
    expect(
      vectorsProblem(
        [
          [1, 2],
          [3, 4],
        ],
        2,
        2,
      ),
    ).toBeNull();
    expect(vectorsProblem([], 0, 2)).toBeNull();
  });

  it('names what is wrong', () => {
    expect(vectorsProblem(null, 1, 2)).toMatch(/no list/);
    expect(vectorsProblem([[1, 2]], 2, 2)).toBe('it returned 1 vectors for 2 inputs');
    expect(vectorsProblem([[1, 2, 3]], 1, 2)).toBe('it returned vectors of 3 dimensions, expected 2');
    expect(vectorsProblem([[1, NaN]], 1, 2)).toMatch(/vector 0 .* not a finite number at position 1 \(NaN\)/);
    expect(vectorsProblem([[1, Infinity]], 1, 2)).toMatch(/Infinity/);
    expect(vectorsProblem([[1, '2']], 1, 2)).toMatch(/not a finite number/);
    expect(vectorsProblem(['nope'], 1, 2)).toMatch(/not an array/);
  });
});

describe('helpers', () => {
  it('chunks in order', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
  });

  it('cosine similarity', () => {
    expect(cosineSimilarity([1, 0], [1, 0])).toBeCloseTo(1);
    expect(cosineSimilarity([1, 0], [0, 1])).toBeCloseTo(0);
    expect(cosineSimilarity([1, 0], [-2, 0])).toBeCloseTo(-1);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
  });
});
