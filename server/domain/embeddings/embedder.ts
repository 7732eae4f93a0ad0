import { createHash } from 'node:crypto';

export type EmbeddingProvider = 'builtin' | 'openai' | 'fake';
export type EmbedOptions = { signal?: AbortSignal };

/**
 * Turns texts into vectors. `embed` is batched: one vector per input, in input order, each exactly
 * `dimensions` finite numbers; `[]` for `[]`. Every text is cut to MAX_TEXT_CHARS first (see cutText).
 * Aborting `signal` rejects with the signal's reason; a provider that cannot answer throws
 * DomainError('UNAVAILABLE').
 */
export interface Embedder {
  readonly provider: EmbeddingProvider;
  readonly model: string;
  readonly dimensions: number;
  embed(texts: string[], opts?: EmbedOptions): Promise<number[][]>;
}

/**
 * The longest text an embedder sees, in UTF-16 code units (JavaScript `length`); the rest is dropped.
 * 8,192 keeps English prose (about 2,000 tokens) well inside OpenAI's 8,191-token input limit and bounds
 * the built-in model's cost, whose tokenizer is quadratic in batch size. Text in scripts that take more
 * tokens per character (CJK) may still exceed a remote model's token limit; that answers UNAVAILABLE
 * naming the upstream's reason.
 */
export const MAX_TEXT_CHARS = 8_192;

/** `text` cut to MAX_TEXT_CHARS, never splitting a surrogate pair (an emoji is kept whole or dropped). */
export function cutText(text: string, max = MAX_TEXT_CHARS): string {
  if (text.length <= max) return text;
  const end = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * SHA-256 (hex) of the exact text an embedder sees, i.e. after cutText: two texts that differ only past
 * the cut embed identically and hash identically, so the write path can skip re-embedding on equal hashes.
 * The hash says nothing about the model; store it beside the index's provider and model.
 */
export function textHash(text: string): string {
  return createHash('sha256').update(cutText(text), 'utf8').digest('hex');
}

/** Cosine similarity of two equal-length vectors (0 when either is all zeros). */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * What is wrong with a provider's answer, in words, or null when it is `count` vectors of `dimensions`
 * finite numbers. Providers turn a problem into UNAVAILABLE: a bad answer is the provider's fault.
 */
export function vectorsProblem(vectors: unknown, count: number, dimensions: number): string | null {
  if (!Array.isArray(vectors)) return 'it returned no list of vectors';
  if (vectors.length !== count) return `it returned ${vectors.length} vectors for ${count} inputs`;
  for (let i = 0; i < vectors.length; i++) {
    const v: unknown = vectors[i];
    if (!Array.isArray(v)) return `vector ${i} is not an array of numbers`;
    if (v.length !== dimensions) return `it returned vectors of ${v.length} dimensions, expected ${dimensions}`;
    for (let j = 0; j < v.length; j++) {
      const x: unknown = v[j];
      if (typeof x !== 'number' || !Number.isFinite(x))
        return `vector ${i} holds a value that is not a finite number at position ${j} (${String(x)})`;
    }
  }
  return null;
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
